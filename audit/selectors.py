"""Reading the audit record: a nomination's history, and checking the whole chain."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import AuditHead, AuditRecord
from .services import GENESIS, hashed_values, record_hash


def records_of_nomination(nomination_id: int):
    """Every recorded change that concerns one nomination, oldest first."""
    return AuditRecord.objects.filter(nomination_id=nomination_id).order_by("seq")


@dataclass
class ChainCheck:
    records: int
    head: str
    problem: str = ""
    seq: int | None = None

    @property
    def intact(self) -> bool:
        return not self.problem


def audit_verify() -> ChainCheck:
    """Walk the chain in order and report the first record that was altered, inserted or
    deleted: an altered record no longer matches its hash; an inserted or deleted one breaks
    the numbering or the link to the previous hash; a deleted tail no longer reaches the
    head."""
    expected_seq, prev = 1, GENESIS
    count = 0
    for record in AuditRecord.objects.order_by("seq").iterator(chunk_size=2000):
        count += 1
        if record.seq > expected_seq:
            return ChainCheck(
                count,
                prev,
                _("Record no. %(first)s to no. %(last)s deleted (the chain jumps to no. %(seq)s).")
                % {"first": expected_seq, "last": record.seq - 1, "seq": record.seq},
                expected_seq,
            )
        if record.seq < expected_seq:
            return ChainCheck(
                count,
                prev,
                _("Record no. %(seq)s inserted (its number is used twice or out of order).")
                % {"seq": record.seq},
                record.seq,
            )
        if record_hash(hashed_values(record)) != record.hash:
            return ChainCheck(
                count,
                prev,
                _("Record no. %(seq)s altered (its content no longer matches its hash).")
                % {"seq": record.seq},
                record.seq,
            )
        if record.prev_hash != prev:
            return ChainCheck(
                count,
                prev,
                _(
                    "Record no. %(seq)s does not follow the record before it: a record was "
                    "inserted or deleted there, or the chain was rewritten from this point."
                )
                % {"seq": record.seq},
                record.seq,
            )
        prev = record.hash
        expected_seq += 1
    head = AuditHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if (head_seq, head_hash) != (expected_seq - 1, prev):
        return ChainCheck(
            count,
            prev,
            _(
                "The chain ends at record no. %(last)s but its head says no. %(head)s: records "
                "were added or deleted at the end, or the head was changed."
            )
            % {"last": expected_seq - 1, "head": head_seq},
            expected_seq,
        )
    return ChainCheck(count, prev)
