"""Browser forms of the panel's pages. They parse what was typed; the scoring services decide
(score ranges, required notes and reasons, deadlines) and their messages are put back at the
field they concern."""

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Decision:
    VERIFY = "verify"
    RETURN = "return"
    INELIGIBLE = "ineligible"

    ALL = (VERIFY, RETURN, INELIGIBLE)


class VerificationForm(forms.Form):
    """One verification decision on one dossier. Rendered three times per dossier (verify,
    return, ineligible), each with its own element ids; the field names stay plain."""

    decision = forms.ChoiceField(
        choices=[
            (Decision.VERIFY, pgettext_lazy("verification decision", "Verify")),
            (Decision.RETURN, pgettext_lazy("verification decision", "Return for correction")),
            (Decision.INELIGIBLE, pgettext_lazy("verification decision", "Ineligible")),
        ],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to the branch office with the dossier."),
    )
    deadline = forms.DateField(
        label=_("Correct and resubmit by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"],
        error_messages={"invalid": _("Give a date such as 2030-08-17.")},
    )
    # Verifying cannot be undone by the member who does it: the page asks first and says what
    # follows (the API's caller confirms by calling).
    confirm = forms.BooleanField(
        label=_(
            "I confirm: the dossier is verified. Its data are frozen and it goes on to be "
            "scored; only the panel's chair can correct the decision, with a reason, while "
            "verification is open."
        ),
        required=False,
    )

    def __init__(self, *args, nomination, decision: str, **kwargs):
        # `decision` is one of Decision.ALL, checked by the view: it names the element ids.
        kwargs.setdefault("auto_id", f"id_%s_{nomination.pk}_{decision}")
        kwargs.setdefault("initial", {"decision": decision})
        super().__init__(*args, **kwargs)
        self.nomination = nomination
        self.decision = decision
        tomorrow = timezone.localdate() + timedelta(days=1)
        self.fields["deadline"].widget.attrs["min"] = tomorrow.isoformat()

    def clean(self):
        cleaned = super().clean()
        if self.decision == Decision.VERIFY and not cleaned.get("confirm"):
            self.add_error("confirm", _("Tick the box to confirm the verification."))
        return cleaned


class VerificationCorrectionForm(forms.Form):
    """The chair's correction of a verification decision taken by mistake: the reason is
    recorded with the dossier's return to those waiting for verification."""

    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded with the correction and shown in the dossier's history."),
        error_messages={"required": _("Give a reason.")},
    )

    def __init__(self, *args, nomination, **kwargs):
        kwargs.setdefault("auto_id", f"id_%s_{nomination.pk}_correct")
        super().__init__(*args, **kwargs)
        self.nomination = nomination


class ScoresheetForm(forms.Form):
    """An assessor's scores for one nominee: per judged criterion a value (0–100, typed as
    text so that 87,5 works as well as 87.5) and a note; `reason` once the sheet is submitted."""

    def __init__(self, *args, criteria, submitted: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        self.submitted = submitted
        for criterion in self.criteria:
            self.fields[f"value_{criterion.code}"] = forms.CharField(
                label=_("Score (0–100)"),
                required=False,
                max_length=20,
                widget=forms.TextInput(
                    attrs={"inputmode": "decimal", "autocomplete": "off", "size": 8}
                ),
            )
            self.fields[f"note_{criterion.code}"] = forms.CharField(
                label=_("Note explaining the score"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        if submitted:
            self.fields["reason"] = forms.CharField(
                label=_("Reason for changing a submitted score"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Required when you change a submitted score; kept with the change."),
            )

    def groups(self):
        """(criterion, value field, note field, errors) per judged criterion, in order."""
        groups = []
        for c in self.criteria:
            errors = self.criterion_errors(c)
            if errors:
                # The criterion's messages sit above both inputs; screen readers read them
                # with either.
                for name in (f"value_{c.code}", f"note_{c.code}"):
                    attrs = self.fields[name].widget.attrs
                    attrs.update({"aria-invalid": "true", "aria-describedby": f"errors-{c.code}"})
            groups.append(
                {
                    "criterion": c,
                    "value": self[f"value_{c.code}"],
                    "note": self[f"note_{c.code}"],
                    "errors": errors,
                }
            )
        return groups

    def criterion_errors(self, criterion) -> list[str]:
        return [
            *self.errors.get(f"value_{criterion.code}", []),
            *self.errors.get(f"note_{criterion.code}", []),
        ]

    def score_inputs(self) -> dict:
        from .services import ScoreInput

        return {
            c.pk: ScoreInput(
                self.cleaned_data.get(f"value_{c.code}", ""),
                self.cleaned_data.get(f"note_{c.code}", ""),
            )
            for c in self.criteria
        }

    def add_service_errors(self, error: ValidationError) -> None:
        """The service keys score errors by criterion code; they go to that criterion's value."""
        codes = {c.code for c in self.criteria}
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                self.add_error(None, message)
            return
        for key, messages in error.message_dict.items():
            field = f"value_{key}" if key in codes else key
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


class ConflictForm(forms.Form):
    nomination = forms.ModelChoiceField(
        label=_("Nominee"),
        queryset=None,
        empty_label=_("Choose the nominee"),
        error_messages={"invalid_choice": _("Choose a nominee before your panel.")},
    )
    reason = forms.CharField(
        label=_("What is the conflict of interest?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The chair sees the reason; your scores for this nominee will not count."),
    )

    def __init__(self, *args, nominations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nomination"].queryset = nominations
        self.fields["nomination"].label_from_instance = lambda n: (
            f"{n.candidate.name} — {n.category.name}"
        )


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's messages at the form's fields, the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
