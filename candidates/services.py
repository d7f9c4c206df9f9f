"""Every write of the candidates app goes through a function here."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from .enums import RegencyKind, Zone
from .models import Province, Regency

REGIONS_SOURCE = "idn-area-data"
REGIONS_SOURCE_VERSION = "4.0.1"
REGIONS_DIR = Path(__file__).resolve().parent / "data" / "idn-area-data"

# Award zones (SPEC §4) by the first digit(s) of the Kemendagri province code.
_ZONE_BY_PROVINCE = {
    **dict.fromkeys(["11", "12", "13", "14", "15", "16", "17", "18", "19", "21"], Zone.SUMATERA),
    **dict.fromkeys(["31", "32", "33", "34", "35", "36", "51"], Zone.JAWA_BALI),
    **dict.fromkeys(["61", "62", "63", "64", "65"], Zone.KALIMANTAN),
    **dict.fromkeys(["71", "72", "73", "74", "75", "76"], Zone.SULAWESI),
    **dict.fromkeys(
        ["52", "53", "81", "82", "91", "92", "93", "94", "95", "96"],
        Zone.NUSA_TENGGARA_MALUKU_PAPUA,
    ),
}

_KEEP_UPPER = {"DKI", "DI", "II", "III", "IV"}


def proper_case(name: str) -> str:
    """ "KOTA BEKASI" → "Kota Bekasi"; names already in mixed case are kept as they are."""
    if name != name.upper():
        return name.strip()
    words = []
    for word in name.split():
        words.append(word if word in _KEEP_UPPER else word.capitalize())
    return " ".join(words)


def regency_kind(name: str) -> RegencyKind:
    first = name.split()[0].lower()
    if first == "kota":
        return RegencyKind.KOTA
    if first == "kabupaten":
        return RegencyKind.KABUPATEN
    raise ValueError(f"Cannot tell whether {name!r} is a Kabupaten or a Kota.")


@dataclass(frozen=True)
class RegionsLoaded:
    provinces: int
    regencies: int
    source: str


def _read(path: Path, columns: list[str]) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != columns:
            raise ValueError(f"{path.name}: expected columns {columns}, found {reader.fieldnames}")
        return list(reader)


@transaction.atomic
def regions_load(*, directory: Path = REGIONS_DIR) -> RegionsLoaded:
    """Load or refresh the provinces and regencies/cities from the shipped CSV files.

    Idempotent: rows are matched on their Kemendagri code and updated in place, so rerunning it
    (or loading a newer data version) never duplicates a region or breaks references to one.
    """
    provinces = [
        Province(
            code=row["code"], name=proper_case(row["name"]), zone=_ZONE_BY_PROVINCE[row["code"]]
        )
        for row in _read(directory / "provinces.csv", ["code", "name"])
    ]
    Province.objects.bulk_create(
        provinces, update_conflicts=True, unique_fields=["code"], update_fields=["name", "zone"]
    )
    regencies = []
    for row in _read(directory / "regencies.csv", ["code", "province_code", "name"]):
        name = proper_case(row["name"])
        regencies.append(
            Regency(
                code=row["code"],
                province_id=row["province_code"],
                name=name,
                kind=regency_kind(name),
            )
        )
    Regency.objects.bulk_create(
        regencies,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["province", "name", "kind"],
    )
    return RegionsLoaded(
        provinces=Province.objects.count(),
        regencies=Regency.objects.count(),
        source=f"{REGIONS_SOURCE} {REGIONS_SOURCE_VERSION}",
    )
