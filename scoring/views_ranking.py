"""Ranking pages: the panel's ranking, tie decisions, finalisation, reopening, XLSX export."""

urlpatterns = []
