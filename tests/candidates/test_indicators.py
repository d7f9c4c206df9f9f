"""Indicators against hand-computed values (Kota Bekasi 2020 from the seed article)."""

from decimal import Decimal

import pytest

from candidates import indicators, selectors
from candidates.enums import BusinessScale, LegalProductType
from candidates.models import Nomination

# The demo is built once for the module (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("demo_once")

BEKASI = {
    "formal_workers": 929_199,
    "informal_workers": 454_088,
    "active_pu": 886_113,
    "active_bpu": 55_289,
    "bpu_apbd_vulnerable": 39_227,
    "non_asn_total": 15_000,
    "non_asn_covered": 14_786,
}


def test_government_indicators_by_hand():
    computed = indicators.compute(
        "government",
        BEKASI,
        legal_product_types=[LegalProductType.PERDA, LegalProductType.KEPUTUSAN],
    )
    assert computed == {
        "pu_coverage": Decimal("0.9536"),  # 886113 / 929199 = 0.95363...
        "bpu_coverage": Decimal("0.1218"),  # 55289 / 454088 = 0.12175...
        "vulnerable_per_1000": Decimal("28.3578"),  # 39227 * 1000 / 1383287
        "non_asn_coverage": Decimal("0.9857"),  # 14786 / 15000 = 0.98573...
        "legal_product_strength": Decimal("7"),  # Perda 5 + Keputusan 2
    }


def test_missing_or_zero_divisor_gives_none():
    assert (
        indicators.compute("government", {"active_pu": 5, "formal_workers": 0})["pu_coverage"]
        is None
    )
    assert indicators.compute("government", {})["vulnerable_per_1000"] is None


@pytest.mark.parametrize(
    ("scale", "year", "expected"),
    [
        # JKK, JKM, JHT: (90 + 90 + 81) / 3 / 90 = 0.9667
        (BusinessScale.SMALL_MICRO, 2021, Decimal("0.9667")),
        # + JP 45/90: (1 + 1 + 0.9 + 0.5) / 4 = 0.85
        (BusinessScale.LARGE, 2021, Decimal("0.8500")),
        # + JKP 0/90 from 2022: 3.4 / 5 = 0.68
        (BusinessScale.MEDIUM, 2022, Decimal("0.6800")),
    ],
)
def test_programme_completeness_by_scale_and_year(scale, year, expected):
    values = {
        "employees_registered": 90,
        "jkk_enrolled": 90,
        "jkm_enrolled": 90,
        "jht_enrolled": 81,
        "jp_enrolled": 45,
        "jkp_enrolled": 0,
    }
    result = indicators.compute("business", values, edition_year=year, scale=scale)
    assert result["programme_completeness"] == expected


def test_business_indicators_by_hand():
    values = {
        "employees_total": 200,
        "employees_registered": 150,
        "reported_wages": 750,
        "actual_payroll": 1000,
        "arrears_months": 2,
        "contractor_workers": 40,
        "contractor_workers_registered": 10,
    }
    computed = indicators.compute("business", values, edition_year=2021, scale=BusinessScale.LARGE)
    assert computed["registration_coverage"] == Decimal("0.7500")
    assert computed["wage_reporting"] == Decimal("0.7500")
    assert computed["arrears_months"] == Decimal("2")
    assert computed["supply_chain_coverage"] == Decimal("0.2500")
    assert computed["programme_completeness"] is None


@pytest.mark.django_db
def test_selector_reads_saved_figures_and_legal_products(demo):
    bekasi = Nomination.objects.get(
        candidate__name="Pemerintah Kota Bekasi", category__edition__year=2020
    )
    computed = selectors.nomination_indicators(bekasi)
    assert computed["pu_coverage"] == Decimal("0.9536")
    assert computed["non_asn_coverage"] is None  # the article gives no non-ASN total
    assert computed["legal_product_strength"] == Decimal("10")  # Perda 5 + Instruksi 3 + Kep. 2
