"""Kota Bekasi's 2018 decision file in the demo (issue 25 item 5): Jawa Barat's provincial
round gave it Peringkat I, and the 2018 ceremony issued and generated its certificate. Its
file shows that label among the awards, dated by its ranking's finalisation, and its record of
every change holds each of its audit records, one entry each at the record's date, in words —
the scoresheets' saves, the label, the certificate's issue and generation included — on the
page and in the API."""

from datetime import datetime

import pytest

from audit.models import AuditRecord
from candidates.models import Nomination
from scoring.models import Panel, RankingSnapshotRow
from tests import demo_data

from .test_decision_file import english, page, record, urls

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("published_demo_once")]

ADMIN = "admin@paritrana.test"
CHAIR = "Ketua Tim Penilai Jawa Barat"
SUBMITTED = "Provincial assessment: scoresheet submitted"


@pytest.fixture
def bekasi_2018(published_demo, demo_accounts, django_capture_on_commit_callbacks,
                tasks_in_process):  # fmt: skip
    demo_data.generate_certificates(
        published_demo, django_capture_on_commit_callbacks, "jabar_2018"
    )
    nomination = Nomination.objects.get(
        candidate=published_demo["bekasi"], category__edition__year=2018
    )
    panel = Panel.objects.get(edition__year=2018, province="32")
    records = list(AuditRecord.objects.filter(nomination_id=nomination.pk).order_by("seq"))
    return nomination, panel, records, demo_accounts[ADMIN]


def test_the_audit_record_holds_what_the_file_must_show(bekasi_2018):
    _nomination, _panel, records, _admin = bekasi_2018
    assert [r.action for r in records] == [
        "conflict.create",
        "nomination.state",
        *["scoresheet.save"] * 4,
        "nomination.state",
        "nomination.provincial_label",
        "nomination.state",
        "ranking.finalise.row",
        "certificate.issue",
        "certificate.generate",
    ]


def test_page_shows_the_provincial_label_and_every_record(client, bekasi_2018):
    nomination, panel, records, admin = bekasi_2018
    client.force_login(admin)
    file = page(english(client).get(urls(panel, nomination)["page"]))

    (award,) = file.all("data-award")
    finalised = RankingSnapshotRow.objects.get(nomination=nomination).snapshot.finalised_at
    assert (
        award.attrs["data-award"],
        award.one("scope", "row").text,
        award.one("data-award-kind").text,
        datetime.fromisoformat(award.one("data-given-at").one("datetime").attrs["datetime"]),
    ) == ("current", "1st place (rank 1)", "Provincial label", finalised)
    assert "No award has been given" not in file.text

    rows = file.all("data-event")
    assert [
        (int(r.attrs["data-seq"]), datetime.fromisoformat(r.one("datetime").attrs["datetime"]))
        for r in rows
    ] == [(r.seq, r.at) for r in records]
    serial = records[-1].new["serial"]
    assert record(file) == [
        ("conflict", "Anggota dari Disnaker Kota Bekasi excluded (Own organisation)", "—",
         "Bekerja untuk Pemerintah Kota Bekasi."),
        ("transition", "Submitted → Verified", CHAIR, ""),
        ("scoresheet", SUBMITTED, CHAIR, "Verifikasi berkas: 89.00; Peninjauan lapangan: 92.00"),
        ("scoresheet", SUBMITTED, "Sekretaris Tim Penilai Jawa Barat",
         "Verifikasi berkas: 90.00; Peninjauan lapangan: 91.00"),
        ("scoresheet", SUBMITTED, "Anggota Tim Penilai Jawa Barat",
         "Verifikasi berkas: 91.00; Peninjauan lapangan: 90.00"),
        ("scoresheet", SUBMITTED, "Anggota Unsur Pengusaha",
         "Verifikasi berkas: 89.00; Peninjauan lapangan: 92.00"),
        ("transition", "Verified → Scored", CHAIR, ""),
        ("provincial_label", "Provincial label given: 1st place", CHAIR, ""),
        ("transition", "Scored → Advanced to national", CHAIR, ""),
        ("finalised", "Provincial assessment: ranking finalised, rank 1, total 90.65", CHAIR, ""),
        ("certificate", f"Certificate issued: Peringkat I ({serial})", "—", ""),
        ("certificate", f"Certificate generated: {serial}", "—", ""),
    ]  # fmt: skip
    # In words: no field's or value's code.
    text = file.one("id", "decision-record").text
    for code in ("verifikasi_berkas", "peninjauan_lapangan", "peringkat_1", "sha256"):
        assert code not in text


def test_api_holds_the_same_award_and_record(client, bekasi_2018):
    nomination, panel, records, admin = bekasi_2018
    client.force_login(admin)
    data = english(client).get(urls(panel, nomination)["api"]).json()
    snapshot = RankingSnapshotRow.objects.get(nomination=nomination).snapshot
    (award,) = data["awards"]
    assert {
        k: award[k] for k in ("title", "kind", "label", "rank", "given_by", "withdrawn_at")
    } == {
        "title": "1st place",
        "kind": "Provincial label",
        "label": "1st place",
        "rank": 1,
        "given_by": CHAIR,
        "withdrawn_at": None,
    }
    assert datetime.fromisoformat(award["given_at"]) == snapshot.finalised_at
    assert [(e["seq"], datetime.fromisoformat(e["at"])) for e in data["record"]] == [
        (r.seq, r.at) for r in records
    ]
    assert [e["kind"] for e in data["record"]] == [
        "conflict", "transition", *["scoresheet"] * 4, "transition", "provincial_label",
        "transition", "finalised", "certificate", "certificate",
    ]  # fmt: skip
