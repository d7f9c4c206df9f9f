"""The record of every change of a decision file (scoring.decision_record, issue 25 item 5):
one entry per audit record of the nominee the reader may see, at its date and in words; what
only the file's tables hold (a transition made before the audit record) once, never an event
twice; a scoresheet's saves kept from a member who has not submitted their own and from a
member excluded by a conflict while the ranking is live; and the provincial label in the
awards, withdrawn with its ranking."""

from datetime import datetime

import pytest

from accounts.enums import Role
from accounts.services import role_assign
from audit.models import AuditRecord
from candidates.enums import NominationState
from candidates.models import NominationTransition
from scoring import services
from scoring.enums import CriterionKind, StageKind
from tests.factories import UserFactory

from .conftest import criterion
from .test_decision_file import english, page, record, urls

pytestmark = pytest.mark.django_db

PANEL = "Provincial panel Jawa Barat 2030"
SUBMITTED = "Provincial assessment: scoresheet submitted"


def _file(client, user, round_, nomination):
    client.force_login(user)
    return page(english(client).get(urls(round_.panel, nomination)["page"]))


def _admin():
    admin = UserFactory(email="admin@example.test", first_name="Sekretariat")
    role_assign(user=admin, role=Role.NATIONAL_ADMIN)
    return admin


def _finalise(round_):
    round_.open(StageKind.PROVINCIAL_RESULT)
    return services.ranking_finalise(actor=round_.chair, panel=round_.panel,
                                     category=round_.category)  # fmt: skip


def test_a_member_reads_no_other_save_before_submitting_their_own(client, make_round):
    round_ = make_round([criterion("a", CriterionKind.JUDGED)])
    chair, first, second = round_.members
    x = round_.nominate("32.71")
    round_.score(chair, x, 80)
    round_.score(second, x, 60)
    round_.score(first, x, 70, submit=False)
    you = f"Assessor 2 (you), {PANEL}"
    draft = ("scoresheet", "Provincial assessment: scoresheet saved as a draft", you, "A: 70.00")
    assert record(_file(client, first, round_, x)) == [draft]

    round_.score(first, x, 70)
    assert record(_file(client, first, round_, x)) == [
        ("scoresheet", SUBMITTED, f"Assessor 1, {PANEL}", "A: 80.00"),
        ("scoresheet", SUBMITTED, f"Assessor 3, {PANEL}", "A: 60.00"),
        draft,
        ("scoresheet", SUBMITTED, you, ""),  # the same score, now submitted
    ]

    round_.score(first, x, 70)  # saved again as it was: no score changed, no reason asked
    assert record(_file(client, first, round_, x))[-1] == (
        "scoresheet",
        "Provincial assessment: scoresheet saved again",
        you,
        "",
    )


def test_a_member_excluded_by_a_conflict_reads_no_other_save_until_finalised(client, make_round):
    round_ = make_round([criterion("a", CriterionKind.JUDGED)])
    second = round_.members[2]
    x = round_.nominate("32.71")
    for person, value in zip(round_.members, (80, 70, 90), strict=True):
        round_.score(person, x, value)
    services.conflict_declare(actor=second, panel=round_.panel, nomination=x, reason="Kerabat.")
    you = f"Assessor 3 (you), {PANEL}"
    assert record(_file(client, second, round_, x)) == [
        ("scoresheet", SUBMITTED, you, "A: 90.00"),
        ("conflict", "Assessor 3 (you) excluded (Declared)", you, "Kerabat."),
    ]

    _finalise(round_)
    assert [(e[0], e[2]) for e in record(_file(client, second, round_, x))] == [
        ("scoresheet", f"Assessor 1, {PANEL}"),
        ("scoresheet", f"Assessor 2, {PANEL}"),
        ("scoresheet", you),
        ("conflict", you),
        ("transition", f"chair of the panel, {PANEL}"),
        ("provincial_label", f"chair of the panel, {PANEL}"),
        ("transition", f"chair of the panel, {PANEL}"),
        ("finalised", f"chair of the panel, {PANEL}"),
    ]


def test_the_record_merges_the_tables_and_the_audit_record_without_doubles(client, make_round):
    round_ = make_round([criterion("a", CriterionKind.JUDGED)])
    x = round_.nominate("32.71")
    # A move made before the audit record was kept: in the tables only.
    NominationTransition.objects.create(
        nomination=x,
        from_state=NominationState.SUBMITTED,
        to_state=NominationState.VERIFIED,
        actor=round_.chair,
    )
    for person in round_.members:
        round_.score(person, x, 70)
    round_.score(round_.members[1], x, 75, reason="Salah ketik.")
    _finalise(round_)
    file = _file(client, _admin(), round_, x)
    audit = list(AuditRecord.objects.filter(nomination_id=x.pk).order_by("seq"))
    rows = file.all("data-event")
    assert [r.attrs.get("data-seq") for r in rows] == [None] + [str(r.seq) for r in audit]
    assert [datetime.fromisoformat(r.one("datetime").attrs["datetime"]) for r in rows[1:]] == [
        r.at for r in audit
    ]
    assert record(file) == [
        ("transition", "Submitted → Verified", "Ketua", ""),
        ("scoresheet", SUBMITTED, "Ketua", "A: 70.00"),
        ("scoresheet", SUBMITTED, "Anggota 1", "A: 70.00"),
        ("scoresheet", SUBMITTED, "Anggota 2", "A: 70.00"),
        ("score_change", "Provincial assessment, A: 70.00 → 75.00", "Anggota 1",
         "Salah ketik. Previous note: catatan a"),
        ("transition", "Verified → Scored", "Ketua", ""),
        ("provincial_label", "Provincial label given: 1st place", "Ketua", ""),
        ("transition", "Scored → Advanced to national", "Ketua", ""),
        ("finalised", "Provincial assessment: ranking finalised, rank 1, total 71.67", "Ketua",
         ""),
    ]  # fmt: skip


def test_the_provincial_label_is_an_award_withdrawn_with_its_ranking(client, make_round):
    round_ = make_round([criterion("a", CriterionKind.JUDGED)])
    x = round_.nominate("32.71")
    for person in round_.members:
        round_.score(person, x, 70)
    snapshot = _finalise(round_)
    admin = _admin()

    def awards():
        return [
            (
                row.attrs["data-award"],
                row.one("scope", "row").text,
                row.one("data-award-kind").text,
                datetime.fromisoformat(row.one("data-given-at").one("datetime").attrs["datetime"]),
                " ".join(n.text for n in row.all("data-withdrawn-reason")),
            )
            for row in _file(client, admin, round_, x).all("data-award")
        ]

    given = snapshot.finalised_at
    assert [a[:4] for a in awards()] == [
        ("current", "1st place (rank 1)", "Provincial label", given)
    ]
    services.ranking_reopen(actor=round_.chair, snapshot=snapshot, reason="Salah hitung.")
    assert awards() == [
        ("withdrawn", "1st place (rank 1)", "Provincial label", given, "Salah hitung.")
    ]
    # The label leaves with the move back to verified, on the same record.
    assert record(_file(client, admin, round_, x))[-3:] == [
        ("finalised", "Provincial assessment: ranking finalised, rank 1, total 70.00", "Ketua",
         ""),
        ("reopened", "Provincial assessment: ranking reopened", "Ketua", "Salah hitung."),
        ("transition", "Advanced to national → Verified", "Ketua",
         "Salah hitung. Provincial result: 1st place → —"),
    ]  # fmt: skip
