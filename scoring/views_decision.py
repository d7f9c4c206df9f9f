"""The decision file of a nominee, as a page and as a PDF (scoring.decision builds it).

Both live below a panel, /panel/<panel>/decisions/<nomination>/ and …/decision.pdf, because
that is where its readers come from (the panel's ranking and scoresheets) and what scopes what
they reach: the panel must be one the person sees (selectors.panels_visible_to) and the
nomination one that panel sees (decision.decision_nominations). The secretariat and auditors
reach every nominee through any panel that sees it; a juror reaches a provincial nominee through
the jury once it is in the national round. The file itself is the same whichever panel it is
opened from: every stage the nominee reached, as scoring.decision lets the reader see it.

Access, as on the other panel pages (scoring.views): anonymous visitors are sent to the login
page; a person without a panel role (branch staff) gets 403; a panel they cannot see, or a
nominee that panel does not see, answers 404 so that neither's existence leaks; and the rule
`scoring.view_decision_file` is asked with the nomination (404 too). The PDF is the page's own
template without the site's navigation, rendered by paritrana.pdf (static files only); neither
answer may be kept by a cache."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.text import slugify
from django.views import View

from . import selectors
from .decision import decision_file, decision_nominations
from .views import _panel_links

NO_STORE = "private, no-store"


def pdf_filename(nomination) -> str:
    """paritrana-keputusan-<year>-<candidate>-<category>.pdf ("keputusan": decision)."""
    slug = slugify(nomination.candidate.name) or f"nominasi-{nomination.pk}"
    year = nomination.category.edition.year
    return f"paritrana-keputusan-{year}-{slug}-{slugify(nomination.category.code)}.pdf"


class DecisionFileView(View):
    """The decision file as a printable page."""

    template_name = "scoring/decision.html"
    pdf = False

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user.has_perm("scoring.access_panels"):
            raise PermissionDenied
        self.panel = get_object_or_404(selectors.panels_visible_to(user), pk=kwargs["panel_pk"])
        self.nomination = get_object_or_404(
            decision_nominations(self.panel), pk=kwargs["nomination_pk"]
        )
        if not user.has_perm("scoring.view_decision_file", self.nomination):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def context(self) -> dict:
        user = self.request.user
        member = selectors.membership(self.panel, user)
        return {
            "panel": self.panel,
            "member": member,
            **_panel_links(user, self.panel, member),
            "file": decision_file(user, self.nomination),
            "pdf": self.pdf,
            "base_template": "scoring/_decision_document.html" if self.pdf else "base.html",
        }

    def get(self, request, panel_pk, nomination_pk):
        response = TemplateResponse(request, self.template_name, self.context())
        response["Cache-Control"] = NO_STORE
        return response


class DecisionFilePdf(DecisionFileView):
    """The same file as PDF, to download."""

    pdf = True

    def get(self, request, panel_pk, nomination_pk):
        # WeasyPrint loads its stylesheets when imported: only when a PDF is asked for.
        from paritrana.pdf import render_pdf

        html = render_to_string(self.template_name, self.context(), request=request)
        content = render_pdf(html, base_url=request.build_absolute_uri())
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{pdf_filename(self.nomination)}"'
        response["Cache-Control"] = NO_STORE
        return response


urlpatterns = [
    path(
        "<int:panel_pk>/decisions/<int:nomination_pk>/",
        DecisionFileView.as_view(),
        name="decision",
    ),
    path(
        "<int:panel_pk>/decisions/<int:nomination_pk>/decision.pdf",
        DecisionFilePdf.as_view(),
        name="decision_pdf",
    ),
]
