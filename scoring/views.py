"""Panel pages: panels, verification, the scoring worklist, scoresheets and conflicts."""

urlpatterns = []
