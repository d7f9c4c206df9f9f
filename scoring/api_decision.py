"""The decision file of a nominee in the API: built by the decision-file work."""


def register(router) -> None:
    pass
