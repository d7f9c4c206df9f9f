"""Each validation rule of SPEC §5, once, at the function the form, API and importer share."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from candidates import validators
from tests.security.pdf_files import VALID as VALID_PDF

GOOD_GOVERNMENT = {
    "working_age_population": 2_200_000,
    "labour_force": 1_500_000,
    "formal_workers": 929_199,
    "informal_workers": 454_088,
    "active_pu": 886_113,
    "active_bpu": 55_289,
    "bpu_apbd_vulnerable": 39_227,
    "non_asn_total": 14_786,
    "non_asn_covered": 14_786,
}


def _errors(kind, values, justification=""):
    with pytest.raises(ValidationError) as error, translation.override("en"):
        validators.validate_figures(kind, values, justification)
    return error.value.message_dict


def test_good_government_figures_pass_without_flags():
    assert validators.validate_figures("government", GOOD_GOVERNMENT) == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"labour_force": 2_200_001}, "labour_force"),
        ({"formal_workers": 1_100_000}, "formal_workers"),
        ({"non_asn_covered": 14_787}, "non_asn_covered"),
        ({"bpu_apbd_vulnerable": 55_290}, "bpu_apbd_vulnerable"),
        ({"active_pu": -1}, "active_pu"),
        ({"labour_force": "banyak"}, "labour_force"),
    ],
)
def test_impossible_government_figure_is_refused_at_its_field(change, field):
    assert list(_errors("government", {**GOOD_GOVERNMENT, **change})) == [field]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"active_pu": 1_000_000},
            "PU coverage is 107.6 %: more wage-earner participants (BPJS) than formal "
            "workers (BPS).",
        ),
        (
            {"active_bpu": 500_000, "bpu_apbd_vulnerable": 0},
            "BPU coverage is 110.1 %: more non-wage participants (BPJS) than informal "
            "workers (BPS).",
        ),
        # Thousands lost: "1.500" (1,500 thousand) read as 1,500 by a spreadsheet in English.
        (
            {"non_asn_total": 14_786_000, "non_asn_covered": 14_786},
            "The non-ASN staff are 985.7 % of the labour force: the government alone would "
            "employ more people than the region's whole labour force. Check that no thousands "
            "were lost (21.000 read as 21).",
        ),
        (
            {"employers_registered": 929_200},
            "100.0 % as many employers registered (BPJS) as formal workers (BPS): every "
            "employer would have fewer than one worker. Check that no thousands were lost "
            "(21.000 read as 21).",
        ),
        (
            {"working_age_population": 2_200, "labour_force": 1_500, "formal_workers": 929,
             "informal_workers": 454, "active_pu": 886, "active_bpu": 55, "bpu_apbd_vulnerable": 39,
             "non_asn_total": 14, "non_asn_covered": 14},
            "A working-age population of 2,200 is smaller than any region's in Indonesia (at "
            "least 5,000). Check that no thousands were lost (21.000 read as 21).",
        ),
    ],
)  # fmt: skip
def test_suspicious_government_figure_needs_justification(change, message):
    values = {**GOOD_GOVERNMENT, **change}
    errors = _errors("government", values)
    assert errors == {"justification": [f"Explain the unusual figures before saving: {message}"]}
    with translation.override("en"):
        flags = validators.validate_figures("government", values, "Commuter city.")
    assert [(f.field, f.message) for f in flags] == [(next(iter(change)), message)]


GOOD_BUSINESS = {
    "employees_total": 100,
    "employees_registered": 90,
    "jkk_enrolled": 90,
    "jkm_enrolled": 90,
    "jht_enrolled": 80,
    "jp_enrolled": 70,
    "jkp_enrolled": 0,
    "reported_wages": 900,
    "actual_payroll": 1000,
    "arrears_months": 0,
    "contractor_workers": 10,
    "contractor_workers_registered": 10,
}


@pytest.mark.parametrize("programme", validators.PROGRAMMES)
def test_programme_enrolment_cannot_exceed_registered(programme):
    values = {**GOOD_BUSINESS, f"{programme}_enrolled": 91}
    assert list(_errors("business", values)) == [f"{programme}_enrolled"]


def test_arrears_beyond_the_year_are_refused():
    assert _errors("business", {**GOOD_BUSINESS, "arrears_months": 13}) == {
        "arrears_months": ["Arrears are counted within the assessment year: 0 to 12 months."]
    }


@pytest.mark.parametrize(
    "change",
    [
        {"employees_registered": 101, "jkk_enrolled": 0, "jkm_enrolled": 0},
        {"reported_wages": 1001},
        {"contractor_workers_registered": 11},
    ],
)
def test_suspicious_business_figures_need_justification(change):
    assert list(_errors("business", {**GOOD_BUSINESS, **change})) == ["justification"]
    assert validators.validate_figures("business", {**GOOD_BUSINESS, **change}, "ok") != []


def test_missing_figures_are_named_and_jkp_only_from_2022():
    values = {**GOOD_BUSINESS, "contractors": 1, "csr_vulnerable_workers": 0, "jkp_enrolled": None}
    assert validators.missing_for_submission("business", values, edition_year=2021) == []
    assert validators.missing_for_submission("business", values, edition_year=2022) == [
        "jkp_enrolled"
    ]


@pytest.mark.parametrize(("year", "ok"), [(1944, False), (1945, True), (2020, True), (2021, False)])
def test_legal_product_year_within_the_edition(year, ok):
    if ok:
        validators.validate_legal_product_year(year, edition_year=2020)
    else:
        with pytest.raises(ValidationError):
            validators.validate_legal_product_year(year, edition_year=2020)


@pytest.mark.parametrize(("raw", "npp"), [(" 1234 5678 ", "12345678"), ("ab12345", "AB12345")])
def test_npp_is_normalised(raw, npp):
    assert validators.normalise_npp(raw) == npp


@pytest.mark.parametrize("raw", ["", "12-34", "1234", "X" * 21])
def test_bad_npp_is_refused(raw):
    with pytest.raises(ValidationError):
        validators.normalise_npp(raw)


# A valid one-page PDF (what validators.validate_pdf reads with pypdf).
PDF = VALID_PDF


@pytest.mark.parametrize(
    ("name", "content", "ok"),
    [
        ("perda.pdf", PDF, True),
        ("perda.txt", PDF, True),  # the content decides, not the name
        ("perda.pdf", b"<html><script>alert(1)</script></html>", False),
        ("perda.pdf", b'<svg xmlns="http://www.w3.org/2000/svg"/>', False),
        ("perda.pdf", b"%PDF-1.7 truncated without end", False),
    ],
)
def test_pdf_is_checked_by_content(name, content, ok, settings):
    upload = SimpleUploadedFile(name, content)
    if ok:
        validators.validate_pdf(upload)
    else:
        with pytest.raises(ValidationError) as error:
            validators.validate_pdf(upload)
        assert error.value.code == "not_pdf"


def test_pdf_size_limit_is_a_setting(settings):
    settings.PARITRANA_MAX_UPLOAD_MB = 1
    upload = SimpleUploadedFile("big.pdf", PDF[:-6] + b"0" * 1024 * 1024 + b"%%EOF\n")
    with pytest.raises(ValidationError) as error, translation.override("en"):
        validators.validate_pdf(upload)
    assert error.value.messages == ["The file is 1.0 MB; the limit is 1 MB."]
    assert validators.max_upload_bytes() == 1024 * 1024
