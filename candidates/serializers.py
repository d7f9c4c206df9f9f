"""Serializers of the candidates API. Reads describe what the selectors return; writes only parse
input: every check and every write is candidates.services' (with candidates.validators). Input
serializers refuse any field they do not take (paritrana.api.StrictFieldsMixin): a state, a
label, a rank, a province or an author sent with a nomination is a 400, not silently dropped."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from paritrana.api import StrictFieldsMixin

from . import indicators, validators
from .enums import GOVERNMENT_KINDS, BusinessScale, CandidateKind, NominationState, RankLabel
from .models import (
    Branch,
    BusinessData,
    Candidate,
    Category,
    Edition,
    GovernmentData,
    Innovation,
    LegalProduct,
    Nomination,
    NominationTransition,
    Province,
    Regency,
)


def _optional_choice(choices, **kwargs) -> serializers.ChoiceField:
    """A read-only choice that may be blank. ModelSerializer drops `allow_blank` from read-only
    fields, and the schema would then promise one of the choices where "" is sent."""
    return serializers.ChoiceField(choices=choices, allow_blank=True, read_only=True, **kwargs)


@extend_schema_field(
    {
        "oneOf": [{"type": "string", "format": "email"}, {"type": "string", "maxLength": 0}],
        "description": "An email address, or blank.",
    }
)
class OptionalEmailField(serializers.EmailField):
    """An email address that may be blank: said so in the schema too (an empty string is not an
    email address for a client that validates the `email` format)."""

    def __init__(self, **kwargs):
        super().__init__(allow_blank=True, **kwargs)


# ---------------------------------------------------------------------------------------------
# Reference data


class RegencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Regency
        fields = ["code", "name", "kind", "province"]


class ProvinceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Province
        fields = ["code", "name", "zone"]


class BranchSerializer(serializers.ModelSerializer):
    regencies = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Branch
        fields = ["code", "name", "province", "regencies", "handles_provincial_government"]
        read_only_fields = fields


_CATEGORY_FIELDS = [
    "id",
    "code",
    "name",
    "candidate_kind",
    "business_scale",
    "has_provincial_round",
    "award_scheme",
    "provincial_quota",
    "finalist_quota",
]


class EditionCategorySerializer(serializers.ModelSerializer):
    business_scale = _optional_choice(
        BusinessScale.choices, help_text="Blank: government categories, or any scale."
    )

    class Meta:
        model = Category
        fields = _CATEGORY_FIELDS
        read_only_fields = fields


class EditionSerializer(serializers.ModelSerializer):
    categories = EditionCategorySerializer(many=True, read_only=True)

    class Meta:
        model = Edition
        fields = ["year", "theme", "nominations_open", "nomination_deadline", "categories"]
        read_only_fields = fields


class CategorySerializer(EditionCategorySerializer):
    edition = serializers.IntegerField(source="edition.year", read_only=True)

    class Meta:
        model = Category
        fields = [_CATEGORY_FIELDS[0], "edition", *_CATEGORY_FIELDS[1:]]
        read_only_fields = fields


# ---------------------------------------------------------------------------------------------
# Candidates


class CandidateSerializer(serializers.ModelSerializer):
    province = serializers.SerializerMethodField(help_text="Code of the candidate's province.")
    scale = _optional_choice(BusinessScale.choices, help_text="Businesses only.")

    class Meta:
        model = Candidate
        fields = ["id", "kind", "name", "province", "regency", "npp", "sector", "scale"]
        read_only_fields = fields

    def get_province(self, candidate) -> str:
        return candidate.province_id or candidate.regency.province_id


class CandidateRegisterSerializer(StrictFieldsMixin, serializers.Serializer):
    """A government by its region (regency/city code, or province code for a provincial
    government), or a business by its NPP. Registering an existing one returns it. A field the
    kind does not use (a province for a regency, a name for a government: the region names it)
    is refused."""

    kind = serializers.ChoiceField(choices=CandidateKind.choices)
    regency = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Regency.objects.all(),
        required=False,
        help_text="Regency/city code: a regency/city government, or a business's location.",
    )
    province = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Province.objects.all(),
        required=False,
        help_text="Province code of a provincial government.",
    )
    npp = serializers.CharField(required=False, allow_blank=True, max_length=40)
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    sector = serializers.CharField(required=False, allow_blank=True, max_length=100)
    scale = serializers.ChoiceField(choices=BusinessScale.choices, required=False, allow_blank=True)

    # What each kind is registered with; anything else sent with it would be ignored.
    _BUSINESS_FIELDS = ("npp", "name", "sector", "scale")

    def validate(self, attrs):
        kind = attrs["kind"]
        needed = "province" if kind == CandidateKind.PROVINCE_GOVERNMENT else "regency"
        if attrs.get(needed) is None:
            raise serializers.ValidationError(
                {needed: [self.fields[needed].error_messages["required"]]}
            )
        used = {"kind", needed, *(self._BUSINESS_FIELDS if kind == CandidateKind.BUSINESS else ())}
        unused = {
            field: [_("This field is not used for this kind of candidate.")]
            for field, value in attrs.items()
            if field not in used and value not in (None, "")
        }
        if unused:
            raise serializers.ValidationError(unused)
        return attrs


# ---------------------------------------------------------------------------------------------
# Nominations (read)


class GovernmentDataSerializer(serializers.ModelSerializer):
    contact_email = OptionalEmailField(read_only=True)

    class Meta:
        model = GovernmentData
        fields = [
            *validators.GOVERNMENT_REQUIRED[:2],
            "contact_position",
            "contact_email",
            "contact_phone",
            *validators.GOVERNMENT_COUNTS,
            "justification",
        ]
        read_only_fields = fields


class BusinessDataSerializer(serializers.ModelSerializer):
    class Meta:
        model = BusinessData
        fields = [*validators.BUSINESS_COUNTS, "justification"]
        read_only_fields = fields


class LegalProductSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """Read, and the input of legal_product_save. The year is checked against the edition by
    the service, the document's content (a real PDF) too. Documents are not public files: they
    are read through the API's `document` route, within the nomination's scope."""

    year = serializers.IntegerField(help_text="From 1945 to the assessment year.")
    pdf = serializers.FileField(
        required=False, write_only=True, help_text="The document, a PDF (multipart upload)."
    )
    document = serializers.SerializerMethodField(
        help_text="Where to download the document; null when none was uploaded."
    )

    class Meta:
        model = LegalProduct
        fields = ["id", "type", "number", "year", "title", "scope", "pdf", "document"]
        read_only_fields = ["id"]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_document(self, product):
        if not product.pdf:
            return None
        url = reverse(
            "nomination-legal-product-document",
            kwargs={"nomination_pk": product.nomination_id, "pk": product.pk},
        )
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class InnovationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Innovation
        fields = ["id", "title", "description", "evidence"]
        read_only_fields = fields


class FlagSerializer(serializers.Serializer):
    field = serializers.CharField()
    message = serializers.CharField()


class CandidateSummarySerializer(CandidateSerializer):
    class Meta(CandidateSerializer.Meta):
        fields = ["id", "kind", "name", "province", "regency", "npp"]
        read_only_fields = fields


class CategorySummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "code", "name"]
        read_only_fields = fields


_INDICATOR_VALUE = serializers.DecimalField(
    max_digits=20, decimal_places=4, allow_null=True, read_only=True
)


def _data_of(nomination: Nomination):
    """The nomination's figures record (selected with it), None when none was saved."""
    name = "government_data" if nomination.candidate.kind in GOVERNMENT_KINDS else "business_data"
    return getattr(nomination, name, None)


class NominationSerializer(serializers.ModelSerializer):
    """A nomination with its figures, legal products, innovations, the flags of its suspicious
    figures and its computed indicators (candidates.indicators)."""

    candidate = CandidateSummarySerializer(read_only=True)
    edition = serializers.IntegerField(source="category.edition.year", read_only=True)
    category = CategorySummarySerializer(read_only=True)
    government_data = serializers.SerializerMethodField()
    business_data = serializers.SerializerMethodField()
    legal_products = LegalProductSerializer(many=True, read_only=True)
    innovations = InnovationSerializer(many=True, read_only=True)
    flags = serializers.SerializerMethodField()
    indicators = serializers.SerializerMethodField()
    provincial_label = _optional_choice(RankLabel.choices)
    national_label = _optional_choice(RankLabel.choices)

    class Meta:
        model = Nomination
        fields = [
            "id",
            "candidate",
            "edition",
            "category",
            "state",
            "provincial_label",
            "national_label",
            "national_rank",
            "created_at",
            "updated_at",
            "government_data",
            "business_data",
            "legal_products",
            "innovations",
            "flags",
            "indicators",
        ]
        read_only_fields = fields

    @extend_schema_field(GovernmentDataSerializer(allow_null=True))
    def get_government_data(self, nomination):
        if nomination.candidate.kind not in GOVERNMENT_KINDS:
            return None
        data = _data_of(nomination)
        return None if data is None else GovernmentDataSerializer(data).data

    @extend_schema_field(BusinessDataSerializer(allow_null=True))
    def get_business_data(self, nomination):
        if nomination.candidate.kind in GOVERNMENT_KINDS:
            return None
        data = _data_of(nomination)
        return None if data is None else BusinessDataSerializer(data).data

    def _figures(self, nomination) -> tuple[str, dict]:
        kind = "government" if nomination.candidate.kind in GOVERNMENT_KINDS else "business"
        fields = (
            validators.GOVERNMENT_COUNTS if kind == "government" else validators.BUSINESS_COUNTS
        )
        data = _data_of(nomination)
        return kind, {f: getattr(data, f) for f in fields} if data is not None else {}

    @extend_schema_field(FlagSerializer(many=True))
    def get_flags(self, nomination):
        kind, values = self._figures(nomination)
        return [{"field": f.field, "message": f.message} for f in validators.flags(kind, values)]

    @extend_schema_field(serializers.DictField(child=_INDICATOR_VALUE))
    def get_indicators(self, nomination):
        kind, values = self._figures(nomination)
        computed = indicators.compute(
            kind,
            values,
            edition_year=nomination.category.edition.year,
            scale=nomination.candidate.scale,
            legal_product_types=[p.type for p in nomination.legal_products.all()],
        )
        return {name: None if v is None else format(v, "f") for name, v in computed.items()}


class TransitionSerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField(
        allow_null=True, help_text="Who made the change; null when the system made it."
    )
    from_state = _optional_choice(NominationState.choices, help_text="Blank: the creation.")

    class Meta:
        model = NominationTransition
        fields = ["from_state", "to_state", "actor", "at", "reason", "deadline"]
        read_only_fields = fields


# ---------------------------------------------------------------------------------------------
# Nominations (write input)


class NominationCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    """A draft nomination of a candidate of the user's regions, in a category of an edition
    open for nominations."""

    candidate = serializers.PrimaryKeyRelatedField(queryset=Candidate.objects.none())
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.select_related("edition")
    )

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if candidates is not None:
            self.fields["candidate"].queryset = candidates


def _count():
    # Only the type is checked here; negative and impossible figures are the validators'.
    return serializers.IntegerField(required=False, allow_null=True)


class FiguresSerializer(StrictFieldsMixin, serializers.Serializer):
    justification = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Required when a ratio between two sources is above 100 %; kept when left out.",
    )


class GovernmentFiguresSerializer(FiguresSerializer):
    head_of_region = serializers.CharField(required=False, allow_blank=True, max_length=150)
    contact_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    contact_position = serializers.CharField(required=False, allow_blank=True, max_length=150)
    contact_email = OptionalEmailField(required=False)
    contact_phone = serializers.CharField(required=False, allow_blank=True, max_length=30)
    working_age_population = _count()
    labour_force = _count()
    formal_workers = _count()
    informal_workers = _count()
    active_pu = _count()
    active_bpu = _count()
    bpu_apbd_vulnerable = _count()
    non_asn_total = _count()
    non_asn_covered = _count()
    employers_registered = _count()
    apbd_contribution_budget = _count()


class BusinessFiguresSerializer(FiguresSerializer):
    employees_total = _count()
    employees_registered = _count()
    jkk_enrolled = _count()
    jkm_enrolled = _count()
    jht_enrolled = _count()
    jp_enrolled = _count()
    jkp_enrolled = _count()
    reported_wages = _count()
    actual_payroll = _count()
    arrears_months = _count()
    contractors = _count()
    contractor_workers = _count()
    contractor_workers_registered = _count()
    csr_vulnerable_workers = _count()


class WithdrawSerializer(StrictFieldsMixin, serializers.Serializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, help_text="Why the nomination is withdrawn."
    )
