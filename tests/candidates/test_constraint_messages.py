"""A figure the database refuses is said once, at its field, in the reader's language (issue
25, item 12): the audit saw "Batasan “govdata_non_asn_covered_within” dilanggar." at the top of
the branch's figures form when another field was wrong too."""

import pytest
from django.conf import settings
from django.utils import translation

from candidates.enums import CandidateKind
from candidates.forms import BusinessFiguresForm
from candidates.models import BusinessData, GovernmentData, Regency
from tests.candidates.test_branch_pages import BEKASI_2020, _register_bekasi
from tests.factories import BusinessFactory, CategoryFactory, NominationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_once")]

COVERED = {
    "id": "Pegawai non-ASN yang terlindungi tidak boleh melebihi jumlah pegawai non-ASN.",
    "en": "Covered non-ASN staff cannot exceed the non-ASN staff total.",
}
EMAIL = {
    "id": "Masukkan alamat email dengan format yang benar.",
    "en": "Enter a valid email address.",
}
NOT_A_NUMBER = {"id": "Isi dengan bilangan bulat.", "en": "Enter a whole number."}


def _figures(language, **changes):
    """Kota Bekasi's 2020 figures as typed on a page in `language` (English groups thousands
    with commas)."""
    values = {**BEKASI_2020, **changes}
    if language == "en":
        values = {key: value.replace(".", ",") for key, value in values.items()}
    return values


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize(
    ("other", "other_message"),
    [("f-contact_email", EMAIL), ("f-working_age_population", NOT_A_NUMBER)],
)
def test_a_covered_count_above_its_total_is_said_once_at_its_field(
    client, bekasi_staff, language, other, other_message
):
    """With another field wrong the form's own check of the figures does not run: the
    database constraint's sentence is the one shown, at the covered count."""
    nomination = _register_bekasi(client, bekasi_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    bad = _figures(language, **{"f-non_asn_covered": "20.000", other: "wrong"})

    response = client.post(f"/branch/nominations/{nomination.pk}/", bad)

    assert response.status_code == 400
    field = other.removeprefix("f-")
    assert response.context["form"].errors == {
        field: [other_message[language]],
        "non_asn_covered": [COVERED[language]],
    }
    page = response.content.decode()
    assert page.count(COVERED[language]) == 1
    assert (
        '<ul class="errorlist" id="id_f-non_asn_covered_error"><li>'
        f"{COVERED[language]}</li></ul>" in page
    )
    assert "nonfield" not in page
    assert "govdata_non_asn_covered_within" not in page
    data = GovernmentData.objects.get(nomination=nomination)
    assert (data.non_asn_covered, data.non_asn_total, data.head_of_region) == (None, None, "")


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_covered_count_above_its_total_alone_is_said_once_too(client, bekasi_staff, language):
    """The form's own check finds it first; the constraint then says nothing more."""
    nomination = _register_bekasi(client, bekasi_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    response = client.post(
        f"/branch/nominations/{nomination.pk}/",
        _figures(language, **{"f-non_asn_covered": "20.000"}),
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {"non_asn_covered": [COVERED[language]]}
    assert response.content.decode().count(COVERED[language]) == 1
    assert GovernmentData.objects.get(nomination=nomination).non_asn_covered is None


@pytest.mark.parametrize(
    ("language", "enrolled", "arrears"),
    [
        (
            "id",
            "Kepesertaan suatu program tidak boleh melebihi pekerja yang terdaftar di BPJS.",
            "Tunggakan dihitung dalam tahun penilaian: 0 sampai 12 bulan.",
        ),
        (
            "en",
            "Enrolment in a programme cannot exceed the employees registered with BPJS.",
            "Arrears are counted within the assessment year: 0 to 12 months.",
        ),
    ],
)
def test_business_figures_the_database_refuses_are_said_at_their_fields(
    language, enrolled, arrears
):
    business = BusinessFactory(regency=Regency.objects.get(code="32.75"))
    category = CategoryFactory(
        edition__year=2021, candidate_kind=CandidateKind.BUSINESS, business_scale=business.scale
    )
    data = BusinessData.objects.create(
        nomination=NominationFactory(candidate=business, category=category)
    )
    year = 2021
    before = BusinessData.objects.values().get(pk=data.pk)
    values = {
        "employees_total": "100",
        "employees_registered": "80",
        "jkk_enrolled": "81",
        "jp_enrolled": "90",
        "arrears_months": "13",
        "contractors": "x",  # wrong: the form's own check of the figures does not run
    }
    with translation.override(language):
        form = BusinessFiguresForm(values, instance=data, edition_year=year)
        assert not form.is_valid()
        errors = form.errors
        assert errors == {
            "contractors": [NOT_A_NUMBER[language]],
            "jkk_enrolled": [enrolled],
            "jp_enrolled": [enrolled],
            "arrears_months": [arrears],
        }
    assert BusinessData.objects.values().get(pk=data.pk) == before
