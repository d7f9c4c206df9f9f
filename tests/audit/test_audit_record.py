"""The audit record: written by the services in their transaction, hash-chained, checked by
`verify_audit`, append-only on PostgreSQL, readable by the auditor and the chairs."""

import itertools
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import translation

from audit.models import AuditHead, AuditRecord
from audit.selectors import audit_verify
from audit.services import GENESIS, audit_record, hashed_values, record_hash
from candidates import services
from candidates.models import Nomination

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _indonesian():
    # verify_audit speaks the site's default language, whatever an earlier test activated.
    with translation.override("id"):
        yield


def _draft(name="Pemerintah Kabupaten Bone Bolango"):
    return Nomination.objects.get(candidate__name=name, category__edition__year=2021)


def _withdraw(demo_accounts, reason="Data belum lengkap"):
    nomination = _draft()
    staff = demo_accounts["cabang.gorontalo@paritrana.test"]
    services.nomination_withdraw(actor=staff, nomination=nomination, reason=reason)
    return nomination, staff


def _raw(sql, params=()):
    """Change the table by hand, as someone with database access would (on PostgreSQL the
    trigger must be switched off first, which takes the table owner)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditrecord DISABLE TRIGGER audit_record_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditrecord ENABLE TRIGGER audit_record_append_only")


def test_state_change_is_recorded_with_who_what_old_new_and_why(demo_accounts):
    nomination, staff = _withdraw(demo_accounts)

    record = AuditRecord.objects.order_by("-seq").first()
    assert (record.action, record.actor_id, record.actor) == (
        "nomination.state",
        staff.pk,
        "cabang.gorontalo@paritrana.test",
    )
    assert (record.target_type, record.target_id) == ("candidates.nomination", str(nomination.pk))
    assert (record.nomination_id, record.edition_id) == (
        nomination.pk,
        nomination.category.edition_id,
    )
    assert record.old == {"state": "draft"}
    assert record.new == {"state": "withdrawn"}
    assert record.reason == "Data belum lengkap"


def test_refused_change_leaves_no_record(demo_accounts):
    before = AuditRecord.objects.count()
    staff = demo_accounts["cabang.gorontalo@paritrana.test"]

    with pytest.raises(ValidationError):
        services.nomination_withdraw(actor=staff, nomination=_draft(), reason="  ")

    assert AuditRecord.objects.count() == before
    assert _draft().state == "draft"


def test_record_rolls_back_with_its_change(demo_accounts):
    before = AuditRecord.objects.count()

    with pytest.raises(RuntimeError), transaction.atomic():
        _withdraw(demo_accounts)
        raise RuntimeError("the request failed after the service")

    assert AuditRecord.objects.count() == before
    assert _draft().state == "draft"


def test_figures_change_keeps_old_and_new_values(demo_accounts):
    nomination = _draft()
    staff = demo_accounts["cabang.gorontalo@paritrana.test"]
    old = ""  # the demo draft has no figures yet

    services.nomination_figures_update(
        actor=staff, nomination=nomination, values={"contact_position": "Kepala Dinas"}
    )

    record = AuditRecord.objects.order_by("-seq").first()
    assert record.action == "nomination.figures"
    assert record.old == {"contact_position": old}
    assert record.new == {"contact_position": "Kepala Dinas"}


def test_every_record_links_to_the_one_before(demo_accounts):
    _withdraw(demo_accounts)

    records = list(AuditRecord.objects.order_by("seq"))
    assert [r.seq for r in records] == list(range(1, len(records) + 1))
    assert records[0].prev_hash == GENESIS
    for before, after in itertools.pairwise(records):
        assert after.prev_hash == before.hash
    for record in records:
        assert record_hash(hashed_values(record)) == record.hash
    head = AuditHead.objects.get()
    assert (head.seq, head.hash) == (records[-1].seq, records[-1].hash)


def test_demo_journey_records_every_kind_of_change(demo):
    actions = set(AuditRecord.objects.values_list("action", flat=True))

    assert {
        "nomination.state",
        "nomination.provincial_label",
        "nomination.national_result",
        "scoresheet.save",
        "stage.create",
        "stage.state",
        "ranking.finalise",
        "ranking.finalise.row",
        "ranking.confirm",
        "ranking.sign_off",
        "interview.update",
        "award.give",
        "rubric.create",
    } <= actions
    assert audit_verify().intact


def test_verify_audit_reports_an_intact_chain(demo_accounts, capsys):
    count = AuditRecord.objects.count()
    last = AuditRecord.objects.order_by("-seq").first()

    call_command("verify_audit")

    assert capsys.readouterr().out.startswith(
        f"Audit record intact: {count} records, last hash {last.hash}."
    )


def test_verify_audit_catches_a_record_edited_by_hand(demo_accounts):
    _withdraw(demo_accounts)
    # A record in the middle of the chain, with records after it.
    tampered = AuditRecord.objects.order_by("seq")[9]

    _raw("UPDATE audit_auditrecord SET reason = %s WHERE seq = %s", ["diubah", tampered.seq])

    with pytest.raises(CommandError) as error:
        call_command("verify_audit")
    assert str(error.value) == (
        f"Audit record NOT intact: Catatan no. {tampered.seq} diubah (isinya tidak lagi cocok "
        "dengan hash-nya)."
    )


def test_verify_audit_catches_a_deleted_record(demo_accounts):
    _withdraw(demo_accounts)
    middle = AuditRecord.objects.order_by("seq")[3]

    _raw("DELETE FROM audit_auditrecord WHERE seq = %s", [middle.seq])

    check = audit_verify()
    assert (check.intact, check.seq) == (False, middle.seq)
    assert check.problem == (
        f"Catatan no. {middle.seq} sampai no. {middle.seq} dihapus (rantai melompat ke no. "
        f"{middle.seq + 1})."
    )


def test_verify_audit_catches_a_deleted_tail_and_a_forged_append(demo_accounts):
    _withdraw(demo_accounts)
    last = AuditRecord.objects.order_by("-seq").first()

    _raw("DELETE FROM audit_auditrecord WHERE seq = %s", [last.seq])

    check = audit_verify()
    assert (check.intact, check.seq) == (False, last.seq)
    assert check.problem.startswith(
        f"Rantai berakhir di catatan no. {last.seq - 1} tetapi kepalanya menyebut no. {last.seq}"
    )


def test_verify_audit_catches_a_record_inserted_with_a_link_to_the_wrong_record(demo_accounts):
    _withdraw(demo_accounts)
    records = list(AuditRecord.objects.order_by("seq"))
    # A forged record put in place of no. 3, linked and hashed correctly itself: the record
    # after it still links to the original.
    original = records[2]
    values = {**hashed_values(original), "reason": "palsu"}
    _raw("DELETE FROM audit_auditrecord WHERE seq = %s", [original.seq])
    forged = AuditRecord(**{**values, "at": original.at, "hash": record_hash(values)})
    forged.save(force_insert=True)

    check = audit_verify()
    assert (check.intact, check.seq) == (False, original.seq + 1)
    assert check.problem.startswith(f"Catatan no. {original.seq + 1} tidak menyambung")


@pytest.mark.services
def test_postgres_refuses_update_and_delete_of_the_record(demo_accounts, require_service):
    if connection.vendor != "postgresql":
        require_service("the append-only trigger is PostgreSQL's (set DATABASE_URL)")
    _withdraw(demo_accounts)
    record = AuditRecord.objects.order_by("-seq").first()

    for attempt in (
        lambda: AuditRecord.objects.filter(pk=record.pk).update(reason="diubah"),
        lambda: AuditRecord.objects.filter(pk=record.pk).delete(),
    ):
        with pytest.raises(DatabaseError) as error, transaction.atomic():
            attempt()
        assert "audit records are append-only" in str(error.value)

    record.refresh_from_db()
    assert record.reason == "Data belum lengkap"
    assert audit_verify().intact


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_form_one_unbroken_chain(regions, require_service):
    if connection.vendor != "postgresql":
        require_service("concurrent writers need PostgreSQL (set DATABASE_URL)")
    from candidates.models import Province

    province = Province.objects.first()
    errors = []
    start = threading.Barrier(4)

    def write(n):
        try:
            start.wait()
            for i in range(10):
                with transaction.atomic():
                    audit_record(
                        actor=None, action="test.write", target=province, new={"w": n, "i": i}
                    )
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert list(AuditRecord.objects.order_by("seq").values_list("seq", flat=True)) == list(
        range(1, 41)
    )
    assert audit_verify().intact
