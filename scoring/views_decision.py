"""The decision file of a nominee (HTML and PDF): built by the decision-file work."""

urlpatterns = []
