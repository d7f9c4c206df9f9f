"""The scoring API under /api/v1/scoring/: verification, scoresheets and rankings, with the same
rules (scoring/rules.py) and services as the pages."""


def register(router) -> None:
    """Add the scoring routes to the project's router (paritrana/urls.py)."""
