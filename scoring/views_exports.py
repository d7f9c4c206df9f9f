"""A category's ranking as XLSX, as its page shows it to the user: the provincial assessment
and the national selection (scoring.views_ranking.category_ranking), the jury's interview
ranked on its own (the same, read only), and the national result
(scoring.final_section.final_section, the page scoring.views_national.FinalView).

Access as on the ranking pages (views_ranking.PanelAccessMixin): the stage named in the
address must be one the panel ranks, else 404."""

from django.http import HttpResponse
from django.urls import path
from django.views import View

from . import selectors, spreadsheets
from .enums import StageKind
from .final_section import final_section
from .views_ranking import PanelAccessMixin, category_ranking


class RankingXlsx(PanelAccessMixin, View):
    """One category's ranking as the page shows it to the user, as XLSX."""

    def allowed_stage_kinds(self) -> tuple:
        kinds = selectors.scoring_stage_kinds(self.panel)
        return (*kinds, StageKind.NATIONAL_RESULT) if self.panel.is_jury else kinds

    def get(self, request, panel_pk, category_pk, stage=None):
        user, panel = request.user, self.panel
        if self.stage_kind == StageKind.NATIONAL_RESULT:
            self.stage()  # 404 without the stage
            section = final_section(
                user=user,
                panel=panel,
                category=self.category,
                is_member=selectors.membership(panel, user) is not None,
            )
            content = spreadsheets.final_workbook(panel=panel, section=section)
        else:
            section = category_ranking(
                user=user,
                panel=panel,
                stage=self.stage(),
                category=self.category,
                can_manage=False,
                show_names=False,
                page=None,
            )
            content = spreadsheets.ranking_workbook(panel=panel, section=section)
        name = spreadsheets.ranking_filename(
            panel=panel, category=self.category, kind=self.stage_kind
        )
        response = HttpResponse(content, content_type=spreadsheets.XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "private, no-store"
        return response


urlpatterns = [
    path(
        "<int:panel_pk>/ranking/<int:category_pk>/ranking.xlsx",
        RankingXlsx.as_view(),
        name="ranking_xlsx",
    ),
    # With the stage named (the short address above is the panel's first ranked stage's).
    path(
        "<int:panel_pk>/ranking/<slug:stage>/<int:category_pk>/ranking.xlsx",
        RankingXlsx.as_view(),
        name="ranking_xlsx",
    ),
]
