"""Demo data built from the seed articles (shared/seeds/, SPEC §9). Idempotent: rows are found by
their natural keys and updated, so `seed_demo` can run any number of times.

Only what the articles report is entered. Where the data model needs a value the articles do
not give, the value is marked here as illustrative:
- NPP numbers of the businesses are made up (99xxxxxx) — the articles name the firms only;
- the scale of the 2018 Jawa Barat businesses is not reported (that round ranked large and
  medium firms together), so they are entered as large;
- the year of Kota Bekasi's Instruksi Wali Kota 134.4/313/Setda.KS is not reported (2020 here);
- in Jawa Barat 2018 the first-placed nominee of each category advances (default quota 1), as
  the article reports for Kota Bekasi;
- Kota Bekasi "beat eight other regencies/cities" in Jawa Barat 2018, but the article names only
  the four placed behind it; the other four (Kota Depok, Kabupaten Bekasi, Kabupaten Karawang,
  Kota Cirebon) are illustrative.

The Jawa Barat 2018 provincial round is entered as submitted dossiers; scoring.demo replays the
round (verification, the panel's scores, the chair's finalisation) to produce the published
outcome, which `_N.provincial_label` records here for the replay to aim at.

The 2020 national round of the regency/city category is replayed too (scoring.demo): its
provincial rounds are not, so the 2020 nominations are entered as those rounds left them — each
province's nominee advanced with Peringkat I, the other Jawa Barat regencies/cities not advanced
(their provincial labels are not reported) — and the jury's selection, interviews and sign-off
produce the national result, which `_N.national_rank` records here for the replay to aim at.
Only Kota Bekasi (third, Radar Bekasi) and Kabupaten Bone Bolango (one of the eight finalists,
finally sixth, Pojok6) are reported; the ten other nominees, one per province, and their ranks
are illustrative: the articles name no other regency/city of that round.
"""

from dataclasses import dataclass

from django.db import transaction

from .enums import (
    NATIONAL_STATES,
    AwardScheme,
    BusinessScale,
    CandidateKind,
    LegalProductType,
    NominationState,
)
from .enums import RankLabel as L
from .models import (
    Branch,
    Candidate,
    Category,
    Edition,
    GovernmentData,
    Innovation,
    LegalProduct,
    Nomination,
    Province,
    Regency,
)

S = NominationState

# (code, name, kind, scale, has provincial round, scheme, finalist quota)
_DEFAULT_CATEGORIES = [
    ("pemerintah-provinsi", "Pemerintah Provinsi", CandidateKind.PROVINCE_GOVERNMENT, "", False, AwardScheme.RANKED, 7),
    ("pemerintah-kabupaten-kota", "Pemerintah Kabupaten/Kota", CandidateKind.REGENCY_GOVERNMENT, "", True, AwardScheme.RANKED, 8),
    ("usaha-besar", "Usaha Besar", CandidateKind.BUSINESS, BusinessScale.LARGE, True, AwardScheme.RANKED, 9),
    ("usaha-menengah", "Usaha Menengah", CandidateKind.BUSINESS, BusinessScale.MEDIUM, True, AwardScheme.RANKED, 9),
    ("usaha-kecil-mikro", "Usaha Kecil dan Mikro", CandidateKind.BUSINESS, BusinessScale.SMALL_MICRO, True, AwardScheme.RANKED, 9),
]  # fmt: skip

# Jawa Barat 2018 ranked large and medium firms together (ANTARA, January 2019).
_CATEGORIES_2018 = [
    _DEFAULT_CATEGORIES[0],
    (*_DEFAULT_CATEGORIES[1], 5),  # Peringkat I–III and Harapan I–II were given
    ("usaha-besar-menengah", "Usaha Besar dan Menengah", CandidateKind.BUSINESS, "", True, AwardScheme.RANKED, 9),
    _DEFAULT_CATEGORIES[4],
]  # fmt: skip

_EDITIONS = {
    2018: {
        "notes": (
            "Jawa Barat provincial round assessed in December 2018 by document verification and "
            "field review; awards handed over by Governor Ridwan Kamil at Aula Gedung Sate, "
            "Bandung, on 11 January 2019. Kota Bekasi beat eight other regencies/cities and went "
            "on to the national round in March 2019."
        ),
        "categories": _CATEGORIES_2018,
    },
    2020: {
        "notes": (
            "34 provinces, 514 regencies/cities and 683,000 businesses took part. Provincial "
            "panels selected 124 regencies/cities, 143 large, 157 medium businesses and 34 UMKM; "
            "the national interview stage had 7 provinces, 8 regencies/cities, 9 large and 9 "
            "medium businesses. Awards handed over by Vice President Ma'ruf Amin by video "
            "conference on 9 September 2021. Demo: in the regency/city category only Kota "
            "Bekasi (third) and Kabupaten Bone Bolango (finalist, sixth) are reported; the other "
            "nominees, all scores and the other ranks are illustrative."
        ),
        "categories": _DEFAULT_CATEGORIES,
        # "Belasan penerima" (a dozen or so winners) over five categories: Peringkat I–III in
        # each category, no Harapan.
        "national_labels": 3,
    },
    2021: {
        "notes": (
            "BPJAMSOSTEK Cabang Gorontalo socialised the award to the governments of Gorontalo "
            "province at Hotel Maqna, Kota Gorontalo, on 8 December 2021. National interviews "
            "were held by video in February 2022; nine regencies/cities were interviewed."
        ),
        "categories": [
            *_DEFAULT_CATEGORIES[:1],
            (*_DEFAULT_CATEGORIES[1][:6], 9),
            *_DEFAULT_CATEGORIES[2:],
        ],
    },
}

_BRANCHES = [
    # code, name, province, regencies (None: all of the province), handles provincial govt, head
    ("bekasi-kota", "Kantor Cabang Bekasi Kota", "32", ["Kota Bekasi"], False, "Herry Subroto"),
    ("gorontalo", "Kantor Cabang Gorontalo", "75", None, True, "Hendra Elvian"),
]


@dataclass
class _N:
    """One nomination of the demo: who, where, in which category, and how it ended (for an
    edition in NATIONAL_REPLAYED_YEARS: `state` and `provincial_label` are how it enters the
    national round, `national_label` and `national_rank` how the replay ends it)."""

    year: int
    category: str
    name: str
    region: str  # regency/city name, or a province code for a provincial government
    state: NominationState
    provincial_label: str = ""
    national_label: str = ""
    national_rank: int | None = None
    npp: str | None = None
    sector: str = ""

    @property
    def provincial_outside_system(self) -> bool:
        """Whether its provincial round is entered as decided outside the system: every round
        the demo does not replay (2020, and Jakarta Utara's of 2021), so that its decision file
        shows what was decided there rather than an empty scored stage."""
        return self.year in NATIONAL_REPLAYED_YEARS or (
            self.year not in REPLAYED_YEARS and self.state in NATIONAL_STATES
        )


_JABAR_2018 = "pemerintah-kabupaten-kota"
_KAB_KOTA = _JABAR_2018
# Editions whose provincial round scoring.demo replays through the services.
REPLAYED_YEARS = (2018,)
# Editions whose national round scoring.demo replays: their nominations are entered in the state
# the (not replayed) provincial round left them in, once; the replay owns them from there.
NATIONAL_REPLAYED_YEARS = (2020,)
_ADV, _P1 = S.ADVANCED, L.PERINGKAT_1
_NOMINATIONS = [
    # Jawa Barat 2018 (ANTARA Megapolitan, 12 January 2019)
    _N(2018, _JABAR_2018, "Pemerintah Kota Bekasi", "Kota Bekasi", S.ADVANCED, L.PERINGKAT_1),
    _N(2018, _JABAR_2018, "Pemerintah Kota Bogor", "Kota Bogor", S.NOT_ADVANCED, L.PERINGKAT_2),
    _N(2018, _JABAR_2018, "Pemerintah Kota Bandung", "Kota Bandung", S.NOT_ADVANCED, L.PERINGKAT_3),
    _N(2018, _JABAR_2018, "Pemerintah Kota Sukabumi", "Kota Sukabumi", S.NOT_ADVANCED, L.HARAPAN_1),
    _N(2018, _JABAR_2018, "Pemerintah Kota Cimahi", "Kota Cimahi", S.NOT_ADVANCED, L.HARAPAN_2),
    _N(2018, _JABAR_2018, "Pemerintah Kota Depok", "Kota Depok", S.NOT_ADVANCED),
    _N(2018, _JABAR_2018, "Pemerintah Kabupaten Bekasi", "Kabupaten Bekasi", S.NOT_ADVANCED),
    _N(2018, _JABAR_2018, "Pemerintah Kabupaten Karawang", "Kabupaten Karawang", S.NOT_ADVANCED),
    _N(2018, _JABAR_2018, "Pemerintah Kota Cirebon", "Kota Cirebon", S.NOT_ADVANCED),
    _N(2018, "usaha-besar-menengah", "Yutaka MFG Indonesia", "Kabupaten Bekasi", S.ADVANCED, L.PERINGKAT_1, npp="99000001"),
    _N(2018, "usaha-besar-menengah", "Kartika Paramedika", "Kota Sukabumi", S.NOT_ADVANCED, L.PERINGKAT_2, npp="99000002"),
    _N(2018, "usaha-besar-menengah", "Chitose Internasional", "Kota Cimahi", S.NOT_ADVANCED, L.PERINGKAT_3, npp="99000003"),
    _N(2018, "usaha-besar-menengah", "Gracia Pharmindo", "Kabupaten Sumedang", S.NOT_ADVANCED, L.HARAPAN_1, npp="99000004"),
    _N(2018, "usaha-besar-menengah", "Sankei Gosyu Industries", "Kabupaten Bekasi", S.NOT_ADVANCED, L.HARAPAN_2, npp="99000005"),
    # The article spells it "Jafpa": the firm is (PT) Japfa Comfeed Indonesia.
    _N(2018, "usaha-besar-menengah", "Japfa Comfeed Indonesia", "Kota Cirebon", S.NOT_ADVANCED, L.HARAPAN_3, npp="99000006"),
    _N(2018, "usaha-kecil-mikro", "Martabak Air Mancur", "Kota Bogor", S.ADVANCED, L.PERINGKAT_1, npp="99000007"),
    # Jawa Barat 2020: seven regencies/cities presented to the provincial panel (IndependensI,
    # 22 December 2020); Kota Bekasi went on to third place nationally (Radar Bekasi, 2021). The
    # provincial round is not replayed: Kota Bekasi is entered advanced (it went on to the
    # national round) with Peringkat I — the provincial labels of 2020 are not reported, so this
    # one, like every advanced nominee's below, is assumed —, the six others not advanced.
    # national_rank is where the national replay (scoring.demo) puts each finalist.
    _N(2020, _KAB_KOTA, "Pemerintah Kota Bekasi", "Kota Bekasi", _ADV, _P1, L.PERINGKAT_3, 3),
    _N(2020, _KAB_KOTA, "Pemerintah Kota Bandung", "Kota Bandung", S.NOT_ADVANCED),
    _N(2020, _KAB_KOTA, "Pemerintah Kota Depok", "Kota Depok", S.NOT_ADVANCED),
    _N(2020, _KAB_KOTA, "Pemerintah Kabupaten Sukabumi", "Kabupaten Sukabumi", S.NOT_ADVANCED),
    _N(2020, _KAB_KOTA, "Pemerintah Kabupaten Purwakarta", "Kabupaten Purwakarta", S.NOT_ADVANCED),
    _N(2020, _KAB_KOTA, "Pemerintah Kabupaten Bandung", "Kabupaten Bandung", S.NOT_ADVANCED),
    _N(2020, _KAB_KOTA, "Pemerintah Kota Banjar", "Kota Banjar", S.NOT_ADVANCED),
    # Bone Bolango: among the eight national finalists of 2020, finally in the top six
    # (Pojok6, 8 December 2021); not among the "belasan penerima", so not awarded.
    _N(2020, _KAB_KOTA, "Pemerintah Kabupaten Bone Bolango", "Kabupaten Bone Bolango", _ADV, _P1, "", 6),
    # ILLUSTRATIVE — the articles name no other regency/city of the 2020 national round. Ten
    # regencies/cities, one per province, each entered as its province's advanced nominee, so
    # that the jury selects 8 finalists out of 12 (the article: 8 regencies/cities were
    # interviewed) and ranks them. Their ranks (and every score in scoring.demo) are made up.
    _N(2020, _KAB_KOTA, "Pemerintah Kota Semarang", "Kota Semarang", _ADV, _P1, L.PERINGKAT_1, 1),
    _N(2020, _KAB_KOTA, "Pemerintah Kabupaten Banyuwangi", "Kabupaten Banyuwangi", _ADV, _P1, L.PERINGKAT_2, 2),
    _N(2020, _KAB_KOTA, "Pemerintah Kota Makassar", "Kota Makassar", _ADV, _P1, "", 4),
    _N(2020, _KAB_KOTA, "Pemerintah Kota Balikpapan", "Kota Balikpapan", _ADV, _P1, "", 5),
    _N(2020, _KAB_KOTA, "Pemerintah Kabupaten Badung", "Kabupaten Badung", _ADV, _P1, "", 7),
    _N(2020, _KAB_KOTA, "Pemerintah Kabupaten Sleman", "Kabupaten Sleman", _ADV, _P1, "", 8),
    _N(2020, _KAB_KOTA, "Pemerintah Kota Pekanbaru", "Kota Pekanbaru", _ADV, _P1),
    _N(2020, _KAB_KOTA, "Pemerintah Kota Palembang", "Kota Palembang", _ADV, _P1),
    _N(2020, _KAB_KOTA, "Pemerintah Kota Banda Aceh", "Kota Banda Aceh", _ADV, _P1),
    _N(2020, _KAB_KOTA, "Pemerintah Kota Kupang", "Kota Kupang", _ADV, _P1),
    # 2021: Jakarta Utara among the nine interviewed (Budaya Indonesia, 17 February 2022);
    # Gorontalo's governments proposed after the socialisation of 8 December 2021.
    _N(2021, _JABAR_2018, "Pemerintah Kota Administrasi Jakarta Utara", "Kota Administrasi Jakarta Utara", S.FINALIST),
    _N(2021, "pemerintah-provinsi", "Pemerintah Provinsi Gorontalo", "75", S.DRAFT),
    _N(2021, _JABAR_2018, "Pemerintah Kabupaten Bone Bolango", "Kabupaten Bone Bolango", S.DRAFT),
    _N(2021, _JABAR_2018, "Pemerintah Kota Gorontalo", "Kota Gorontalo", S.DRAFT),
]  # fmt: skip

# The nominees whose outcome (their place, their award, that they took part at all) the articles
# do not report: the public site, the API and the open data mark it as illustrative.
_ILLUSTRATIVE_OUTCOMES = {
    (2018, "Pemerintah Kota Depok"),
    (2018, "Pemerintah Kabupaten Bekasi"),
    (2018, "Pemerintah Kabupaten Karawang"),
    (2018, "Pemerintah Kota Cirebon"),
    *(
        (2020, name)
        for name in (
            "Pemerintah Kota Semarang",
            "Pemerintah Kabupaten Banyuwangi",
            "Pemerintah Kota Makassar",
            "Pemerintah Kota Balikpapan",
            "Pemerintah Kabupaten Badung",
            "Pemerintah Kabupaten Sleman",
            "Pemerintah Kota Pekanbaru",
            "Pemerintah Kota Palembang",
            "Pemerintah Kota Banda Aceh",
            "Pemerintah Kota Kupang",
        )
    ),
}

# Figures reported for a nomination: (year, candidate) → GovernmentData fields.
_GOVERNMENT_DATA = {
    (2018, "Pemerintah Kota Bekasi"): {
        "head_of_region": "Rahmat Effendi",
        # "Sekitar 11 ribu lebih TKK" — more than 11,000 contract staff covered via an MoU.
        "non_asn_covered": 11_000,
    },
    (2020, "Pemerintah Kota Bekasi"): {
        "head_of_region": "Rahmat Effendi",
        "contact_name": "Ika Indah Yarti",
        "contact_position": "Kepala Dinas Tenaga Kerja Kota Bekasi",
        "working_age_population": 2_200_000,
        "labour_force": 1_500_000,
        "formal_workers": 929_199,
        "informal_workers": 454_088,
        "active_pu": 886_113,  # 95.36 % of formal workers
        "active_bpu": 55_289,  # about 12 % of informal workers
        # 15,769 posyandu cadres and 23,458 RT/RW officials
        "bpu_apbd_vulnerable": 39_227,
        # 10,245 TKK, 1,711 Satlinmas and 2,830 teachers and education staff
        "non_asn_covered": 14_786,
    },
    (2020, "Pemerintah Kabupaten Bone Bolango"): {"bpu_apbd_vulnerable": 20_000},
    (2021, "Pemerintah Kota Administrasi Jakarta Utara"): {"head_of_region": "Ali Maulana Hakim"},
}

_LEGAL_PRODUCTS = {
    (2020, "Pemerintah Kota Bekasi"): [
        (LegalProductType.PERDA, "18", 2011, "Pelayanan Ketenagakerjaan", "Kota Bekasi"),
        # The article gives the instruction's number but not its year; 2020 is illustrative.
        (
            LegalProductType.INSTRUKSI,
            "134.4/313/Setda.KS",
            2020,
            "Tindak lanjut perjanjian kerja sama penyelenggaraan kepesertaan program jaminan "
            "sosial bagi tenaga kerja kontrak di lingkungan Pemerintah Kota Bekasi",
            "Tenaga kerja kontrak (TKK) Pemerintah Kota Bekasi",
        ),
        (
            LegalProductType.KEPUTUSAN,
            "518/Kep.459-Diskop.UKM/XI/2019",
            2019,
            "Persyaratan perlindungan BP Jamsostek bagi nasabah BPRS Patriot yang mengajukan "
            "dana bergulir",
            "Nasabah BPRS Patriot",
        ),
    ],
}

_INNOVATIONS = {
    (2020, "Pemerintah Kota Bekasi"): [
        (
            "Perizinan terintegrasi dengan BPJS Ketenagakerjaan",
            "Layanan perizinan di DPM-PTSP Kota Bekasi terintegrasi dengan kepesertaan BPJS "
            "Ketenagakerjaan.",
        ),
    ],
    (2021, "Pemerintah Kota Administrasi Jakarta Utara"): [
        (
            "Perlindungan kader dasawisma melalui CSR",
            "Bersama BPJS Ketenagakerjaan dan perusahaan melalui program CSR, ribuan kader "
            "dasawisma di Jakarta Utara dilindungi tanpa bergantung pada APBD.",
        ),
    ],
}


def published_provincial_outcome(year: int) -> dict[tuple[str, str], list[_N]]:
    """The published provincial outcome of a replayed edition, per (category code, province
    code), best first: what scoring.demo's replay must reproduce."""
    outcome: dict[tuple[str, str], list[_N]] = {}
    for spec in _NOMINATIONS:
        if spec.year != year:
            continue
        province = spec.region if spec.region.isdigit() else _province_of(spec.region)
        outcome.setdefault((spec.category, province), []).append(spec)
    order = [L.PERINGKAT_1, L.PERINGKAT_2, L.PERINGKAT_3, L.HARAPAN_1, L.HARAPAN_2, L.HARAPAN_3]
    for specs in outcome.values():
        specs.sort(key=lambda n: order.index(n.provincial_label) if n.provincial_label else 9)
    return outcome


def published_national_outcome(year: int, category: str = _KAB_KOTA) -> list[_N]:
    """The finalists of a national round the demo replays, in their final order (national_rank):
    what scoring.demo's national replay must reproduce."""
    return sorted(
        (
            n
            for n in _NOMINATIONS
            if n.year == year and n.category == category and n.national_rank is not None
        ),
        key=lambda n: n.national_rank,
    )


def _province_of(regency_name: str) -> str:
    return Regency.objects.get(name=regency_name).province_id


@dataclass(frozen=True)
class DemoSeeded:
    editions: int
    categories: int
    branches: int
    candidates: int
    nominations: int


def _candidate(spec: _N) -> Candidate:
    if spec.region.isdigit():
        province = Province.objects.get(code=spec.region)
        candidate, _ = Candidate.objects.update_or_create(
            kind=CandidateKind.PROVINCE_GOVERNMENT, province=province, defaults={"name": spec.name}
        )
        return candidate
    regency = Regency.objects.get(name=spec.region)
    if spec.npp:
        candidate, _ = Candidate.objects.update_or_create(
            npp=spec.npp,
            defaults={
                "kind": CandidateKind.BUSINESS,
                "name": spec.name,
                "regency": regency,
                "sector": spec.sector,
                "scale": (
                    BusinessScale.SMALL_MICRO
                    if spec.category == "usaha-kecil-mikro"
                    else BusinessScale.LARGE
                ),
            },
        )
        return candidate
    candidate, _ = Candidate.objects.update_or_create(
        kind=CandidateKind.REGENCY_GOVERNMENT, regency=regency, defaults={"name": spec.name}
    )
    return candidate


@transaction.atomic
def seed_candidates() -> DemoSeeded:
    """Create or refresh the demo editions, categories, branches, candidates and nominations.
    Needs the regions (`load_regions`) first."""
    if not Regency.objects.exists():
        raise RuntimeError("Load the regions first: python manage.py load_regions")

    for code, name, province, regencies, handles_province, head in _BRANCHES:
        branch, _ = Branch.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "province_id": province,
                "handles_provincial_government": handles_province,
                "head_name": head,
            },
        )
        covered = Regency.objects.filter(province_id=province)
        if regencies is not None:
            covered = covered.filter(name__in=regencies)
        branch.regencies.set(covered)

    categories = {}
    for year, spec in _EDITIONS.items():
        # Only the latest demo edition still takes nominations.
        edition, _ = Edition.objects.update_or_create(
            year=year,
            defaults={"notes": spec["notes"], "nominations_open": year == 2021, "is_demo": True},
        )
        national_labels = spec.get("national_labels", 6)
        for order, (code, name, kind, scale, provincial, scheme, finalists, *labels) in enumerate(
            spec["categories"]
        ):
            category, _ = Category.objects.update_or_create(
                edition=edition,
                code=code,
                defaults={
                    "name": name,
                    "candidate_kind": kind,
                    "business_scale": scale,
                    "has_provincial_round": provincial,
                    "award_scheme": scheme,
                    "finalist_quota": finalists,
                    "provincial_labels": labels[0] if labels else 6,
                    "national_labels": national_labels,
                    "order": order,
                },
            )
            categories[(year, code)] = category

    for spec in _NOMINATIONS:
        if spec.year in REPLAYED_YEARS:
            # Entered as submitted dossiers; the replay (scoring.demo) owns their state from
            # there, so a second run leaves it alone.
            nomination, _ = Nomination.objects.get_or_create(
                candidate=_candidate(spec),
                category=categories[(spec.year, spec.category)],
                defaults={"state": S.SUBMITTED},
            )
        elif spec.year in NATIONAL_REPLAYED_YEARS:
            # Entered as the provincial round left them; the national replay moves them on.
            nomination, _ = Nomination.objects.get_or_create(
                candidate=_candidate(spec),
                category=categories[(spec.year, spec.category)],
                defaults={"state": spec.state, "provincial_label": spec.provincial_label},
            )
        else:
            nomination, _ = Nomination.objects.update_or_create(
                candidate=_candidate(spec),
                category=categories[(spec.year, spec.category)],
                defaults={
                    "state": spec.state,
                    "provincial_label": spec.provincial_label,
                    "national_label": spec.national_label,
                    "national_rank": spec.national_rank,
                },
            )
        marks = {
            "provincial_outside_system": spec.provincial_outside_system,
            "illustrative_outcome": (spec.year, spec.name) in _ILLUSTRATIVE_OUTCOMES,
        }
        if any(getattr(nomination, name) != value for name, value in marks.items()):
            Nomination.objects.filter(pk=nomination.pk).update(**marks)
        key = (spec.year, spec.name)
        if key in _GOVERNMENT_DATA:
            GovernmentData.objects.update_or_create(
                nomination=nomination, defaults=_GOVERNMENT_DATA[key]
            )
        for type_, number, year, title, scope in _LEGAL_PRODUCTS.get(key, []):
            LegalProduct.objects.update_or_create(
                nomination=nomination,
                type=type_,
                number=number,
                defaults={"year": year, "title": title, "scope": scope},
            )
        for title, description in _INNOVATIONS.get(key, []):
            Innovation.objects.update_or_create(
                nomination=nomination, title=title, defaults={"description": description}
            )

    return DemoSeeded(
        editions=Edition.objects.count(),
        categories=Category.objects.count(),
        branches=Branch.objects.count(),
        candidates=Candidate.objects.count(),
        nominations=Nomination.objects.count(),
    )
