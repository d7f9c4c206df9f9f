"""Reusable reads: which nominations each role may see (SPEC §2, object scope).

The national admin may do everything, so on every role's page they see that page's whole
scope nationwide (the secretariat's monitoring view)."""

from django.core.cache import cache
from django.db import DatabaseError
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.query import ModelIterable

from accounts.enums import JURY_ROLES, PANEL_ROLES, Role
from accounts.rules import assignments_of

from .enums import NATIONAL_STATES, PANEL_STATES, CandidateKind, NominationState
from .models import Candidate, Edition, Nomination, Regency

# Verified or later: where a category without a provincial round enters the national stage.
_DIRECT_NATIONAL_STATES = (
    NominationState.VERIFIED,
    NominationState.SCORED,
    *NATIONAL_STATES,
)
_NOTHING = Q(pk__in=[])
# Not Q(): an empty Q vanishes when OR-ed with another (Q() | Q(x) == Q(x)).
_EVERYTHING = Q(pk__isnull=False)


DEMO_DATA_KEY = "candidates:demo-data-present"
DEMO_DATA_SECONDS = 60 * 60


def demo_data_present() -> bool:
    """Whether the site runs on demo data (an edition built by `seed_demo`): every page then
    says so. Kept in the cache (one query per process and hour at most); an edition saved or
    deleted forgets it (candidates.signals)."""
    present = cache.get(DEMO_DATA_KEY)
    if present is None:
        try:
            present = Edition.objects.filter(is_demo=True).exists()
        except DatabaseError:
            return False  # no database yet (a page before `migrate`): nothing to say, not kept
        cache.set(DEMO_DATA_KEY, present, DEMO_DATA_SECONDS)
    return present


def forget_demo_data_present() -> None:
    cache.delete(DEMO_DATA_KEY)


def current_edition() -> Edition | None:
    """The edition being run now: the latest assessment year."""
    return Edition.objects.order_by("-year").first()


def nominations() -> QuerySet[Nomination]:
    return Nomination.objects.select_related(
        "candidate__province", "candidate__regency__province", "category__edition"
    )


def _in_province(province) -> Q:
    return Q(candidate__home_province_code=province)


def is_admin(user) -> bool:
    return bool(assignments_of(user, Role.NATIONAL_ADMIN))


def branch_regions(user) -> tuple[QuerySet, list[str]]:
    """The regencies/cities the user's branches cover, and the provinces whose government their
    branches register."""
    assignments = assignments_of(user, Role.BRANCH_STAFF)
    regencies = Regency.objects.filter(branches__in=[a.branch_id for a in assignments])
    provinces = [
        a.branch.province_id for a in assignments if a.branch.handles_provincial_government
    ]
    return regencies, provinces


def _branch_scope(user) -> Q:
    """Branch staff see their regions' nominations of every edition: the current ones to work
    on, earlier ones as history (and a returned dossier stays theirs to correct)."""
    if is_admin(user):
        return _EVERYTHING
    if not assignments_of(user, Role.BRANCH_STAFF):
        return _NOTHING
    regencies, provinces = branch_regions(user)
    return Q(candidate__regency__in=regencies.values("code")) | Q(
        candidate__kind=CandidateKind.PROVINCE_GOVERNMENT, candidate__province__in=provinces
    )


def can_manage_candidate(user, candidate) -> bool:
    """May the user register and edit nominations of this candidate (its region is theirs)?"""
    if is_admin(user):
        return True
    if not assignments_of(user, Role.BRANCH_STAFF):
        return False
    regencies, provinces = branch_regions(user)
    if candidate.kind == CandidateKind.PROVINCE_GOVERNMENT:
        return candidate.province_id in provinces
    return regencies.filter(code=candidate.regency_id).exists()


def _panel_scope(user) -> Q:
    if is_admin(user):
        return Q(category__has_provincial_round=True, state__in=PANEL_STATES)
    scope = _NOTHING
    for a in assignments_of(user, *PANEL_ROLES):
        scope |= (
            Q(category__edition=a.edition_id, category__has_provincial_round=True)
            & _in_province(a.province_id)
            & Q(state__in=PANEL_STATES)
        )
    return scope


def _jury_scope(user) -> Q:
    national = Q(category__has_provincial_round=True, state__in=NATIONAL_STATES) | Q(
        category__has_provincial_round=False, state__in=_DIRECT_NATIONAL_STATES
    )
    if is_admin(user):
        return national
    editions = {a.edition_id for a in assignments_of(user, *JURY_ROLES)}
    if not editions:
        return _NOTHING
    return Q(category__edition__in=editions) & national


def _audit_scope(user) -> Q:
    assignments = assignments_of(user, Role.AUDITOR)
    if is_admin(user) or any(a.edition_id is None for a in assignments):
        return _EVERYTHING
    if not assignments:
        return _NOTHING
    return Q(category__edition__in=[a.edition_id for a in assignments])


def _admin_scope(user) -> Q:
    return _EVERYTHING if is_admin(user) else _NOTHING


# ---------------------------------------------------------------------------------------------
# The national outcome's embargo (SPEC §2: "until the secretariat publishes, a stage's result is
# visible only to the panel that decided it, the secretariat and auditors")
#
# The jury's sign-off makes a finalist awarded or not awarded and gives it a national rank and
# label. Until the secretariat publishes the edition's national results (ceremonies'
# Publication without a province), everyone but the jury of the edition, the secretariat and
# auditors reads such a nomination as it was just before the sign-off: a finalist, without rank
# or label. That is one consistent answer everywhere — pages, API (a `state` filter included),
# exports, dashboards, the state history, the audit record and the decision file — and it says
# nothing of the outcome (a distinct "awaiting publication" value would not say it either, but
# would be a state that exists nowhere else). The rule is national_outcome_hidden /
# may_see_national_outcome; every read of nominations for a person goes through seen_by.

# What the sign-off decides, and how it reads until the publication.
NATIONAL_OUTCOME_STATES = (NominationState.AWARDED, NominationState.NOT_AWARDED)
STATE_BEFORE_OUTCOME = NominationState.FINALIST


def _national_outcome_editions(user) -> list[int] | None:
    """The editions whose national outcome the user sees before it is published: None for
    all of them (the secretariat, an auditor of every edition)."""
    if is_admin(user):
        return None
    auditing = assignments_of(user, Role.AUDITOR)
    if any(a.edition_id is None for a in auditing):
        return None
    return sorted(
        {a.edition_id for a in auditing} | {a.edition_id for a in assignments_of(user, *JURY_ROLES)}
    )


def _national_results_published(edition) -> Exists:
    # The publication lives in the ceremonies app, which this app does not import: it is read
    # through the reverse relation its model gives Edition (Publication.edition, "publications").
    return Exists(
        Edition.objects.filter(
            pk=edition, publications__pk__isnull=False, publications__province__isnull=True
        )
    )


def national_outcome_hidden(user) -> Q:
    """The nominations whose national outcome `user` may not see yet: awarded or not awarded,
    in an edition whose national results are not published, for anyone but the edition's
    jury, the secretariat and its auditors."""
    editions = _national_outcome_editions(user)
    if editions is None:
        return _NOTHING
    return (
        Q(state__in=NATIONAL_OUTCOME_STATES)
        & ~Q(category__edition__in=editions)
        & ~_national_results_published(OuterRef("category__edition"))
    )


def may_see_national_outcome(user, edition_id: int) -> bool:
    """national_outcome_hidden for one edition: does `user` see what its jury's sign-off
    decided (states, ranks, labels, awards, the national stages' scores)?"""
    editions = _national_outcome_editions(user)
    if editions is None or edition_id in editions:
        return True
    return Edition.objects.filter(
        pk=edition_id, publications__pk__isnull=False, publications__province__isnull=True
    ).exists()


def withhold_national_outcome(nomination: Nomination) -> Nomination:
    """Show `nomination` as it was before the sign-off (see above). The object is marked and
    refuses to be saved (Nomination.save): it is a read for one person, not the record."""
    nomination.state = STATE_BEFORE_OUTCOME
    nomination.national_label = ""
    nomination.national_rank = None
    nomination.outcome_withheld = True
    return nomination


class _SeenIterable(ModelIterable):
    def __iter__(self):
        for nomination in super().__iter__():
            if nomination.outcome_withheld:
                withhold_national_outcome(nomination)
            yield nomination


def seen_by(user, queryset: QuerySet[Nomination]) -> QuerySet[Nomination]:
    """`queryset` as `user` may see it: the nominations whose national outcome is hidden from
    them (national_outcome_hidden) come out as finalists without rank or label, and
    `shown_state` is the state they read, to filter, order and count by."""
    hidden = national_outcome_hidden(user)
    queryset = queryset.annotate(
        outcome_withheld=Case(
            When(hidden, then=Value(True)), default=Value(False), output_field=BooleanField()
        ),
        shown_state=Case(
            When(hidden, then=Value(STATE_BEFORE_OUTCOME.value)),
            default=F("state"),
            output_field=CharField(),
        ),
    )
    queryset._iterable_class = _SeenIterable
    return queryset


def nominations_seen_by(user, nominations):
    """Nominations already read (rows of a ranking, of a worklist…), as `user` may see them
    (seen_by); one query per edition at most."""
    allowed: dict[int, bool] = {}
    for nomination in nominations:
        if nomination.state not in NATIONAL_OUTCOME_STATES:
            continue
        edition_id = nomination.category.edition_id
        if edition_id not in allowed:
            allowed[edition_id] = may_see_national_outcome(user, edition_id)
        if not allowed[edition_id]:
            withhold_national_outcome(nomination)
    return nominations


def nomination_seen_by(user, nomination: Nomination) -> Nomination:
    """One nomination already read, as `user` may see it (seen_by)."""
    nominations_seen_by(user, [nomination])
    return nomination


def transitions_seen_by(user, nomination: Nomination):
    """The nomination's state history as `user` may see it: without the moves into and out of
    the national outcome (a sign-off, and a reopening of it) while that is hidden from them."""
    from .models import NominationTransition

    rows = NominationTransition.objects.filter(nomination=nomination.pk)
    if not may_see_national_outcome(user, nomination.category.edition_id):
        rows = rows.exclude(to_state__in=NATIONAL_OUTCOME_STATES).exclude(
            from_state__in=NATIONAL_OUTCOME_STATES
        )
    return rows.select_related("actor").order_by("at", "pk")


def records_seen_by(user, nomination: Nomination) -> list:
    """The nomination's audit record as `user` may see it: while its national outcome is
    hidden from them, without what carries it — the national result, the awards, the moves
    into and out of awarded / not awarded, the national stages' rankings, tie decisions and
    the jury's scoresheets."""
    from audit.selectors import records_of_nomination

    records = list(records_of_nomination(nomination.pk))
    if may_see_national_outcome(user, nomination.category.edition_id):
        return records
    # The national stages and the jury's scoresheets live in the scoring app, which stands on
    # this one: read here the way candidates.dashboard reads the stages.
    from scoring.enums import StageKind
    from scoring.models import Scoresheet, Stage

    national = set(
        Stage.objects.filter(
            edition_id=nomination.category.edition_id,
            kind__in=(
                StageKind.NATIONAL_SELECTION,
                StageKind.NATIONAL_INTERVIEW,
                StageKind.NATIONAL_RESULT,
            ),
        ).values_list("pk", flat=True)
    )
    jury_sheets = {
        str(pk)
        for pk in Scoresheet.objects.filter(
            nomination=nomination.pk, stage__in=national
        ).values_list("pk", flat=True)
    }
    outcome = set(NATIONAL_OUTCOME_STATES)

    def carries_outcome(record) -> bool:
        action, old, new = record.action, record.old or {}, record.new or {}
        if action == "nomination.national_result" or action.startswith("award."):
            return True
        if action == "nomination.state":
            return old.get("state") in outcome or new.get("state") in outcome
        if action.startswith("ranking.") or action == "tie.decide":
            return new.get("stage") in national
        if action == "scoresheet.save":
            return record.target_type == "scoring.scoresheet" and record.target_id in jury_sheets
        return False

    return [r for r in records if not carries_outcome(r)]


def branch_nominations(user) -> QuerySet[Nomination]:
    """The branch staff's worklist: their branches' regions."""
    return seen_by(user, nominations().filter(_branch_scope(user)))


def panel_nominations(user) -> QuerySet[Nomination]:
    """Submitted nominations of the provinces and editions the user sits on a panel for."""
    return seen_by(user, nominations().filter(_panel_scope(user)))


def jury_nominations(user) -> QuerySet[Nomination]:
    """Nominations in the national stage of the editions the user is a juror of."""
    return seen_by(user, nominations().filter(_jury_scope(user)))


def audit_nominations(user) -> QuerySet[Nomination]:
    return seen_by(user, nominations().filter(_audit_scope(user)))


def nominations_visible_to(user) -> QuerySet[Nomination]:
    """Every nomination any of the user's roles lets them see, as they may see it (seen_by);
    nothing for the public."""
    scope = (
        _admin_scope(user)
        | _branch_scope(user)
        | _panel_scope(user)
        | _jury_scope(user)
        | _audit_scope(user)
    )
    return seen_by(user, nominations().filter(scope))


def nominations_matching(
    nominations: QuerySet[Nomination], *, search: str = "", year=None, state=None
) -> QuerySet[Nomination]:
    """A list's nominations whose candidate's name contains `search` (any case) or whose NPP
    is `search`, of edition `year` and in `state` (each when given)."""
    if search:
        nominations = nominations.filter(
            Q(candidate__name__icontains=search) | Q(candidate__npp=search)
        )
    if year:
        nominations = nominations.filter(category__edition__year=year)
    if state:
        # The state the user reads (seen_by), not the one the sign-off may have given.
        nominations = nominations.filter(shown_state=state)
    return nominations


def edition_overview() -> QuerySet[Edition]:
    """Editions with their number of categories and nominations per state (secretariat)."""
    counts = {
        f"n_{state.value}": Count(
            "categories__nominations", filter=Q(categories__nominations__state=state)
        )
        for state in NominationState
    }
    return Edition.objects.annotate(
        n_categories=Count("categories", distinct=True),
        n_nominations=Count("categories__nominations"),
        **counts,
    ).order_by("-year")


def branch_worklist(user) -> QuerySet[Nomination]:
    """The branch worklist with what each row needs: the deadline that applies (the edition's
    nomination deadline for a draft, the panel's deadline for a returned dossier) and the
    panel's return reason."""
    from django.db.models import OuterRef, Subquery

    from .models import NominationTransition

    last_return = NominationTransition.objects.filter(
        nomination=OuterRef("pk"), to_state=NominationState.RETURNED
    ).order_by("-at", "-pk")
    return branch_nominations(user).annotate(
        return_reason=Subquery(last_return.values("reason")[:1]),
        return_deadline=Subquery(last_return.values("deadline")[:1]),
    )


def nomination_indicators(nomination: Nomination, values=None) -> dict:
    """The computed indicators of a nomination — the single source the scoring app reads.

    `values` overrides the saved figures (the live preview of a form being typed)."""
    from . import indicators
    from .enums import GOVERNMENT_KINDS
    from .services import figures_of

    kind = "government" if nomination.candidate.kind in GOVERNMENT_KINDS else "business"
    figures = figures_of(nomination) if values is None else values
    return indicators.compute(
        kind,
        figures,
        edition_year=nomination.category.edition.year,
        scale=nomination.candidate.scale,
        legal_product_types=list(nomination.legal_products.values_list("type", flat=True)),
    )


def candidates_managed_by(user) -> QuerySet[Candidate]:
    """The candidates of the regions the user's branches cover (every candidate for the
    secretariat): those they may register and nominate. selectors.can_manage_candidate as a
    queryset."""
    if is_admin(user):
        return Candidate.objects.all()
    if not assignments_of(user, Role.BRANCH_STAFF):
        return Candidate.objects.none()
    regencies, provinces = branch_regions(user)
    return Candidate.objects.filter(
        Q(regency__in=regencies.values("code"))
        | Q(kind=CandidateKind.PROVINCE_GOVERNMENT, province__in=provinces)
    )


def candidates_visible_to(user) -> QuerySet[Candidate]:
    """The candidates of the nominations the user may see, and those they manage."""
    nominated = nominations_visible_to(user).values("candidate_id")
    managed = candidates_managed_by(user).values("pk")
    return Candidate.objects.filter(Q(pk__in=nominated) | Q(pk__in=managed))
