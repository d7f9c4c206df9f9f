"""Default rubrics for the default categories (SPEC §4, §6), seeded with `is_default` set.

These weights and thresholds are the software's defaults, NOT official figures of the
Paritrana Award: the secretariat replaces them in the admin with the edition's own. They follow
what the seed articles say is assessed — regulation, the number of workers protected and the
government's commitment (Radar Bekasi, 2021) — with SPEC §6's default tie-break order: coverage,
then legal products, then the interview.
"""

from decimal import Decimal as D

from candidates.enums import CandidateKind

from .enums import CriterionKind, Mapping, StageKind

C, J, IV = CriterionKind.COMPUTED, CriterionKind.JUDGED, CriterionKind.INTERVIEW
LIN, REL = Mapping.LINEAR, Mapping.RELATIVE

# code, name, kind, weight, indicator, mapping, zero_at, full_at, tie-break order
GOVERNMENT = [
    (
        "pu_coverage",
        "Cakupan peserta penerima upah (PU)",
        C,
        D(25),
        "pu_coverage",
        LIN,
        D(0),
        D(1),
        1,
    ),
    (
        "bpu_coverage",
        "Cakupan peserta bukan penerima upah (BPU)",
        C,
        D(15),
        "bpu_coverage",
        LIN,
        D(0),
        D("0.5"),
        None,
    ),
    (
        "vulnerable",
        "Pekerja rentan dilindungi per 1.000 pekerja",
        C,
        D(10),
        "vulnerable_per_1000",
        LIN,
        D(0),
        D(50),
        None,
    ),
    ("non_asn", "Cakupan pegawai non-ASN", C, D(10), "non_asn_coverage", LIN, D(0), D(1), None),
    (
        "legal_products",
        "Kekuatan produk hukum",
        C,
        D(15),
        "legal_product_strength",
        REL,
        None,
        None,
        2,
    ),
    ("commitment", "Komitmen dan inovasi pemerintah daerah", J, D(25), "", LIN, None, None, None),
]
BUSINESS = [
    (
        "registration",
        "Pekerja terdaftar",
        C,
        D(25),
        "registration_coverage",
        LIN,
        D("0.5"),
        D(1),
        1,
    ),
    (
        "programmes",
        "Kelengkapan program",
        C,
        D(20),
        "programme_completeness",
        LIN,
        D("0.5"),
        D(1),
        None,
    ),
    ("arrears", "Tunggakan iuran", C, D(10), "arrears_months", LIN, D(6), D(0), None),
    ("wages", "Upah yang dilaporkan", C, D(15), "wage_reporting", LIN, D("0.5"), D(1), None),
    (
        "supply_chain",
        "Pekerja kontraktor terdaftar",
        C,
        D(10),
        "supply_chain_coverage",
        LIN,
        D(0),
        D(1),
        2,
    ),
    ("commitment", "Komitmen dan kepedulian (CSR)", J, D(20), "", LIN, None, None, None),
]
INTERVIEW = [
    ("interview", "Presentasi dan wawancara", IV, D(100), "", LIN, None, None, 1),
]  # fmt: skip


# How much each national stage counts in the national result (SPEC §3 stage 7; an example, not
# an official figure).
FINAL_WEIGHTS = {StageKind.NATIONAL_SELECTION: D(60), StageKind.NATIONAL_INTERVIEW: D(40)}


def criteria_for(kind: str, stage_kind: str) -> list[tuple]:
    if stage_kind == StageKind.NATIONAL_INTERVIEW:
        return INTERVIEW
    if kind == CandidateKind.BUSINESS:
        return BUSINESS
    return GOVERNMENT
