"""The computed indicators of SPEC §6, from a nomination's figures. Pure functions of a mapping
of field values, so the same code serves the live preview of an unsaved form, the saved data and
the scoring app (through candidates.selectors.nomination_indicators).

Ratios are Decimals (0.9536 = 95.36 %), None when a figure is missing or a divisor is zero.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from .enums import BusinessScale, LegalProductType
from .validators import JKP_FROM_YEAR

FOUR_PLACES = Decimal("0.0001")

# Default strength of each legal-product type (SPEC §1: "roughly in that order"). A default for
# the demo rubric, not an official figure.
LEGAL_PRODUCT_STRENGTH = {
    LegalProductType.PERDA: 5,
    LegalProductType.PERGUB: 4,
    LegalProductType.PERBUP: 4,
    LegalProductType.PERWALI: 4,
    LegalProductType.INSTRUKSI: 3,
    LegalProductType.SURAT_EDARAN: 2,
    LegalProductType.KEPUTUSAN: 2,
    LegalProductType.MOU_PKS: 1,
}


def _num(values: Mapping, field: str) -> Decimal | None:
    value = values.get(field)
    if value in (None, ""):
        return None
    try:
        return Decimal(int(value))
    except (TypeError, ValueError):
        return None


def ratio(part: Decimal | None, whole: Decimal | None, scale: int = 1) -> Decimal | None:
    if part is None or whole is None or whole == 0:
        return None
    return (part * scale / whole).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


def pu_coverage(v: Mapping, **_context) -> Decimal | None:
    return ratio(_num(v, "active_pu"), _num(v, "formal_workers"))


def bpu_coverage(v: Mapping, **_context) -> Decimal | None:
    return ratio(_num(v, "active_bpu"), _num(v, "informal_workers"))


def vulnerable_per_1000(v: Mapping, **_context) -> Decimal | None:
    formal, informal = _num(v, "formal_workers"), _num(v, "informal_workers")
    workers = None if formal is None or informal is None else formal + informal
    return ratio(_num(v, "bpu_apbd_vulnerable"), workers, scale=1000)


def non_asn_coverage(v: Mapping, **_context) -> Decimal | None:
    return ratio(_num(v, "non_asn_covered"), _num(v, "non_asn_total"))


def registration_coverage(v: Mapping, **_context) -> Decimal | None:
    return ratio(_num(v, "employees_registered"), _num(v, "employees_total"))


def applicable_programmes(*, edition_year: int, scale: str) -> tuple[str, ...]:
    """JKK, JKM and JHT for every business; JP for medium and large; JKP from 2022."""
    programmes = ["jkk", "jkm", "jht"]
    if scale in (BusinessScale.LARGE, BusinessScale.MEDIUM):
        programmes.append("jp")
    if edition_year >= JKP_FROM_YEAR:
        programmes.append("jkp")
    return tuple(programmes)


def programme_completeness(v: Mapping, *, edition_year: int, scale: str, **_context):
    """Mean share of registered employees enrolled in each applicable programme."""
    registered = _num(v, "employees_registered")
    shares = [
        ratio(_num(v, f"{p}_enrolled"), registered)
        for p in applicable_programmes(edition_year=edition_year, scale=scale)
    ]
    if any(s is None for s in shares):
        return None
    return (sum(shares) / len(shares)).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


def arrears_months(v: Mapping, **_context) -> Decimal | None:
    return _num(v, "arrears_months")


def wage_reporting(v: Mapping, **_context) -> Decimal | None:
    return ratio(_num(v, "reported_wages"), _num(v, "actual_payroll"))


def supply_chain_coverage(v: Mapping, **_context) -> Decimal | None:
    return ratio(_num(v, "contractor_workers_registered"), _num(v, "contractor_workers"))


def legal_product_strength(v: Mapping, *, legal_product_types=(), **_context) -> Decimal:
    return Decimal(sum(LEGAL_PRODUCT_STRENGTH.get(t, 0) for t in legal_product_types))


@dataclass(frozen=True)
class Indicator:
    name: str
    label: str
    unit: str  # "percent", "per_1000", "months" or "points"
    kind: str  # "government" or "business"
    compute: Callable[..., Decimal | None]


INDICATORS = (
    Indicator("pu_coverage", _("PU coverage"), "percent", "government", pu_coverage),
    Indicator("bpu_coverage", _("BPU coverage"), "percent", "government", bpu_coverage),
    Indicator(
        "vulnerable_per_1000",
        _("Vulnerable workers protected per 1,000 workers"),
        "per_1000",
        "government",
        vulnerable_per_1000,
    ),
    Indicator("non_asn_coverage", _("Non-ASN coverage"), "percent", "government", non_asn_coverage),
    Indicator(
        "legal_product_strength",
        _("Legal-product strength"),
        "points",
        "government",
        legal_product_strength,
    ),
    Indicator(
        "registration_coverage",
        _("Employees registered"),
        "percent",
        "business",
        registration_coverage,
    ),
    Indicator(
        "programme_completeness",
        _("Programme completeness"),
        "percent",
        "business",
        programme_completeness,
    ),
    Indicator("arrears_months", _("Contribution arrears"), "months", "business", arrears_months),
    Indicator("wage_reporting", _("Wages reported"), "percent", "business", wage_reporting),
    Indicator(
        "supply_chain_coverage",
        _("Contractors' workers registered"),
        "percent",
        "business",
        supply_chain_coverage,
    ),
)
INDICATOR_NAMES = tuple(i.name for i in INDICATORS)


def compute(kind: str, values: Mapping, **context) -> dict[str, Decimal | None]:
    """Every indicator of `kind` ("government" or "business") for the figures in `values`.

    Context: edition_year and scale (business), legal_product_types (government)."""
    return {i.name: i.compute(values, **context) for i in INDICATORS if i.kind == kind}
