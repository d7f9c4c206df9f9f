"""Reusable reads: which nominations each role may see (SPEC §2, object scope).

The national admin may do everything, so on every role's page they see that page's whole
scope nationwide (the secretariat's monitoring view)."""

from django.db.models import Count, Q, QuerySet

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


def branch_nominations(user) -> QuerySet[Nomination]:
    """The branch staff's worklist: their branches' regions."""
    return nominations().filter(_branch_scope(user))


def panel_nominations(user) -> QuerySet[Nomination]:
    """Submitted nominations of the provinces and editions the user sits on a panel for."""
    return nominations().filter(_panel_scope(user))


def jury_nominations(user) -> QuerySet[Nomination]:
    """Nominations in the national stage of the editions the user is a juror of."""
    return nominations().filter(_jury_scope(user))


def audit_nominations(user) -> QuerySet[Nomination]:
    return nominations().filter(_audit_scope(user))


def nominations_visible_to(user) -> QuerySet[Nomination]:
    """Every nomination any of the user's roles lets them see; nothing for the public."""
    scope = (
        _admin_scope(user)
        | _branch_scope(user)
        | _panel_scope(user)
        | _jury_scope(user)
        | _audit_scope(user)
    )
    return nominations().filter(scope)


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
        nominations = nominations.filter(state=state)
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
