"""The demo editions' ceremonies, publications and certificates (SPEC §9), through the services.

- Jawa Barat 2018: the provincial awards were handed over by Governor Ridwan Kamil in the Aula
  Gedung Sate, Bandung, on Friday 11 January 2019 (ANTARA, 12 January 2019).
- 2020 national round: Vice President Ma'ruf Amin handed the awards over by video conference
  from Jakarta on Thursday 9 September 2021; Kota Bekasi's mayor received it at the Patriot
  Candrabhaga stadium (Radar Bekasi, September 2021).
The certificates' signatories are not in the seed articles: the governor signs the provincial
certificates; the coordinating minister for human development and the president director of
BPJS Ketenagakerjaan in office in 2021 sign the national ones."""

from datetime import date

from candidates.models import Edition, Province

from . import selectors, services
from .services import Person

CEREMONIES = [
    {
        "year": 2018,
        "province": "32",
        "title": "Penyerahan Penghargaan Paritrana Provinsi Jawa Barat 2018",
        "held_on": date(2019, 1, 11),
        "place": "Aula Gedung Sate, Bandung",
        "video_link": "",
        "handing_over": [Person("Ridwan Kamil", "Gubernur Jawa Barat")],
        "signatories": [Person("Ridwan Kamil", "Gubernur Jawa Barat")],
    },
    {
        "year": 2020,
        "province": None,
        "title": "Penyerahan Penghargaan Paritrana 2020",
        "held_on": date(2021, 9, 9),
        "place": "Jakarta, melalui konferensi video",
        "video_link": "",
        "handing_over": [Person("K.H. Ma'ruf Amin", "Wakil Presiden Republik Indonesia")],
        "signatories": [
            Person(
                "Muhadjir Effendy",
                "Menteri Koordinator Bidang Pembangunan Manusia dan Kebudayaan",
            ),
            Person("Anggoro Eko Cahyo", "Direktur Utama BPJS Ketenagakerjaan"),
        ],
    },
]


def seed_ceremonies(*, certificates: bool = True) -> dict:
    """Publish the seed results that are final, hold their ceremonies and issue their
    certificates (generated in the background, or in-process without a broker). Idempotent:
    what exists already is left as it is."""
    counts = {"published": 0, "ceremonies": 0, "certificates": 0}
    for spec in CEREMONIES:
        edition = Edition.objects.filter(year=spec["year"]).first()
        province = (
            Province.objects.filter(code=spec["province"]).first() if spec["province"] else None
        )
        if edition is None or (spec["province"] and province is None):
            continue
        if selectors.publication_of(edition, province) is None:
            if not selectors.publication_readiness(edition, province).ready:
                continue  # the replay was stopped before the result (make run NATIONAL_2020=…)
            services.results_publish(actor=None, edition=edition, province=province)
            counts["published"] += 1
        ceremony = selectors.ceremony_of(edition, province)
        if ceremony is None:
            fields = {k: v for k, v in spec.items() if k not in ("year", "province")}
            ceremony = services.ceremony_save(
                actor=None, edition=edition, province=province, **fields
            )
            counts["ceremonies"] += 1
        if certificates and not ceremony.certificates.exists():
            batch = services.certificates_issue(actor=None, ceremony=ceremony)
            counts["certificates"] += batch.total
    return counts
