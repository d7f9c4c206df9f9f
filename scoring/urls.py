"""The panels' pages under /panel/: panels and scoring (scoring.views), verification
(scoring.views_verification), rankings (scoring.views_ranking) and their XLSX
(scoring.views_exports), the jury's interviews, national result and awards
(scoring.views_national) and the decision files (scoring.views_decision)."""

from . import (
    views,
    views_decision,
    views_exports,
    views_national,
    views_ranking,
    views_verification,
)

app_name = "scoring"

urlpatterns = [
    *views.urlpatterns,
    *views_verification.urlpatterns,
    *views_ranking.urlpatterns,
    *views_exports.urlpatterns,
    *views_national.urlpatterns,
    *views_decision.urlpatterns,
]
