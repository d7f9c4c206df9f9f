"""Reads of the ceremonies app: what is published, what a ceremony presents, and everything
the public site shows. Every public read starts from a Publication, so an outcome that is not
published cannot reach a public page, download or API route."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import override

from candidates.enums import RankLabel, printed_title_for_reader
from candidates.models import Candidate, Category, Edition, Nomination, Province
from scoring.enums import StageKind
from scoring.models import Award, Panel, RankingSnapshot, RankingSnapshotRow
from scoring.selectors import RANKED_STATES, SELECTION_DIRECT, SELECTION_VIA_PROVINCE

from .enums import Verification
from .models import Ceremony, Certificate, Publication

# The national stages whose frozen rankings the public sees, in order.
NATIONAL_PUBLIC_STAGES = (StageKind.NATIONAL_SELECTION, StageKind.NATIONAL_RESULT)
_CANDIDATE = (
    "nomination__candidate__province",
    "nomination__candidate__regency__province",
)


def ceremony_of(edition: Edition, province: Province | None) -> Ceremony | None:
    return Ceremony.objects.filter(edition=edition, province=province).first()


def publication_of(edition: Edition, province: Province | None) -> Publication | None:
    return Publication.objects.filter(edition=edition, province=province).first()


def region_of(candidate: Candidate) -> str:
    """Where a candidate is, as printed on pages and certificates."""
    if candidate.regency_id:
        return f"{candidate.regency.name}, {candidate.regency.province.name}"
    return candidate.province.name if candidate.province_id else ""


# ---------------------------------------------------------------------------------------------
# Readiness to publish


@dataclass
class Readiness:
    ready: bool
    problems: list[str] = field(default_factory=list)
    categories: list[Category] = field(default_factory=list)


def _current(snapshots: QuerySet) -> QuerySet:
    return snapshots.filter(reopened_at__isnull=True)


def national_snapshots(edition: Edition) -> QuerySet[RankingSnapshot]:
    """The edition's signed-off national results (one per category at most)."""
    return _current(RankingSnapshot.objects).filter(
        stage__edition=edition, stage__kind=StageKind.NATIONAL_RESULT, signed_off_at__isnull=False
    )


def provincial_panel(edition: Edition, province: Province) -> Panel | None:
    return Panel.objects.filter(edition=edition, province=province).first()


def provincial_snapshots(edition: Edition, province: Province) -> QuerySet[RankingSnapshot]:
    """A province's finalised provincial rankings (one per category at most)."""
    return _current(RankingSnapshot.objects).filter(
        stage__edition=edition,
        stage__kind=StageKind.PROVINCIAL_ASSESSMENT,
        panel__province=province,
    )


def publication_readiness(edition: Edition, province: Province | None) -> Readiness:
    """Whether the results can be published, and what is missing if not."""
    if province is None:
        national = Nomination.objects.filter(category__edition=edition).filter(
            Q(category__has_provincial_round=True, state__in=SELECTION_VIA_PROVINCE)
            | Q(category__has_provincial_round=False, state__in=SELECTION_DIRECT)
        )
        categories = list(
            Category.objects.filter(pk__in=national.values("category_id")).order_by("order")
        )
        done = set(national_snapshots(edition).values_list("category_id", flat=True))
        problems = [
            _("The national ranking of “%(category)s” is not signed off yet.")
            % {"category": c.name}
            for c in categories
            if c.pk not in done
        ]
        if not categories:
            problems.append(_("No nominee has reached the national round of this edition."))
        return Readiness(not problems, problems, categories)
    ranked = Nomination.objects.filter(
        candidate__home_province_code=province.pk,
        category__edition=edition,
        category__has_provincial_round=True,
        state__in=RANKED_STATES,
        # A round held on paper before the province used Paritrana has no ranking to finalise.
        provincial_outside_system=False,
    )
    categories = list(
        Category.objects.filter(pk__in=ranked.values("category_id")).order_by("order")
    )
    done = set(provincial_snapshots(edition, province).values_list("category_id", flat=True))
    problems = [
        _("The provincial ranking of “%(category)s” in %(province)s is not finalised yet.")
        % {"category": c.name, "province": province.name}
        for c in categories
        if c.pk not in done
    ]
    if not categories:
        problems.append(
            _("%(province)s has no verified nominee in this edition.") % {"province": province.name}
        )
    return Readiness(not problems, problems, categories)


# ---------------------------------------------------------------------------------------------
# What a ceremony presents


@dataclass(frozen=True)
class Presented:
    nomination: Nomination
    award: Award | None
    title: str  # as the certificate prints it, in Bahasa Indonesia
    recipient: str
    region: str
    category_name: str
    display_title = property(lambda self: printed_title_for_reader(self.title))


def presented_awards(ceremony: Ceremony) -> list[Presented]:
    """The national ceremony presents the edition's current awards; a provincial ceremony the
    provincial labels (Peringkat I–III, Harapan I–III) of the province's finalised rankings."""
    with override("id"):  # certificates are in Bahasa Indonesia
        if ceremony.is_national:
            awards = (
                Award.objects.filter(
                    category__edition=ceremony.edition_id, withdrawn_at__isnull=True
                )
                .select_related("category", "nomination__candidate", *_CANDIDATE)
                .order_by("category__order", "kind", "rank", "pk")
            )
            return [
                Presented(
                    nomination=a.nomination,
                    award=a,
                    title=str(RankLabel(a.label).label)
                    if a.label and a.kind == "ranked"
                    else a.title,
                    recipient=a.nomination.candidate.name,
                    region=region_of(a.nomination.candidate),
                    category_name=a.category.name,
                )
                for a in awards
            ]
        rows = (
            RankingSnapshotRow.objects.filter(
                snapshot__in=provincial_snapshots(ceremony.edition, ceremony.province)
            )
            .exclude(label="")
            .select_related("snapshot__category", "nomination__candidate", *_CANDIDATE)
            .order_by("snapshot__category__order", "rank")
        )
        return [
            Presented(
                nomination=r.nomination,
                award=None,
                title=str(RankLabel(r.label).label),
                recipient=r.nomination.candidate.name,
                region=region_of(r.nomination.candidate),
                category_name=r.snapshot.category.name,
            )
            for r in rows
        ]


def publication_overview() -> list[dict]:
    """Every edition, newest first, with its national publication, each province that has a
    panel with its publication, and its ceremonies (the secretariat's index)."""
    editions = Edition.objects.order_by("-year").prefetch_related(
        Prefetch(
            "publications",
            queryset=Publication.objects.select_related("province").order_by("province__name"),
        ),
        Prefetch(
            "ceremonies",
            queryset=Ceremony.objects.select_related("province").order_by("province__name"),
        ),
    )
    provinces = defaultdict(list)
    for panel in (
        Panel.objects.filter(province__isnull=False)
        .select_related("province")
        .order_by("province__name")
    ):
        provinces[panel.edition_id].append(panel.province)
    rows = []
    for edition in editions:
        published = {p.province_id: p for p in edition.publications.all()}
        rows.append(
            {
                "edition": edition,
                "national": published.get(None),
                "provinces": [
                    {"province": province, "publication": published.get(province.pk)}
                    for province in provinces[edition.pk]
                ],
                "ceremonies": list(edition.ceremonies.all()),
            }
        )
    return rows


def batch_progress(batch) -> dict:
    """How far a batch is: generated, failed and waiting certificates, and the percentage.
    Counted by the database (the batch page asks every second; a batch may hold thousands),
    as Certificate.state tells them apart."""
    live = Q(revoked_at__isnull=True)
    counts = batch.certificates.aggregate(
        all=Count("pk"),
        revoked=Count("pk", filter=~live),
        generated=Count("pk", filter=live & Q(generated_at__isnull=False)),
        failed=Count("pk", filter=live & Q(generated_at__isnull=True) & ~Q(error="")),
    )
    done = counts["generated"] + counts["revoked"]
    percent = 100 if not batch.total else int(done * 100 / batch.total)
    return {
        "done": done,
        "failed": counts["failed"],
        "waiting": counts["all"] - done - counts["failed"],
        "total": batch.total,
        "percent": percent,
        "finished": done + counts["failed"] >= batch.total,
    }


# ---------------------------------------------------------------------------------------------
# The public site


def published_editions() -> QuerySet[Edition]:
    """Editions with at least one publication, newest first."""
    return (
        Edition.objects.filter(publications__isnull=False)
        .distinct()
        .prefetch_related(
            Prefetch(
                "publications",
                queryset=Publication.objects.select_related("province").order_by("province__name"),
            )
        )
        .order_by("-year")
    )


def published_edition(year: int) -> Edition | None:
    return published_editions().filter(year=year).first()


def published_provinces(edition: Edition) -> list[Province]:
    return [p.province for p in edition.publications.all() if p.province_id]


def is_national_published(edition: Edition) -> bool:
    return any(p.province_id is None for p in edition.publications.all())


@dataclass
class CategoryWinners:
    category: Category
    awards: list[Award]
    under_review: bool  # the signed-off ranking was reopened after publication


def edition_winners(edition: Edition) -> list[CategoryWinners]:
    """The current national awards per category, for a published edition (else nothing)."""
    if not is_national_published(edition):
        return []
    awards = (
        Award.objects.filter(category__edition=edition, withdrawn_at__isnull=True)
        .select_related("category", "nomination__candidate", *_CANDIDATE)
        .order_by("category__order", "kind", "rank", "pk")
    )
    by_category = defaultdict(list)
    for award in awards:
        by_category[award.category_id].append(award)
    signed_off = set(national_snapshots(edition).values_list("category_id", flat=True))
    readiness = publication_readiness(edition, None)
    categories = {c.pk: c for c in readiness.categories}
    for award in awards:
        categories.setdefault(award.category_id, award.category)
    return [
        CategoryWinners(c, by_category[c.pk], c.pk not in signed_off and not by_category[c.pk])
        for c in sorted(categories.values(), key=lambda c: (c.order, c.name))
    ]


@dataclass
class ProvincialCategory:
    category: Category
    rows: list[RankingSnapshotRow]


def provincial_results(edition: Edition, province: Province) -> list[ProvincialCategory]:
    """A province's finalised rankings per category, for published provincial results."""
    if province not in published_provinces(edition):
        return []
    rows = (
        RankingSnapshotRow.objects.filter(snapshot__in=provincial_snapshots(edition, province))
        .select_related("snapshot__category", "nomination__candidate", *_CANDIDATE)
        .order_by("snapshot__category__order", "rank")
    )
    grouped: dict[int, ProvincialCategory] = {}
    for row in rows:
        category = row.snapshot.category
        grouped.setdefault(category.pk, ProvincialCategory(category, [])).rows.append(row)
    return list(grouped.values())


@dataclass
class PublicStage:
    kind: str
    name: str
    rank: int
    total: object
    label: str
    advanced: bool
    criteria: list[dict]
    stages: list[dict]  # the national result: each national stage's weight and total


@dataclass
class PublicNomination:
    nomination: Nomination
    stages: list[PublicStage]
    awards: list[Award]


def candidate_record(candidate: Candidate) -> list[PublicNomination]:
    """A candidate's published nominations across editions, newest first, each with the frozen
    breakdown of every stage it reached whose results are published."""
    home = candidate.home_province
    publications = Publication.objects.filter(
        Q(province__isnull=True) | Q(province=home)
    ).values_list("edition_id", "province_id")
    national = {e for e, p in publications if p is None}
    provincial = {e for e, p in publications if p is not None}
    if not national and not provincial:
        return []
    nominations = list(
        candidate.nominations.filter(category__edition__in=national | provincial)
        .select_related("category__edition")
        .order_by("-category__edition__year", "category__order")
    )
    rows = (
        RankingSnapshotRow.objects.filter(
            nomination__in=nominations, snapshot__reopened_at__isnull=True
        )
        .select_related("snapshot__stage")
        .order_by("snapshot__stage__order", "snapshot__stage__pk")
    )
    awards = Award.objects.filter(
        nomination__in=nominations, withdrawn_at__isnull=True
    ).select_related("category")
    stages_of, awards_of = defaultdict(list), defaultdict(list)
    for award in awards:
        if award.category.edition_id in national:
            awards_of[award.nomination_id].append(award)
    for row in rows:
        stage = row.snapshot.stage
        edition_id = stage.edition_id
        if stage.kind == StageKind.PROVINCIAL_ASSESSMENT:
            if edition_id not in provincial:
                continue
        elif stage.kind in NATIONAL_PUBLIC_STAGES:
            if edition_id not in national or (
                stage.kind == StageKind.NATIONAL_RESULT and row.snapshot.signed_off_at is None
            ):
                continue
        else:
            continue
        stages_of[row.nomination_id].append(
            PublicStage(
                kind=stage.kind,
                name=stage.get_kind_display(),
                rank=row.rank,
                total=row.total,
                label=row.get_label_display() if row.label else "",
                advanced=row.advanced,
                criteria=row.breakdown.get("criteria", []),
                stages=row.breakdown.get("stages", []),
            )
        )
    return [
        PublicNomination(n, stages_of[n.pk], awards_of[n.pk])
        for n in nominations
        if stages_of[n.pk] or awards_of[n.pk]
    ]


@dataclass
class VerificationResult:
    status: str
    certificate: Certificate

    @property
    def label(self) -> str:
        return Verification(self.status).label


def certificate_verification(serial: str) -> VerificationResult | None:
    """What the public verification page says about a serial number (None: no such
    certificate, or one of a ceremony whose results are not published)."""
    serial = (serial or "").strip().upper()
    certificate = (
        published_certificates(Certificate.objects.filter(serial=serial))
        .select_related("ceremony__edition", "ceremony__province", "award")
        .prefetch_related("ceremony__officials")
        .first()
    )
    if certificate is None:
        return None
    return VerificationResult(verification_status(certificate), certificate)


# ---------------------------------------------------------------------------------------------
# The public site: what the pages, the open data and the public API add to the above


def award_title(award: Award) -> str:
    """What the public site calls an award (scoring.models.Award.display_title)."""
    return award.display_title


def illustrative(edition: Edition, nomination) -> bool:
    """Whether a published result is one the demo's articles do not report (issue 25)."""
    return edition.is_demo and nomination.illustrative_outcome


def province_of(candidate: Candidate) -> Province | None:
    """The province a candidate is in (its regency's, or its own for a provincial government)."""
    if candidate.regency_id:
        return candidate.regency.province
    return candidate.province if candidate.province_id else None


def published_ranking_rows(edition: Edition) -> list[RankingSnapshotRow]:
    """Every frozen ranking row of the edition that is public: the provincial rankings of the
    provinces whose results are published and, once the national results are published, the
    national selection and the signed-off national result. A ranking reopened after publication
    is under review: its rows are left out until it is frozen again."""
    published = list(
        Publication.objects.filter(edition=edition).values_list("province_id", flat=True)
    )
    if not published:
        return []
    scope = Q(
        stage__kind=StageKind.PROVINCIAL_ASSESSMENT,
        panel__province__in=[p for p in published if p is not None],
    )
    if None in published:
        scope |= Q(stage__kind=StageKind.NATIONAL_SELECTION) | Q(
            stage__kind=StageKind.NATIONAL_RESULT, signed_off_at__isnull=False
        )
    snapshots = _current(RankingSnapshot.objects).filter(scope, stage__edition=edition)
    return list(
        RankingSnapshotRow.objects.filter(snapshot__in=snapshots)
        .select_related(
            "snapshot__stage",
            "snapshot__category",
            "snapshot__panel__province",
            "nomination__candidate",
            *_CANDIDATE,
        )
        .order_by(
            "snapshot__stage__order",
            "snapshot__panel__province__name",
            "snapshot__category__order",
            "rank",
        )
    )


def verification_status(certificate: Certificate) -> str:
    """What the verification page says about an issued certificate."""
    if certificate.revoked_at is not None:
        return Verification.REVOKED
    if certificate.award_id and certificate.award.withdrawn_at is not None:
        return Verification.WITHDRAWN
    if certificate.generated_at is None:
        return Verification.PENDING
    if certificate.ceremony.edition.is_demo:
        return Verification.SPECIMEN
    return Verification.VALID


def published_certificates(certificates: QuerySet[Certificate]) -> QuerySet[Certificate]:
    """Only the certificates of a ceremony whose results are published (the services issue
    none before, but a public read starts from a Publication all the same)."""
    national = Publication.objects.filter(
        edition=OuterRef("ceremony__edition"), province__isnull=True
    )
    provincial = Publication.objects.filter(
        edition=OuterRef("ceremony__edition"), province=OuterRef("ceremony__province")
    )
    return certificates.filter(
        (Q(ceremony__province__isnull=True) & Exists(national)) | Exists(provincial)
    )


def public_certificates(nominations) -> list[VerificationResult]:
    """The certificates of these nominations the public may see: issued at a ceremony whose
    results are published, with their PDF generated (a revoked one is listed as revoked)."""
    certificates = (
        published_certificates(
            Certificate.objects.filter(nomination__in=nominations, generated_at__isnull=False)
        )
        .exclude(file="")
        .select_related("ceremony__edition", "ceremony__province", "award")
        .order_by("-ceremony__edition__year", "ceremony__province__name", "serial")
    )
    return [VerificationResult(verification_status(c), c) for c in certificates]
