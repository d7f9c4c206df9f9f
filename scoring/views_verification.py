"""The panel's verification page: the dossiers waiting for verification, each to verify (after
a confirmation), return for correction or declare ineligible; the decisions taken; and, for the
panel's chair and the secretariat, the decisions they may still correct with a reason.

Access as on every panel page (scoring.views.PanelView): anonymous visitors go to the login
page, people without a panel role get 403, a panel they cannot see answers 404, a nomination
outside the panel 404, and the action's rule decides on the panel (403): members and the
secretariat decide (`scoring.verify_nominations`), the chair and the secretariat correct
(`scoring.correct_verification`); auditors read."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _

from candidates.enums import PANEL_STATES, NominationState
from candidates.models import NominationTransition

from . import forms, selectors, services
from .enums import StageKind, StageState
from .models import RankingSnapshot
from .verification import nomination_verification_correct
from .views import PanelView

VERIFICATION_DECISIONS = (
    NominationState.VERIFIED,
    NominationState.RETURNED,
    NominationState.INELIGIBLE,
)
# The decisions a chair may correct, and a correction's move: back to verification.
CORRECTABLE = (NominationState.VERIFIED, NominationState.INELIGIBLE)
CORRECTED = Q(from_state__in=CORRECTABLE, to_state__in=selectors.TO_VERIFY_STATES)


def _errors_of(form) -> list[str]:
    return [
        f"{form.nomination.candidate.name}: {message}"
        for messages_ in form.errors.values()
        for message in messages_
    ]


def correctable(panel, stage) -> list:
    """The panel's verified and ineligible dossiers whose decision may still be corrected: the
    verification stage is open and the category's ranking is not finalised (the service checks
    again)."""
    if stage is None or stage.state != StageState.OPEN:
        return []
    ranked_in = selectors.panel_stage(panel, selectors.scoring_stage_kinds(panel)[0])
    frozen = RankingSnapshot.objects.filter(stage=ranked_in, panel=panel, reopened_at=None)
    return list(
        selectors.panel_nominations(panel)
        .filter(state__in=CORRECTABLE)
        .exclude(category__in=frozen.values("category"))
        .order_by("category__order", "candidate__name")
    )


class VerificationView(PanelView):
    """Dossiers submitted (or resubmitted) to the panel, each to verify, return for correction
    or declare ineligible, and the decisions already taken. Auditors see it read-only."""

    def get(self, request, panel_pk):
        return self.page()

    def get_nomination(self, nomination_pk):
        """A dossier the panel has received (404 otherwise)."""
        return get_object_or_404(
            selectors.panel_nominations(self.panel).filter(state__in=PANEL_STATES),
            pk=nomination_pk,
        )

    def page(
        self,
        failed: forms.VerificationForm | None = None,
        failed_correction: forms.VerificationCorrectionForm | None = None,
        status=200,
    ):
        panel, user = self.panel, self.request.user
        may_decide = user.has_perm("scoring.verify_nominations", panel)
        stage = selectors.panel_stage(
            panel,
            StageKind.NATIONAL_SELECTION if panel.is_jury else StageKind.PROVINCIAL_VERIFICATION,
        )
        rows = []
        for nomination in selectors.nominations_to_verify(panel).order_by(
            "category__order", "candidate__name"
        ):
            decision_forms = {
                d: forms.VerificationForm(nomination=nomination, decision=d)
                for d in forms.Decision.ALL
            }
            if failed is not None and failed.nomination.pk == nomination.pk:
                decision_forms[failed.decision] = failed
            rows.append({"nomination": nomination, "forms": decision_forms})
        corrections = []
        if user.has_perm("scoring.correct_verification", panel):
            corrections = [
                {
                    "nomination": nomination,
                    "form": failed_correction
                    if failed_correction is not None
                    and failed_correction.nomination.pk == nomination.pk
                    else forms.VerificationCorrectionForm(nomination=nomination),
                }
                for nomination in correctable(panel, stage)
            ]
        # A refused form whose dossier is not on the page says why above it.
        page_errors = []
        if failed is not None and failed.nomination not in (r["nomination"] for r in rows):
            page_errors += _errors_of(failed)
        if failed_correction is not None and failed_correction.nomination not in (
            c["nomination"] for c in corrections
        ):
            page_errors += _errors_of(failed_correction)
        decided = (
            NominationTransition.objects.filter(
                Q(to_state__in=VERIFICATION_DECISIONS) | CORRECTED,
                nomination__in=selectors.panel_nominations(panel).values("pk"),
            )
            .select_related("nomination__candidate", "nomination__category", "actor")
            .order_by("-at", "-pk")[:30]
        )
        return self.render(
            "scoring/verification.html",
            {
                "rows": rows,
                "corrections": corrections,
                "decided": decided,
                "stage": stage,
                "may_decide": may_decide,
                "show_actor": selectors.may_see_assessor_names(user, panel),
                "page_errors": page_errors,
            },
            status=status,
        )


class VerificationDecisionView(VerificationView):
    """Verify (the box ticked), return (reason and deadline) or declare ineligible (reason):
    POST only; a wrong input shows the verification page again with the message at its
    field."""

    post_permission = "scoring.verify_nominations"

    def get(self, request, panel_pk, nomination_pk):
        return redirect("scoring:verification", panel_pk=self.panel.pk)

    def post(self, request, panel_pk, nomination_pk):
        nomination = self.get_nomination(nomination_pk)
        decision = request.POST.get("decision")
        if decision not in forms.Decision.ALL:
            form = forms.VerificationForm(
                # Ticked, so that the message below is the only one.
                {"decision": forms.Decision.VERIFY, "confirm": "on"},
                nomination=nomination,
                decision=forms.Decision.VERIFY,
            )
            form.is_valid()
            form.add_error(None, _("Choose to verify, return or declare the dossier ineligible."))
            return self.page(failed=form, status=400)
        form = forms.VerificationForm(request.POST, nomination=nomination, decision=decision)
        if not form.is_valid():
            return self.page(failed=form, status=400)
        try:
            if decision == forms.Decision.VERIFY:
                services.nomination_verify(actor=request.user, nomination=nomination)
                done = _("%(candidate)s was verified.")
            elif decision == forms.Decision.RETURN:
                services.nomination_return(
                    actor=request.user,
                    nomination=nomination,
                    reason=form.cleaned_data["reason"],
                    deadline=form.cleaned_data["deadline"],
                )
                done = _("%(candidate)s was returned to the branch office for correction.")
            else:
                services.nomination_declare_ineligible(
                    actor=request.user, nomination=nomination, reason=form.cleaned_data["reason"]
                )
                done = _("%(candidate)s was declared ineligible.")
        except ValidationError as error:
            forms.add_service_errors(form, error)
            return self.page(failed=form, status=400)
        messages.success(request, done % {"candidate": nomination.candidate.name})
        return redirect("scoring:verification", panel_pk=self.panel.pk)


class VerificationCorrectionView(VerificationView):
    """The chair (or the secretariat) corrects a verification decision taken by mistake, with
    a reason: the dossier waits for verification again. POST only; a refusal (no reason, the
    stage not open, the ranking finalised) shows the verification page again with why."""

    post_permission = "scoring.correct_verification"

    def get(self, request, panel_pk, nomination_pk):
        return redirect("scoring:verification", panel_pk=self.panel.pk)

    def post(self, request, panel_pk, nomination_pk):
        nomination = self.get_nomination(nomination_pk)
        form = forms.VerificationCorrectionForm(request.POST, nomination=nomination)
        if form.is_valid():
            try:
                nomination_verification_correct(
                    actor=request.user, nomination=nomination, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                forms.add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "The verification of %(candidate)s is corrected: the dossier waits for "
                        "verification again."
                    )
                    % {"candidate": nomination.candidate.name},
                )
                return redirect("scoring:verification", panel_pk=self.panel.pk)
        return self.page(failed_correction=form, status=400)


urlpatterns = [
    path("<int:panel_pk>/verification/", VerificationView.as_view(), name="verification"),
    path(
        "<int:panel_pk>/verification/<int:nomination_pk>/",
        VerificationDecisionView.as_view(),
        name="verify",
    ),
    path(
        "<int:panel_pk>/verification/<int:nomination_pk>/correct/",
        VerificationCorrectionView.as_view(),
        name="verification_correct",
    ),
]
