from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from candidates.enums import RegencyKind, Zone
from candidates.models import Province, Regency
from candidates.services import REGIONS_DIR, proper_case, regency_kind, regions_load

pytestmark = pytest.mark.django_db


def test_load_regions_reports_38_provinces_and_514_regencies():
    out = StringIO()
    call_command("load_regions", stdout=out)
    assert out.getvalue().strip() == (
        "Loaded 38 provinces and 514 regencies/cities from idn-area-data 4.0.1 (ODbL)."
    )
    assert Province.objects.count() == 38
    assert Regency.objects.count() == 514


def test_load_regions_kemendagri_codes_names_and_kinds(regions):
    assert Province.objects.get(code="32").name == "Jawa Barat"
    bekasi = Regency.objects.get(code="32.75")
    assert (bekasi.name, bekasi.kind, bekasi.province_id) == ("Kota Bekasi", RegencyKind.KOTA, "32")
    bone = Regency.objects.get(code="75.03")
    assert (bone.name, bone.kind, bone.province_id) == (
        "Kabupaten Bone Bolango",
        RegencyKind.KABUPATEN,
        "75",
    )
    assert Regency.objects.filter(kind=RegencyKind.KABUPATEN).count() == 416
    assert Regency.objects.filter(kind=RegencyKind.KOTA).count() == 98


@pytest.mark.parametrize(
    ("code", "zone"),
    [
        ("11", Zone.SUMATERA),
        ("21", Zone.SUMATERA),
        ("31", Zone.JAWA_BALI),
        ("32", Zone.JAWA_BALI),
        ("51", Zone.JAWA_BALI),
        ("64", Zone.KALIMANTAN),
        ("75", Zone.SULAWESI),
        ("52", Zone.NUSA_TENGGARA_MALUKU_PAPUA),
        ("81", Zone.NUSA_TENGGARA_MALUKU_PAPUA),
        ("96", Zone.NUSA_TENGGARA_MALUKU_PAPUA),
    ],
)
def test_load_regions_each_province_in_its_zone(regions, code, zone):
    assert Province.objects.get(code=code).zone == zone


def test_load_regions_zone_sizes(regions):
    counts = {z: Province.objects.filter(zone=z).count() for z in Zone}
    assert counts == {
        Zone.SUMATERA: 10,
        Zone.JAWA_BALI: 7,
        Zone.KALIMANTAN: 5,
        Zone.SULAWESI: 6,
        Zone.NUSA_TENGGARA_MALUKU_PAPUA: 10,
    }


def test_load_regions_twice_changes_nothing_and_repairs_edits(regions):
    Regency.objects.filter(code="32.75").update(name="KOTA BEKASI (edited)")
    again = regions_load()
    assert (again.provinces, again.regencies) == (38, 514)
    assert Regency.objects.get(code="32.75").name == "Kota Bekasi"


def test_region_names_are_in_proper_case(regions):
    upper = [r.name for r in Regency.objects.all() if r.name == r.name.upper()]
    assert upper == []


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("KOTA BEKASI", "Kota Bekasi"),
        ("KABUPATEN BONE BOLANGO", "Kabupaten Bone Bolango"),
        ("DKI JAKARTA", "DKI Jakarta"),
        ("Kota Administrasi Jakarta Utara", "Kota Administrasi Jakarta Utara"),
    ],
)
def test_proper_case(raw, shown):
    assert proper_case(raw) == shown


def test_regency_kind_refuses_unknown_prefix():
    with pytest.raises(ValueError, match="Kabupaten or a Kota"):
        regency_kind("Desa Sukamaju")


def test_region_data_ships_with_odbl_attribution_and_version():
    source = (REGIONS_DIR / "SOURCE.md").read_text()
    assert "idn-area-data" in source and "4.0.1" in source and "ODbL" in source
    assert "Open Database License" in (REGIONS_DIR / "LICENSE.md").read_text()
    assert sorted(p.name for p in Path(REGIONS_DIR).glob("*.csv")) == [
        "provinces.csv",
        "regencies.csv",
    ]


def test_every_regency_code_begins_with_its_province_code(regions):
    """Candidate.home_province_code is read from the regency's code: the data holds to it."""
    assert [r.code for r in Regency.objects.all() if r.code.split(".")[0] != r.province_id] == []


def test_a_regency_filed_under_another_province_is_refused(regions):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Regency.objects.create(code="32.99", province_id="33", name="Kota Uji", kind="kota")
    assert not Regency.objects.filter(code="32.99").exists()


def test_home_province_code_is_the_province_of_government_and_business(regions):
    from candidates.enums import CandidateKind
    from candidates.models import Candidate
    from tests.factories import BusinessFactory, RegencyGovernmentFactory

    jabar = Candidate.objects.create(
        kind=CandidateKind.PROVINCE_GOVERNMENT, province_id="32", name="Pemerintah Jawa Barat"
    )
    bekasi = RegencyGovernmentFactory(regency=Regency.objects.get(code="32.75"))
    bone = BusinessFactory(regency=Regency.objects.get(code="75.03"))
    Candidate.objects.bulk_create(
        [BusinessFactory.build(regency=Regency.objects.get(code="91.03"), npp="99000001")]
    )
    codes = dict(Candidate.objects.values_list("name", "home_province_code"))
    assert codes == {
        "Pemerintah Jawa Barat": "32",
        bekasi.name: "32",
        bone.name: "75",
        Candidate.objects.get(npp="99000001").name: "91",
    }
    assert list(
        Candidate.objects.filter(home_province_code="32")
        .order_by("pk")
        .values_list("pk", flat=True)
    ) == [jabar.pk, bekasi.pk]


def test_candidates_written_by_the_bulk_import_path_have_their_home_province(regions):
    """paritrana.bulk.bulk_insert (the import's writer on PostgreSQL) leaves the generated
    column to the database, as bulk_create does."""
    from candidates.models import Candidate
    from paritrana.bulk import bulk_insert
    from tests.factories import BusinessFactory

    bulk_insert(
        Candidate,
        [
            BusinessFactory.build(regency=Regency.objects.get(code="32.75"), npp="99000002"),
            BusinessFactory.build(regency=Regency.objects.get(code="75.03"), npp="99000003"),
        ],
    )
    assert list(
        Candidate.objects.filter(npp__in=["99000002", "99000003"])
        .order_by("npp")
        .values_list("home_province_code", flat=True)
    ) == ["32", "75"]
