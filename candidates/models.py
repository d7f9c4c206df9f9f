import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Left
from django.utils.translation import gettext_lazy as _

from paritrana.constraints import ConstraintsAtFields, check, unique

from .enums import (
    IMPORT_RUNNING,
    AwardScheme,
    BusinessScale,
    CandidateKind,
    ImportKind,
    ImportStatus,
    LegalProductType,
    NominationState,
    RankLabel,
    RegencyKind,
    Zone,
)

# ---------------------------------------------------------------------------------------------
# Regions and branch offices


class Province(models.Model):
    """One of the 38 provinces, keyed by its Kemendagri code ("32" = Jawa Barat)."""

    code = models.CharField(_("Kemendagri code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    zone = models.CharField(_("zone"), max_length=32, choices=Zone.choices)

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Regency(ConstraintsAtFields, models.Model):
    """One of the 514 regencies (kabupaten) and cities (kota), keyed by Kemendagri code
    ("32.75" = Kota Bekasi)."""

    code = models.CharField(_("Kemendagri code"), max_length=5, primary_key=True)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="regencies", verbose_name=_("province")
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=RegencyKind.choices)

    class Meta:
        verbose_name = _("regency or city")
        verbose_name_plural = _("regencies and cities")
        ordering = ["code"]
        constraints = [
            # Kemendagri codes begin with their province's ("32.75" is in "32"): a candidate's
            # home province is read from it (Candidate.home_province_code).
            check(
                "code",
                _(
                    "A regency or city's Kemendagri code begins with its province's code "
                    "(32.75 is in province 32)."
                ),
                condition=Q(province=Left("code", 2)),
                name="regency_code_begins_with_province",
            ),
        ]

    def __str__(self):
        return self.name


class Branch(models.Model):
    """A BPJS Ketenagakerjaan branch office (Kantor Cabang); it covers several regencies/cities
    and, where marked, its province's government."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=150)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="branches", verbose_name=_("province")
    )
    regencies = models.ManyToManyField(
        Regency, related_name="branches", blank=True, verbose_name=_("regencies and cities")
    )
    handles_provincial_government = models.BooleanField(
        _("handles the provincial government"),
        default=False,
        help_text=_("The branch that registers its province's government as a candidate."),
    )
    head_name = models.CharField(_("head of branch"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("branch office")
        verbose_name_plural = _("branch offices")
        ordering = ["name"]

    def __str__(self):
        return self.name


# ---------------------------------------------------------------------------------------------
# Editions and categories


class Edition(ConstraintsAtFields, models.Model):
    """One yearly edition of the award; its data period is 1 January–31 December of `year`."""

    year = models.PositiveSmallIntegerField(
        _("assessment year"),
        unique=True,
        validators=[MinValueValidator(2017), MaxValueValidator(2100)],
    )
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    nominations_open = models.BooleanField(
        _("open for nominations"),
        default=True,
        help_text=_("Branch staff may register and edit nominations of this edition."),
    )
    nomination_deadline = models.DateField(_("nomination deadline"), null=True, blank=True)
    is_demo = models.BooleanField(
        _("demo data"),
        default=False,
        help_text=_(
            "Built by seed_demo from the seed articles: every page then says the site shows demo "
            "data, and its certificates are specimens."
        ),
    )

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["-year"]
        constraints = [
            check(
                "year",
                _("The award began in 2017: an edition's year is 2017 or later."),
                condition=Q(year__gte=2017),
                name="edition_year_from_2017",
            ),
        ]

    def __str__(self):
        return _("Paritrana Award %(year)s") % {"year": self.year}


class Category(ConstraintsAtFields, models.Model):
    """A category of one edition (SPEC §4): who may enter it, whether it has a provincial
    round, how many advance and become finalists, and how awards are given."""

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="categories", verbose_name=_("edition")
    )
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=150)
    candidate_kind = models.CharField(
        _("candidate kind"), max_length=32, choices=CandidateKind.choices
    )
    business_scale = models.CharField(
        _("business scale"),
        max_length=16,
        choices=BusinessScale.choices,
        blank=True,
        help_text=_("Empty for government categories and for categories open to every scale."),
    )
    has_provincial_round = models.BooleanField(_("has a provincial round"), default=True)
    award_scheme = models.CharField(
        _("award scheme"), max_length=32, choices=AwardScheme.choices, default=AwardScheme.RANKED
    )
    provincial_quota = models.PositiveSmallIntegerField(
        _("advance per province"), default=1, validators=[MinValueValidator(1)]
    )
    provincial_labels = models.PositiveSmallIntegerField(
        _("provincial labels given"),
        default=6,
        validators=[MaxValueValidator(6)],
        help_text=_(
            "How many of each province's best receive a label, in order: 1st–3rd place, "
            "then honourable mention I–III (6 = all of them)."
        ),
    )
    finalist_quota = models.PositiveSmallIntegerField(
        _("national finalists"), default=9, validators=[MinValueValidator(1)]
    )
    finalist_minimum = models.DecimalField(
        _("minimum selection total for finalists"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Optional: below this national selection total nobody becomes a finalist."),
    )
    national_labels = models.PositiveSmallIntegerField(
        _("national labels given"),
        default=6,
        validators=[MaxValueValidator(6)],
        help_text=_(
            "Ranked categories: how many of the national ranking receive a label, in order: "
            "1st–3rd place, then honourable mention I–III."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["edition", "order", "name"]
        constraints = [
            unique(
                "code",
                _("This edition already has a category with this code."),
                fields=["edition", "code"],
                name="category_unique_code",
            ),
            check(
                "business_scale",
                _("Only a business category has a business scale: leave it empty here."),
                condition=Q(candidate_kind=CandidateKind.BUSINESS) | Q(business_scale=""),
                name="category_scale_only_for_business",
            ),
            check(
                "provincial_quota",
                _(
                    "At least one nominee advances per province and at least one becomes a "
                    "national finalist."
                ),
                condition=Q(provincial_quota__gte=1) & Q(finalist_quota__gte=1),
                name="category_quotas_positive",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.edition.year})"


# ---------------------------------------------------------------------------------------------
# Candidates and nominations


class Candidate(ConstraintsAtFields, models.Model):
    """A government or business, existing once across editions: a provincial government is
    tied to its province, a regency/city government to its regency/city, a business to its
    NPP (BPJS employer registration number) and regency/city."""

    kind = models.CharField(_("kind"), max_length=32, choices=CandidateKind.choices)
    name = models.CharField(_("name"), max_length=200)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="government_candidates",
        verbose_name=_("province"),
    )
    regency = models.ForeignKey(
        Regency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="candidates",
        verbose_name=_("regency or city"),
    )
    npp = models.CharField(
        _("NPP"), max_length=20, null=True, blank=True, unique=True, help_text=_("Employer number")
    )
    sector = models.CharField(_("sector"), max_length=100, blank=True)
    scale = models.CharField(_("scale"), max_length=16, choices=BusinessScale.choices, blank=True)
    # The province's code: its own (a provincial government) or its regency/city's, which the
    # regency's code begins with. Kept by the database on every write, bulk ones included, and
    # indexed: a provincial panel's nominees are read from it (scoring.selectors) instead of
    # joining every candidate of the country to its regency to test "province = p OR
    # regency.province = p".
    home_province_code = models.GeneratedField(
        expression=Coalesce(F("province"), Left(F("regency"), 2)),
        output_field=models.CharField(max_length=2),
        db_persist=True,
        verbose_name=_("home province code"),
    )

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["name"]
        indexes = [models.Index(fields=["home_province_code"], name="candidate_home_province")]
        constraints = [
            check(
                "kind",
                _(
                    "A provincial government has its province and no regency, city or NPP; a "
                    "regency or city government has its regency or city and no NPP; a business "
                    "has its regency or city, its NPP and its scale."
                ),
                condition=(
                    Q(
                        kind=CandidateKind.PROVINCE_GOVERNMENT,
                        province__isnull=False,
                        regency__isnull=True,
                        npp__isnull=True,
                    )
                    | Q(
                        kind=CandidateKind.REGENCY_GOVERNMENT,
                        province__isnull=True,
                        regency__isnull=False,
                        npp__isnull=True,
                    )
                    | (
                        Q(
                            kind=CandidateKind.BUSINESS,
                            province__isnull=True,
                            regency__isnull=False,
                            npp__isnull=False,
                        )
                        & ~Q(scale="")
                    )
                ),
                name="candidate_kind_has_its_region",
            ),
            unique(
                "province",
                _("This province's government is already a candidate."),
                fields=["province"],
                condition=Q(kind=CandidateKind.PROVINCE_GOVERNMENT),
                name="candidate_one_government_per_province",
            ),
            unique(
                "regency",
                _("The government of this regency or city is already a candidate."),
                fields=["regency"],
                condition=Q(kind=CandidateKind.REGENCY_GOVERNMENT),
                name="candidate_one_government_per_regency",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def home_province(self) -> Province:
        return self.province if self.province_id else self.regency.province


class Nomination(ConstraintsAtFields, models.Model):
    """A candidate entered in one category of one edition, with that assessment year's data.
    Its state changes only through the candidates services (SPEC §3)."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("candidate")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("category")
    )
    state = models.CharField(
        _("state"), max_length=20, choices=NominationState.choices, default=NominationState.DRAFT
    )
    provincial_label = models.CharField(
        _("provincial result"), max_length=16, choices=RankLabel.choices, blank=True
    )
    national_label = models.CharField(
        _("national result"), max_length=16, choices=RankLabel.choices, blank=True
    )
    national_rank = models.PositiveSmallIntegerField(_("national rank"), null=True, blank=True)
    illustrative_outcome = models.BooleanField(
        _("illustrative outcome (demo data)"),
        default=False,
        help_text=_(
            "Demo data: the articles the demo is built from do not report this nominee's place "
            "or award; the public site marks it as illustrative."
        ),
    )
    provincial_outside_system = models.BooleanField(
        _("provincial round decided outside the system"),
        default=False,
        help_text=_(
            "The provincial round of this nomination was held before the province used Paritrana "
            "(on paper): its provincial result and whether it advanced are entered as decided "
            "there, and no scores exist here."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["category__edition__year", "category__order", "candidate__name"]
        constraints = [
            # A category belongs to one edition, so this is "one nomination per candidate,
            # edition and category".
            unique(
                "category",
                _("This candidate is already nominated in this category."),
                fields=["candidate", "category"],
                name="nomination_unique_per_category",
            ),
            check(
                "national_rank",
                _("A national rank is 1 or more."),
                condition=Q(national_rank__isnull=True) | Q(national_rank__gte=1),
                name="nomination_rank_positive",
            ),
        ]

    def __str__(self):
        return f"{self.candidate} — {self.category}"

    def save(self, *args, **kwargs):
        # A nomination read for someone who may not see its national outcome yet shows the
        # state before it (selectors.withhold_national_outcome): saved, it would undo it.
        if getattr(self, "outcome_withheld", False):
            raise RuntimeError("A nomination read with its national outcome withheld is not saved.")
        super().save(*args, **kwargs)

    save.alters_data = True

    @property
    def edition(self) -> Edition:
        return self.category.edition


def _count(verbose_name, help_text=""):
    return models.PositiveBigIntegerField(verbose_name, null=True, blank=True, help_text=help_text)


def _not_above(small: str, large: str, name: str, message) -> models.CheckConstraint:
    """Within one source a part cannot exceed its whole (an empty figure passes); said at the
    part, in the words of candidates.validators, which checks the same before saving."""
    return check(
        small,
        message,
        condition=Q(**{f"{small}__isnull": True})
        | Q(**{f"{large}__isnull": True})
        | Q(**{f"{small}__lte": F(large)}),
        name=name,
    )


class GovernmentData(ConstraintsAtFields, models.Model):
    """A government nomination's figures for the assessment year (SPEC §5). Labour statistics
    come from BPS, participants from BPJS; an empty figure is not yet known."""

    nomination = models.OneToOneField(
        Nomination, on_delete=models.CASCADE, related_name="government_data"
    )
    head_of_region = models.CharField(_("head of region"), max_length=150, blank=True)
    contact_name = models.CharField(_("contact officer"), max_length=150, blank=True)
    contact_position = models.CharField(_("contact officer's position"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    working_age_population = _count(_("working-age population"), _("BPS, age 15 and over"))
    labour_force = _count(_("labour force"), _("BPS"))
    formal_workers = _count(_("formal workers"), _("BPS"))
    informal_workers = _count(_("informal workers"), _("BPS"))
    active_pu = _count(_("active wage-earner (PU) participants"), _("BPJS"))
    active_bpu = _count(_("active non-wage (BPU) participants"), _("BPJS"))
    bpu_apbd_vulnerable = _count(
        _("vulnerable workers paid by the APBD (BPU)"), _("BPJS, contributions from the budget")
    )
    non_asn_total = _count(_("non-ASN staff"))
    non_asn_covered = _count(_("non-ASN staff covered"))
    employers_registered = _count(_("employers registered"), _("BPJS"))
    apbd_contribution_budget = models.PositiveBigIntegerField(
        _("APBD budget for contributions (Rupiah)"), null=True, blank=True
    )
    justification = models.TextField(
        _("justification of unusual figures"),
        blank=True,
        help_text=_("Required when a ratio between two sources is above 100 %."),
    )

    class Meta:
        verbose_name = _("government data")
        verbose_name_plural = _("government data")
        constraints = [
            _not_above(
                "labour_force",
                "working_age_population",
                "govdata_labour_within_age",
                _("The labour force cannot exceed the working-age population (both BPS)."),
            ),
            _not_above(
                "non_asn_covered",
                "non_asn_total",
                "govdata_non_asn_covered_within",
                _("Covered non-ASN staff cannot exceed the non-ASN staff total."),
            ),
            _not_above(
                "bpu_apbd_vulnerable",
                "active_bpu",
                "govdata_apbd_bpu_within_bpu",
                _(
                    "Vulnerable workers paid by the APBD are BPU participants: they cannot "
                    "exceed the active BPU participants (both BPJS)."
                ),
            ),
            check(
                "formal_workers",
                _("Formal plus informal workers cannot exceed the labour force (all BPS)."),
                condition=Q(formal_workers__isnull=True)
                | Q(informal_workers__isnull=True)
                | Q(labour_force__isnull=True)
                | Q(labour_force__gte=F("formal_workers") + F("informal_workers")),
                name="govdata_workers_within_labour_force",
            ),
        ]

    def __str__(self):
        return str(self.nomination)


class BusinessData(ConstraintsAtFields, models.Model):
    """A business nomination's figures for the assessment year (SPEC §5)."""

    nomination = models.OneToOneField(
        Nomination, on_delete=models.CASCADE, related_name="business_data"
    )
    employees_total = _count(_("employees"))
    employees_registered = _count(_("employees registered"))
    jkk_enrolled = _count(_("enrolled in JKK (work accident)"))
    jkm_enrolled = _count(_("enrolled in JKM (death)"))
    jht_enrolled = _count(_("enrolled in JHT (old-age savings)"))
    jp_enrolled = _count(_("enrolled in JP (pension)"))
    jkp_enrolled = _count(_("enrolled in JKP (job loss)"))
    reported_wages = models.PositiveBigIntegerField(
        _("wages reported to BPJS (Rupiah)"), null=True, blank=True
    )
    actual_payroll = models.PositiveBigIntegerField(
        _("actual payroll (Rupiah)"), null=True, blank=True
    )
    arrears_months = models.PositiveSmallIntegerField(
        _("months of contribution arrears"), null=True, blank=True
    )
    contractors = _count(_("contractors"))
    contractor_workers = _count(_("contractors' workers"))
    contractor_workers_registered = _count(_("contractors' workers registered"))
    csr_vulnerable_workers = _count(_("vulnerable workers protected through CSR"))
    justification = models.TextField(
        _("justification of unusual figures"),
        blank=True,
        help_text=_("Required when a ratio between two sources is above 100 %."),
    )

    class Meta:
        verbose_name = _("business data")
        verbose_name_plural = _("business data")
        constraints = [
            # Enrolment per programme and registered employees both come from BPJS; the
            # company's own headcount is another source, so registered > total is only flagged.
            *(
                _not_above(
                    f"{p}_enrolled",
                    "employees_registered",
                    f"bizdata_{p}_within",
                    _("Enrolment in a programme cannot exceed the employees registered with BPJS."),
                )
                for p in ("jkk", "jkm", "jht", "jp", "jkp")
            ),
            check(
                "arrears_months",
                _("Arrears are counted within the assessment year: 0 to 12 months."),
                condition=Q(arrears_months__isnull=True) | Q(arrears_months__lte=12),
                name="bizdata_arrears_within_year",
            ),
        ]

    def __str__(self):
        return str(self.nomination)


def legal_product_upload_to(instance, filename: str) -> str:
    """Generated names only: nothing of the uploader's file name reaches the disk."""
    suffix = PurePath(filename).suffix.lower()
    return f"legal-products/{uuid.uuid4().hex}{suffix if suffix == '.pdf' else '.pdf'}"


class LegalProduct(models.Model):
    """A regional regulation or agreement a government cites as evidence of commitment."""

    nomination = models.ForeignKey(
        Nomination, on_delete=models.CASCADE, related_name="legal_products"
    )
    type = models.CharField(_("type"), max_length=20, choices=LegalProductType.choices)
    number = models.CharField(_("number"), max_length=100)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1945), MaxValueValidator(2100)]
    )
    title = models.CharField(_("title"), max_length=500)
    scope = models.CharField(_("scope"), max_length=300, blank=True)
    pdf = models.FileField(
        _("document (PDF)"), upload_to=legal_product_upload_to, blank=True, max_length=200
    )

    class Meta:
        verbose_name = _("legal product")
        verbose_name_plural = _("legal products")
        ordering = ["nomination", "type", "year"]

    def __str__(self):
        return f"{self.get_type_display()} {self.number}/{self.year}"


class Innovation(models.Model):
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="innovations")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"))
    evidence = models.TextField(_("evidence"), blank=True)

    class Meta:
        verbose_name = _("innovation")
        verbose_name_plural = _("innovations")
        ordering = ["nomination", "title"]

    def __str__(self):
        return self.title


class NominationTransition(models.Model):
    """One state change of a nomination: who, when, from what to what, and why (SPEC §3)."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(
        _("from"), max_length=20, choices=NominationState.choices, blank=True
    )
    to_state = models.CharField(_("to"), max_length=20, choices=NominationState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)

    class Meta:
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")
        ordering = ["nomination", "at", "pk"]
        indexes = [models.Index(fields=["nomination", "to_state", "at"])]

    def __str__(self):
        return f"{self.nomination}: {self.from_state or '—'} → {self.to_state}"


# ---------------------------------------------------------------------------------------------
# Spreadsheet imports


def import_upload_to(instance, filename: str) -> str:
    """Generated names only: the uploader's file name is kept in `original_name`, never on disk."""
    suffix = PurePath(filename).suffix.lower()
    return f"imports/{uuid.uuid4().hex}{suffix if suffix in ('.xlsx', '.csv', '.json') else ''}"


class ImportJob(models.Model):
    """One spreadsheet import of government or business data (SPEC §5): the uploaded file, its
    check, and its outcome. All or nothing: rows are saved only when every row is valid."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="import_jobs",
        verbose_name=_("imported by"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    edition = models.ForeignKey(
        Edition, on_delete=models.PROTECT, related_name="import_jobs", verbose_name=_("edition")
    )
    file = models.FileField(_("file"), upload_to=import_upload_to, blank=True, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    # The rows as the check read them (JSON), so that the import need not read the spreadsheet
    # again: reading an XLSX is most of an import's time.
    checked_rows = models.FileField(
        _("checked rows"), upload_to=import_upload_to, blank=True, max_length=200
    )
    # Messages are written in the importer's language, also when a worker checks the file.
    language = models.CharField(_("language"), max_length=10, default="id")
    status = models.CharField(
        _("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    errors = models.JSONField(
        _("errors"), default=list, blank=True, help_text=_("A list of {row, column, message}.")
    )
    preview = models.JSONField(
        _("preview"), default=dict, blank=True, help_text=_("The header and the first rows.")
    )
    error_count = models.PositiveIntegerField(_("errors found"), default=0)
    nominations_created = models.PositiveIntegerField(_("nominations created"), default=0)
    nominations_updated = models.PositiveIntegerField(_("nominations updated"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # When its check or its import was queued, and how often the task doing it was delivered
    # (candidates.imports.jobs: a task that keeps killing its worker, a job whose task was lost).
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("deliveries of its task"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.edition.year}: {self.original_name}"

    @property
    def is_running(self) -> bool:
        return self.status in IMPORT_RUNNING

    def preview_cells(self) -> list[tuple[int, list[tuple[object, str]]]]:
        """The preview's rows, each cell with the message of the error found in it ("" for
        none), so that the page marks the wrong cells."""
        from itertools import zip_longest

        header = self.preview.get("header", [])
        messages = {(e.get("row"), e.get("column")): e.get("message", "") for e in self.errors}
        return [
            (
                number,
                [
                    (cell, messages.get((number, name), ""))
                    for name, cell in zip_longest(header, cells, fillvalue="")
                ],
            )
            for number, cells in self.preview.get("rows", [])
        ]

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0 if self.is_running else 100
        return min(100, self.processed_rows * 100 // self.total_rows)
