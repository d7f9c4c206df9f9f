"""A nomination's audit record, for the auditors and the chairs (SPEC §2)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from audit.actions import action_label

from . import selectors


def _lines(values: dict) -> list[tuple[str, str]]:
    return [(key, "—" if value in (None, "") else str(value)) for key, value in values.items()]


class NominationRecordView(LoginRequiredMixin, TemplateView):
    """Every recorded change to a nomination, its data, scores, ranking, awards and
    certificates, oldest first: who, when, what, old and new values, and why."""

    template_name = "candidates/nomination_record.html"

    def get_context_data(self, **kwargs):
        nomination = get_object_or_404(
            selectors.nominations_visible_to(self.request.user).select_related(
                "candidate__regency__province", "candidate__province", "category__edition"
            ),
            pk=self.kwargs["pk"],
        )
        if not self.request.user.has_perm("candidates.view_nomination_record", nomination):
            raise PermissionDenied
        entries = [
            {
                "record": record,
                "label": action_label(record.action),
                "old": _lines(record.old),
                "new": _lines(record.new),
            }
            for record in selectors.records_seen_by(self.request.user, nomination)
        ]
        return super().get_context_data(nomination=nomination, entries=entries, **kwargs)
