"""The national jury's own pages: interviews, the national result (final ranking, tie
decisions, the chair's finalisation, each juror's confirmation, reopening), the awards, and
the agreement between assessors (every panel, for its chair, the secretariat and auditors).

Access as on every panel page (scoring.views.PanelView): anonymous visitors go to the login
page, people without a panel role get 403, a panel they cannot see answers 404, and the
action's rule decides on the panel (403). The jury's pages answer 404 on a provincial panel."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _

from candidates.models import Category

from . import selectors, services
from .enums import SLUG_OF, StageKind, StageState
from .final_section import final_section
from .forms import add_service_errors
from .forms_national import (
    InterviewRecordForm,
    InterviewScheduleForm,
    SpecialAwardForm,
    WithdrawForm,
)
from .forms_ranking import ConfirmForm, FinaliseForm, ReopenForm, TieDecisionForm, parse_ids
from .models import Award, Interview
from .views import PanelView


class JuryView(PanelView):
    """A page of the national jury only (404 on a provincial panel)."""

    def panel_allowed(self, panel) -> bool:
        return panel.is_jury

    def allowed_stage_kinds(self) -> tuple:
        return ()

    def get_category(self):
        return get_object_or_404(
            Category.objects.filter(edition=self.panel.edition_id), pk=self.kwargs["category_pk"]
        )


# ---------------------------------------------------------------------------------------------
# Interviews


def _in_schedule_order(row: dict) -> tuple:
    return selectors.schedule_order(row["nomination"], row["interview"])


class InterviewsView(JuryView):
    """The finalists by category with their interview: schedule, video link, who attended and
    the attendance factor; the chair and the secretariat schedule and record them."""

    def get(self, request, panel_pk):
        panel = self.panel
        finalists = selectors.stage_nominations(panel, StageKind.NATIONAL_INTERVIEW).order_by(
            "category__order", "candidate__name"
        )
        interviews = selectors.interviews_of(panel)
        stage = selectors.panel_stage(panel, StageKind.NATIONAL_INTERVIEW)
        rubrics = {}
        groups: dict[int, dict] = {}
        for nomination in finalists:
            category = nomination.category
            if category.pk not in rubrics:
                rubrics[category.pk] = selectors.rubric_for(stage, category) if stage else None
            interview = interviews.get(nomination.pk)
            rubric = rubrics[category.pk]
            factor = (
                rubric.attendance_factor(interview.attendance)
                if rubric is not None and interview is not None and interview.attendance
                else None
            )
            groups.setdefault(category.pk, {"category": category, "rows": []})["rows"].append(
                {"nomination": nomination, "interview": interview, "factor": factor}
            )
        for group in groups.values():
            group["rows"].sort(key=_in_schedule_order)
        return self.render(
            "scoring/interviews.html",
            {
                "stage": stage,
                "groups": list(groups.values()),
                "can_manage": request.user.has_perm("scoring.finalise_ranking", panel),
            },
        )


class InterviewView(JuryView):
    """One finalist's interview: the chair (or the secretariat) sets its schedule and records
    who attended and the minutes."""

    post_permission = "scoring.finalise_ranking"

    def nomination(self):
        return get_object_or_404(
            selectors.stage_nominations(self.panel, StageKind.NATIONAL_INTERVIEW),
            pk=self.kwargs["nomination_pk"],
        )

    def get(self, request, panel_pk, nomination_pk):
        if not request.user.has_perm("scoring.finalise_ranking", self.panel):
            raise PermissionDenied
        nomination = self.nomination()
        interview = Interview.objects.filter(panel=self.panel, nomination=nomination).first()
        return self.page(nomination, interview)

    def page(self, nomination, interview, schedule=None, record=None, status=200):
        initial_schedule, initial_record = {}, {}
        if interview is not None:
            initial_schedule = {
                "scheduled_at": interview.scheduled_at,
                "video_link": interview.video_link,
            }
            initial_record = {
                "attendance": interview.attendance,
                "attendee": interview.attendee,
                "minutes": interview.minutes,
            }
        return self.render(
            "scoring/interview.html",
            {
                "nomination": nomination,
                "interview": interview,
                "schedule_form": schedule or InterviewScheduleForm(initial=initial_schedule),
                "record_form": record or InterviewRecordForm(initial=initial_record),
            },
            status=status,
        )

    def post(self, request, panel_pk, nomination_pk):
        nomination = self.nomination()
        interview = Interview.objects.filter(panel=self.panel, nomination=nomination).first()
        action = request.POST.get("action")
        if action == "schedule":
            form = InterviewScheduleForm(request.POST)
            forms_ = {"schedule": form}
        else:
            form = InterviewRecordForm(request.POST)
            forms_ = {"record": form}
        if form.is_valid():
            try:
                if action == "schedule":
                    services.interview_schedule(
                        actor=request.user,
                        panel=self.panel,
                        nomination=nomination,
                        scheduled_at=form.cleaned_data["scheduled_at"],
                        video_link=form.cleaned_data["video_link"],
                    )
                    done = _("The interview of %(candidate)s is scheduled.")
                else:
                    services.interview_record(
                        actor=request.user,
                        panel=self.panel,
                        nomination=nomination,
                        attendance=form.cleaned_data["attendance"],
                        attendee=form.cleaned_data["attendee"],
                        minutes=form.cleaned_data["minutes"],
                    )
                    done = _("The interview of %(candidate)s is recorded.")
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, done % {"candidate": nomination.candidate.name})
                return redirect("scoring:interviews", panel_pk=self.panel.pk)
        return self.page(nomination, interview, status=400, **forms_)


# ---------------------------------------------------------------------------------------------
# The national result


class FinalView(JuryView):
    """The national result of every category (or one): the finalists' combined totals (the
    national stages weighted), ties, the chair's finalisation, each juror's confirmation and
    the sign-off."""

    permission = "scoring.view_ranking"
    post_permission = "scoring.finalise_ranking"

    def section(
        self,
        category,
        *,
        tie_form=None,
        finalise_form=None,
        confirm_form=None,
        reopen_form=None,
        refusal=None,
    ):
        return final_section(
            user=self.request.user,
            panel=self.panel,
            category=category,
            is_member=self.member is not None,
            tie_form=tie_form,
            finalise_form=finalise_form,
            confirm_form=confirm_form,
            reopen_form=reopen_form,
            refusal=refusal,
        )

    def categories(self):
        if "category_pk" in self.kwargs:
            return [self.get_category()]
        return selectors.panel_categories(self.panel, StageKind.NATIONAL_RESULT)

    def get(self, request, panel_pk, category_pk=None):
        return self.page()

    def page(self, status=200, **overrides):
        result = selectors.panel_stage(self.panel, StageKind.NATIONAL_RESULT)
        sections = [self.section(c, **overrides) for c in self.categories()]
        return self.render(
            "scoring/final.html",
            {
                "sections": sections,
                "result_stage": result,
                "result_open": result is not None and result.state == StageState.OPEN,
                "pending": any(not section.finalised for section in sections),
                "single": self.get_category() if "category_pk" in self.kwargs else None,
            },
            status=status,
        )

    def done(self, message):
        messages.success(self.request, message)
        return redirect("scoring:final_category", self.panel.pk, self.kwargs["category_pk"])


class FinalTies(FinalView):
    http_method_names = ["post"]  # an action: its page is final_category

    def post(self, request, panel_pk, category_pk):
        category = self.get_category()
        result = selectors.panel_stage(self.panel, StageKind.NATIONAL_RESULT)
        if result is None or not selectors.may_see_ranking(
            request.user, panel=self.panel, stage=result, category=category
        ):
            raise PermissionDenied
        ids = parse_ids(request.POST.get("nominees", ""))
        nominations = list(
            selectors.stage_nominations(self.panel, StageKind.NATIONAL_RESULT, category)
            .filter(pk__in=ids or [])
            .order_by("candidate__name")
        )
        if not ids or len(nominations) != len(ids):
            return self.page(
                status=400, refusal=[_("Order exactly the nominees of one tie, each once.")]
            )
        form = TieDecisionForm(request.POST, nominations=nominations)
        if form.is_valid():
            try:
                services.tie_decide(
                    actor=request.user,
                    panel=self.panel,
                    category=category,
                    order=form.order,
                    reason=form.cleaned_data["reason"],
                    stage_kind=StageKind.NATIONAL_RESULT,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return self.done(
                    _("The order of %(candidates)s is recorded.")
                    % {"candidates": ", ".join(n.candidate.name for n in form.order)}
                )
        return self.page(status=400, tie_form=form)


class FinalFinalise(FinalView):
    http_method_names = ["post"]  # an action: its page is final_category

    def post(self, request, panel_pk, category_pk):
        category = self.get_category()
        form = FinaliseForm(request.POST, category=category, kind=StageKind.NATIONAL_RESULT)
        if not form.is_valid():
            return self.page(status=400, finalise_form=form)
        try:
            services.ranking_finalise(
                actor=request.user,
                panel=self.panel,
                category=category,
                stage_kind=StageKind.NATIONAL_RESULT,
            )
        except ValidationError as error:
            return self.page(status=400, refusal=[str(m) for m in error.messages])
        return self.done(
            _(
                "The national result of %(category)s is finalised; it is signed off once every "
                "juror has confirmed it."
            )
            % {"category": category.name}
        )


class FinalConfirm(FinalView):
    http_method_names = ["post"]  # an action: its page is final_category
    post_permission = "scoring.score"
    members_only = ("POST",)

    def post(self, request, panel_pk, category_pk):
        category = self.get_category()
        result = selectors.panel_stage(self.panel, StageKind.NATIONAL_RESULT)
        snapshot = selectors.current_snapshot(result, self.panel, category) if result else None
        if snapshot is None:
            return self.page(status=400, refusal=[_("This ranking is not finalised.")])
        form = ConfirmForm(request.POST, category=category)
        if not form.is_valid():
            return self.page(status=400, confirm_form=form)
        try:
            services.ranking_confirm(actor=request.user, snapshot=snapshot)
        except ValidationError as error:
            return self.page(status=400, refusal=[str(m) for m in error.messages])
        snapshot.refresh_from_db()
        if snapshot.signed_off_at is not None:
            return self.done(
                _("Every juror has confirmed: the national result of %(category)s is signed off.")
                % {"category": category.name}
            )
        return self.done(_("Your confirmation is recorded."))


class FinalReopen(FinalView):
    http_method_names = ["post"]  # an action: its page is final_category

    def post(self, request, panel_pk, category_pk):
        category = self.get_category()
        result = selectors.panel_stage(self.panel, StageKind.NATIONAL_RESULT)
        snapshot = selectors.current_snapshot(result, self.panel, category) if result else None
        form = ReopenForm(request.POST, auto_id=f"reopen-{category.pk}-%s")
        if snapshot is None:
            return self.page(status=400, refusal=[_("This ranking is not finalised.")])
        if form.is_valid():
            try:
                services.ranking_reopen(
                    actor=request.user, snapshot=snapshot, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return self.done(
                    _("The national result of %(category)s is reopened.")
                    % {"category": category.name}
                )
        return self.page(status=400, reopen_form=form)


# ---------------------------------------------------------------------------------------------
# Awards


class AwardsView(JuryView):
    """The awards of the edition, given from the signed-off national result by each category's
    scheme, and the special awards; the chair and the secretariat give and withdraw special
    awards with a reason."""

    permission = "scoring.view_ranking"
    post_permission = "scoring.finalise_ranking"

    def nominations(self):
        return selectors.stage_nominations(self.panel, StageKind.NATIONAL_SELECTION).order_by(
            "category__order", "candidate__name"
        )

    def get(self, request, panel_pk):
        return self.page(SpecialAwardForm(nominations=self.nominations()))

    def page(self, form, status=200, withdraw_errors=None):
        awards = (
            Award.objects.filter(category__edition=self.panel.edition_id)
            .select_related(
                "category",
                "nomination__candidate__regency__province",
                "nomination__candidate__province",
                "province",
                "given_by",
                "withdrawn_by",
            )
            .order_by("category__order", "withdrawn_at", "kind", "rank", "pk")
        )
        can_manage = self.request.user.has_perm("scoring.finalise_ranking", self.panel)
        return self.render(
            "scoring/awards.html",
            {
                "awards": awards,
                "can_manage": can_manage,
                "form": form if can_manage else None,
                "withdraw_errors": withdraw_errors or {},
                "named": selectors.may_see_assessor_names(self.request.user, self.panel),
            },
            status=status,
        )

    def post(self, request, panel_pk):
        form = SpecialAwardForm(request.POST, nominations=self.nominations())
        if form.is_valid():
            try:
                services.award_special(
                    actor=request.user,
                    panel=self.panel,
                    nomination=form.cleaned_data["nomination"],
                    title=form.cleaned_data["title"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The special award to %(candidate)s is recorded.")
                    % {"candidate": form.cleaned_data["nomination"].candidate.name},
                )
                return redirect("scoring:awards", panel_pk=self.panel.pk)
        return self.page(form, status=400)


class AwardWithdraw(AwardsView):
    http_method_names = ["post"]  # an action: its page is awards

    def post(self, request, panel_pk, award_pk):
        award = get_object_or_404(
            Award.objects.filter(category__edition=self.panel.edition_id), pk=award_pk
        )
        form = WithdrawForm(request.POST)
        errors = []
        if form.is_valid():
            try:
                services.award_withdraw(
                    actor=request.user, award=award, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                errors = [str(m) for m in error.messages]
            else:
                messages.success(request, _("The award is withdrawn; it stays on the record."))
                return redirect("scoring:awards", panel_pk=self.panel.pk)
        else:
            errors = [str(m) for ms in form.errors.values() for m in ms]
        return self.page(
            SpecialAwardForm(nominations=self.nominations()),
            status=400,
            withdraw_errors={award.pk: errors},
        )


# ---------------------------------------------------------------------------------------------
# Agreement between assessors


class AgreementView(PanelView):
    """Per category of a scoring stage: for each assessed criterion the number of counted
    scores, their mean and standard deviation; nominees on whom the assessors disagree strongly
    are flagged, for the chair to look at before finalising."""

    permission = "scoring.view_conflicts"

    def allowed_stage_kinds(self) -> tuple:
        return selectors.scoring_stage_kinds(self.panel)

    def get(self, request, panel_pk, stage):
        stage_obj = selectors.panel_stage(self.panel, self.stage_kind)
        sections = []
        if stage_obj is not None:
            for category in selectors.panel_categories(self.panel, self.stage_kind):
                # Blindness: a chair who still has scoresheets to submit sees no statistics.
                if not selectors.may_see_ranking(
                    request.user, panel=self.panel, stage=stage_obj, category=category
                ):
                    continue
                agreement = selectors.agreement(
                    panel=self.panel, stage=stage_obj, category=category
                )
                if agreement is not None:
                    sections.append({"category": category, "agreement": agreement})
        return self.render(
            "scoring/agreement.html",
            {
                "stage": stage_obj,
                "stage_label": StageKind(self.stage_kind).label,
                "sections": sections,
                "threshold": selectors.DISAGREEMENT_SD,
                "stage_links": [
                    (
                        StageKind(kind).label,
                        reverse("scoring:agreement", args=[panel_pk, SLUG_OF[kind]]),
                    )
                    for kind in selectors.scoring_stage_kinds(self.panel)
                ],
            },
        )


urlpatterns = [
    path("<int:panel_pk>/interviews/", InterviewsView.as_view(), name="interviews"),
    path(
        "<int:panel_pk>/interviews/<int:nomination_pk>/",
        InterviewView.as_view(),
        name="interview",
    ),
    path("<int:panel_pk>/final/", FinalView.as_view(), name="final"),
    path("<int:panel_pk>/final/<int:category_pk>/", FinalView.as_view(), name="final_category"),
    path(
        "<int:panel_pk>/final/<int:category_pk>/ties/",
        FinalTies.as_view(),
        name="final_ties",
    ),
    path(
        "<int:panel_pk>/final/<int:category_pk>/finalise/",
        FinalFinalise.as_view(),
        name="final_finalise",
    ),
    path(
        "<int:panel_pk>/final/<int:category_pk>/confirm/",
        FinalConfirm.as_view(),
        name="final_confirm",
    ),
    path(
        "<int:panel_pk>/final/<int:category_pk>/reopen/",
        FinalReopen.as_view(),
        name="final_reopen",
    ),
    path("<int:panel_pk>/awards/", AwardsView.as_view(), name="awards"),
    path(
        "<int:panel_pk>/awards/<int:award_pk>/withdraw/",
        AwardWithdraw.as_view(),
        name="award_withdraw",
    ),
    path("<int:panel_pk>/agreement/<slug:stage>/", AgreementView.as_view(), name="agreement"),
]
