"""Issuing a ceremony's certificates in bulk: one statement for the new certificates, one append
to the audit record with a record per certificate (as when they were written one by one), a
number of queries that does not grow with the awards, serials that never repeat, and one task
per certificate sent in order."""

import pytest

from accounts.enums import Role
from accounts.services import role_assign
from audit.models import AuditRecord
from audit.selectors import audit_verify
from ceremonies import selectors, services, tasks
from ceremonies.models import Certificate
from scoring.enums import AwardKind
from scoring.models import Award
from tests.ceremonies.test_certificate_worker import _edition_with_awards, ceremony_of
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process")]


@pytest.fixture
def admin():
    user = UserFactory(email="sekretariat@example.test")
    role_assign(user=user, role=Role.NATIONAL_ADMIN)
    return user


def _more_awards(edition, count: int) -> None:
    award = Award.objects.filter(category__edition=edition).first()
    Award.objects.bulk_create(
        Award(
            category=award.category,
            nomination=award.nomination,
            kind=AwardKind.SPECIAL,
            title=f"Terbaik Khusus {i}",
            reason="Uji penerbitan massal.",
        )
        for i in range(count)
    )


def test_each_new_certificate_is_on_the_record_in_the_order_presented(regions, admin):
    edition = _edition_with_awards(6)
    ceremony = ceremony_of(edition)

    batch = services.certificates_issue(actor=admin, ceremony=ceremony)

    presented = selectors.presented_awards(ceremony)
    by_award = {c.award_id: c for c in Certificate.objects.filter(ceremony=ceremony)}
    certificates = [by_award[item.award.pk] for item in presented]
    records = list(AuditRecord.objects.filter(action="certificate.issue").order_by("seq"))
    assert [
        (r.target_type, r.target_id, r.actor, r.nomination_id, r.edition_id, r.new) for r in records
    ] == [
        (
            "ceremonies.certificate",
            str(c.pk),
            "sekretariat@example.test",
            c.nomination_id,
            edition.pk,
            {
                "serial": c.serial,
                "award": c.award_id,
                "title": c.title,
                "recipient": c.recipient,
                "region": c.region,
                "category_name": c.category_name,
            },
        )
        for c in certificates
    ]
    assert [r.seq for r in records] == list(range(records[0].seq, records[0].seq + 6))
    assert sorted(batch.certificates.values_list("pk", flat=True)) == sorted(
        c.pk for c in by_award.values()
    )
    assert batch.total == 6
    assert all(c.issued_by == admin and c.issued_at is not None for c in certificates)
    assert audit_verify().intact


def test_issuing_again_records_only_the_new_certificates(regions, admin):
    edition = _edition_with_awards(3)
    ceremony = ceremony_of(edition)
    services.certificates_issue(actor=admin, ceremony=ceremony)
    first = set(Certificate.objects.values_list("serial", flat=True))
    _more_awards(edition, 2)

    batch = services.certificates_issue(actor=admin, ceremony=ceremony)

    issued = AuditRecord.objects.filter(action="certificate.issue").order_by("seq")
    serials = [r.new["serial"] for r in issued]
    assert len(serials) == 5 and set(serials[:3]) == first
    assert set(serials[3:]) == set(Certificate.objects.values_list("serial", flat=True)) - first
    assert batch.total == 5
    assert audit_verify().intact


def test_the_queries_of_an_issue_do_not_grow_with_the_awards(
    regions, admin, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    edition = _edition_with_awards(1)
    ceremony = ceremony_of(edition)
    services.certificates_issue(actor=admin, ceremony=ceremony)
    _more_awards(edition, 2)
    with CaptureQueriesContext(connection) as few:
        services.certificates_issue(actor=admin, ceremony=ceremony)
    _more_awards(edition, 20)

    with django_assert_num_queries(len(few.captured_queries)):
        batch = services.certificates_issue(actor=admin, ceremony=ceremony)
    assert batch.total == 23


def test_new_serials_differ_from_each_other_and_from_those_issued(regions, monkeypatch):
    edition = _edition_with_awards(1)
    services.certificates_issue(actor=None, ceremony=ceremony_of(edition))
    taken = Certificate.objects.get().serial
    drawn = iter([taken, "PRT-2031-N-AAAAAAAA", "PRT-2031-N-AAAAAAAA", "PRT-2031-N-BBBBBBBB"])
    monkeypatch.setattr(services, "_new_serial", lambda edition, province: next(drawn))

    serials = services._new_serials(edition, None, 2)

    assert sorted(serials) == ["PRT-2031-N-AAAAAAAA", "PRT-2031-N-BBBBBBBB"]


def test_one_task_per_certificate_is_sent_in_order_once_committed(
    regions, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(
        tasks.generate_certificate, "delay", lambda **kwargs: sent.append(kwargs["certificate_id"])
    )
    edition = _edition_with_awards(4)
    ceremony = ceremony_of(edition)

    with django_capture_on_commit_callbacks(execute=True):
        services.certificates_issue(actor=None, ceremony=ceremony)
        assert sent == []

    by_award = {c.award_id: c.pk for c in Certificate.objects.all()}
    assert sent == [by_award[item.award.pk] for item in selectors.presented_awards(ceremony)]
