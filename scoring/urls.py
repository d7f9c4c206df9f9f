"""The panel's pages under /panel/: verification, scoring (scoring.views) and the ranking
(scoring.views_ranking)."""

from . import views, views_ranking

app_name = "scoring"

urlpatterns = [*views.urlpatterns, *views_ranking.urlpatterns]
