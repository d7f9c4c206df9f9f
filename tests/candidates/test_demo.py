from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from candidates.enums import NominationState, RankLabel
from candidates.models import Branch, Candidate, Category, Edition, GovernmentData, Nomination

pytestmark = pytest.mark.django_db


def _nomination(year, name):
    return Nomination.objects.select_related("category").get(
        category__edition__year=year, candidate__name=name
    )


def test_seed_demo_refuses_without_regions():
    with pytest.raises(CommandError, match="load_regions"):
        call_command("seed_demo", stdout=StringIO())


def test_seed_demo_builds_the_three_editions(regions):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert out.getvalue().strip() == (
        "Demo data: 3 editions, 14 categories, 2 branch offices, 34 candidates, 38 nominations, "
        "24 stages, 34 default rubrics added; Jawa Barat 2018 replayed up to 'finalised'; 2020 "
        "national round replayed up to 'finalised'; 2 results published, 2 ceremonies, "
        "15 certificates issued."
    )
    assert list(Edition.objects.values_list("year", flat=True)) == [2021, 2020, 2018]


def test_seed_demo_twice_creates_nothing_new(regions):
    call_command("seed_demo", stdout=StringIO())
    counts = [m.objects.count() for m in (Edition, Category, Branch, Candidate, Nomination)]
    call_command("seed_demo", stdout=StringIO())
    assert [m.objects.count() for m in (Edition, Category, Branch, Candidate, Nomination)] == counts


def test_seed_demo_names_the_firms_as_they_are_registered(demo):
    # The article spells Harapan III "Jafpa Comfeed Indonesia"; the firm is (PT) Japfa Comfeed
    # Indonesia, and the demo must not copy the typo onto certificates (issue 25).
    harapan_3 = _nomination(2018, "Japfa Comfeed Indonesia")
    assert (harapan_3.category.code, harapan_3.provincial_label) == (
        "usaha-besar-menengah",
        RankLabel.HARAPAN_3,
    )
    assert not Candidate.objects.filter(name__icontains="Jafpa").exists()


def test_seed_demo_jawa_barat_2018_provincial_results(demo):
    labels = {
        n.candidate.name: (n.provincial_label, n.state)
        for n in Nomination.objects.filter(
            category__edition__year=2018, category__code="pemerintah-kabupaten-kota"
        ).select_related("candidate")
    }
    assert labels == {
        "Pemerintah Kota Bekasi": (RankLabel.PERINGKAT_1, NominationState.ADVANCED),
        "Pemerintah Kota Bogor": (RankLabel.PERINGKAT_2, NominationState.NOT_ADVANCED),
        "Pemerintah Kota Bandung": (RankLabel.PERINGKAT_3, NominationState.NOT_ADVANCED),
        "Pemerintah Kota Sukabumi": (RankLabel.HARAPAN_1, NominationState.NOT_ADVANCED),
        "Pemerintah Kota Cimahi": (RankLabel.HARAPAN_2, NominationState.NOT_ADVANCED),
        # "Beat eight other regencies/cities": the four the article does not name.
        "Pemerintah Kota Depok": ("", NominationState.NOT_ADVANCED),
        "Pemerintah Kabupaten Bekasi": ("", NominationState.NOT_ADVANCED),
        "Pemerintah Kabupaten Karawang": ("", NominationState.NOT_ADVANCED),
        "Pemerintah Kota Cirebon": ("", NominationState.NOT_ADVANCED),
    }
    martabak = _nomination(2018, "Martabak Air Mancur")
    assert (martabak.provincial_label, martabak.candidate.regency.name) == (
        RankLabel.PERINGKAT_1,
        "Kota Bogor",
    )


def test_seed_demo_kota_bekasi_2020_third_nationally_with_its_figures(demo):
    bekasi = _nomination(2020, "Pemerintah Kota Bekasi")
    assert (bekasi.state, bekasi.national_label, bekasi.national_rank) == (
        NominationState.AWARDED,
        RankLabel.PERINGKAT_3,
        3,
    )
    data = GovernmentData.objects.get(nomination=bekasi)
    assert (data.formal_workers, data.active_pu, data.informal_workers, data.active_bpu) == (
        929_199,
        886_113,
        454_088,
        55_289,
    )
    assert (data.non_asn_covered, data.bpu_apbd_vulnerable) == (14_786, 39_227)
    assert sorted(bekasi.legal_products.values_list("number", "year")) == [
        ("134.4/313/Setda.KS", 2020),
        ("18", 2011),
        ("518/Kep.459-Diskop.UKM/XI/2019", 2019),
    ]


def test_seed_demo_2020_and_2021_finalists(demo):
    # Among the eight finalists of 2020, finally sixth: not among the three awarded.
    bone = _nomination(2020, "Pemerintah Kabupaten Bone Bolango")
    assert (bone.state, bone.national_rank, bone.national_label) == (
        NominationState.NOT_AWARDED,
        6,
        "",
    )
    assert bone.government_data.bpu_apbd_vulnerable == 20_000
    jakut = _nomination(2021, "Pemerintah Kota Administrasi Jakarta Utara")
    assert jakut.state == NominationState.FINALIST
    assert jakut.candidate.regency.code == "31.72"
    assert jakut.category.finalist_quota == 9
    kab_kota_2020 = Category.objects.get(edition__year=2020, code="pemerintah-kabupaten-kota")
    assert (kab_kota_2020.finalist_quota, kab_kota_2020.national_labels) == (8, 3)
    # Twelve regencies/cities entered the 2020 national round (ten of them illustrative).
    assert (
        Nomination.objects.filter(
            category=kab_kota_2020,
            state__in=(
                NominationState.AWARDED,
                NominationState.NOT_AWARDED,
                NominationState.NOT_FINALIST,
            ),
        ).count()
        == 12
    )


def test_seed_demo_gorontalo_branch_covers_its_province(demo):
    branch = Branch.objects.get(code="gorontalo")
    assert branch.head_name == "Hendra Elvian"
    assert branch.handles_provincial_government is True
    assert sorted(branch.regencies.values_list("code", flat=True)) == [
        "75.01",
        "75.02",
        "75.03",
        "75.04",
        "75.05",
        "75.71",
    ]
