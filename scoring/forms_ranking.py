"""Forms of the ranking pages: the chair's order for a still-tied group, the confirmations of
a finalisation and of a juror's agreement, and the reason for reopening a finalised ranking.
Thin: they parse and check the input; scoring.services decides."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .enums import StageKind


def _reason_field(label, help_text):
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason.")},
    )


def parse_ids(raw: str) -> list[int] | None:
    """The sorted primary keys of a comma-separated list, or None when it is not one."""
    try:
        ids = sorted(int(part) for part in (raw or "").split(","))
    except ValueError:
        return None
    return ids if ids and len(set(ids)) == len(ids) else None


class TieDecisionForm(forms.Form):
    """One position per nominee of a still-tied group (1 = ranked first within the tie) and
    the reason for the order. `nominees` travels with the form so that the page knows which
    group it orders; the service checks that it is exactly one of the current ties."""

    nominees = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, nominations, **kwargs):
        nominations = list(nominations)
        # Several ties may be ordered on one page: their fields' ids must differ.
        kwargs.setdefault("auto_id", f"tie-{min(n.pk for n in nominations)}-%s")
        super().__init__(*args, **kwargs)
        self.nominations = nominations
        size = len(self.nominations)
        choices = [(i, str(i)) for i in range(1, size + 1)]
        self.fields["nominees"].initial = ",".join(str(n.pk) for n in self.nominations)
        for index, nomination in enumerate(self.nominations, start=1):
            self.fields[self.position_name(nomination)] = forms.TypedChoiceField(
                label=_("Position of %(candidate)s") % {"candidate": nomination.candidate.name},
                choices=choices,
                coerce=int,
                initial=index,
            )
        self.fields["reason"] = _reason_field(
            _("Reason for this order"),
            _("Recorded with the decision and kept on the finalised ranking."),
        )

    @staticmethod
    def position_name(nomination) -> str:
        return f"position_{nomination.pk}"

    @property
    def position_fields(self):
        return [self[self.position_name(n)] for n in self.nominations]

    def clean(self):
        cleaned = super().clean()
        if parse_ids(cleaned.get("nominees", "")) != sorted(n.pk for n in self.nominations):
            raise ValidationError(_("Order exactly the nominees of one tie, each once."))
        names = [self.position_name(n) for n in self.nominations]
        positions = [cleaned.get(name) for name in names]
        if None in positions:
            return cleaned
        for name, position in zip(names, positions, strict=True):
            if positions.count(position) > 1:
                self.add_error(name, _("Give each nominee a different position."))
        return cleaned

    @property
    def order(self) -> list:
        """The nominations, first = better, once the form is valid."""
        return sorted(self.nominations, key=lambda n: self.cleaned_data[self.position_name(n)])


class ReopenForm(forms.Form):
    reason = _reason_field(
        _("Reason for reopening"),
        _(
            "Kept on the finalised ranking, which stays on the record; its nominees go back to "
            "verified and lose their labels."
        ),
    )


# What finalising freezes and sets going, said before the chair does it (the box's label).
_FINALISE_CONSEQUENCES = {
    StageKind.PROVINCIAL_ASSESSMENT: _(
        "I confirm: finalise the ranking of %(category)s. Its scores, totals and ranks are "
        "frozen, the nominees within the quota advance to the national round, and only the "
        "chair or the secretariat can reopen it, with a reason."
    ),
    StageKind.NATIONAL_SELECTION: _(
        "I confirm: finalise the national selection of %(category)s. Its scores, totals and "
        "ranks are frozen, the nominees within the quota become finalists, and only the chair "
        "or the secretariat can reopen it, with a reason."
    ),
    StageKind.NATIONAL_RESULT: _(
        "I confirm: finalise the national result of %(category)s. Its totals, ranks and labels "
        "are frozen and go to every juror for confirmation; the awards are given once all have "
        "confirmed, and only the chair or the secretariat can reopen it, with a reason."
    ),
}


class FinaliseForm(forms.Form):
    """The chair's confirmation before a ranking is finalised: nothing is frozen until the box
    saying what follows is ticked (the API's caller confirms by calling)."""

    confirm = forms.BooleanField(
        error_messages={"required": _("Tick the box to confirm the finalisation.")}
    )

    def __init__(self, *args, category, kind: StageKind, **kwargs):
        kwargs.setdefault("auto_id", f"finalise-{category.pk}-%s")
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = _FINALISE_CONSEQUENCES[kind] % {"category": category.name}


class ConfirmForm(forms.Form):
    """A juror's confirmation of the finalised national result, asked before it is recorded."""

    confirm = forms.BooleanField(
        label=_(
            "I confirm: this ranking is the jury's decision. My confirmation stands unless the "
            "chair reopens the ranking; once every juror has confirmed, it is signed off and the "
            "awards are given from it."
        ),
        error_messages={"required": _("Tick the box to confirm the ranking.")},
    )

    def __init__(self, *args, category, **kwargs):
        kwargs.setdefault("auto_id", f"confirm-{category.pk}-%s")
        super().__init__(*args, **kwargs)
