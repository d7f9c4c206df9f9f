"""Forms of the secretariat's ceremony pages. Thin: they parse the input; ceremonies.services
decides (place or video link, the number of signatories, an https video link)."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from candidates.models import Province

from .services import Person


class PublishForm(forms.Form):
    """Publish an edition's national results (no province) or one province's results."""

    province = forms.ModelChoiceField(
        queryset=Province.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Unknown province.")},
    )
    confirm = forms.BooleanField(
        label=_("I confirm: the results become public at once, for everyone."),
        error_messages={"required": _("Tick the box to confirm the publication.")},
    )


def people_lines(people) -> str:
    return "\n".join(f"{p.name}, {p.position}" for p in people)


def _parse_people(text: str) -> list[Person]:
    """One person a line, "Name, Position". The position is what follows the last comma, so
    a name may carry its degrees ("Budi Santoso, S.H., M.H., Gubernur")."""
    people, errors = [], []
    lines = [line.strip() for line in (text or "").splitlines()]
    for number, line in enumerate((line for line in lines if line), start=1):
        name, comma, position = line.rpartition(",")
        if not comma or not name.strip() or not position.strip():
            errors.append(
                forms.ValidationError(
                    _("Line %(number)d (“%(line)s”): write the name, a comma, then the position."),
                    params={"number": number, "line": line},
                )
            )
            continue
        people.append(Person(name.strip(), position.strip()))
    if errors:
        raise forms.ValidationError(errors)
    return people


_PEOPLE_HELP = _(
    "One person a line: name, a comma, then the position "
    "(e.g. “Ridwan Kamil, Gubernur Jawa Barat”)."
)


class CeremonyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    place = forms.CharField(
        label=_("Place"),
        max_length=300,
        required=False,
        help_text=_("Where the awards are handed over; or give a video link, or both."),
    )
    video_link = forms.URLField(
        label=_("Video link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("For a ceremony held by video conference; starts with https://."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    handing_over = forms.CharField(
        label=_("Officials who hand the awards over"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_PEOPLE_HELP,
    )
    signatories = forms.CharField(
        label=_("Signatories of the certificates"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=format_lazy(
            "{} {}", _("At most three, in the order they are printed."), _PEOPLE_HELP
        ),
    )

    def clean_handing_over(self):
        return _parse_people(self.cleaned_data["handing_over"])

    def clean_signatories(self):
        return _parse_people(self.cleaned_data["signatories"])

    @classmethod
    def initial_for(cls, ceremony) -> dict:
        officials = list(ceremony.officials.all())
        return {
            "title": ceremony.title,
            "held_on": ceremony.held_on,
            "place": ceremony.place,
            "video_link": ceremony.video_link,
            "notes": ceremony.notes,
            "handing_over": people_lines(o for o in officials if o.hands_over),
            "signatories": people_lines(o for o in officials if o.signs),
        }


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revoking"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the public verification page with the date of revocation."),
        error_messages={"required": _("Give the reason for revoking the certificate.")},
    )


class RerenderForm(forms.Form):
    """Render a ceremony's certificates again (services.certificates_rerender)."""

    confirm = forms.BooleanField(
        label=_(
            "I confirm: every certificate of this ceremony that is not revoked gets a new PDF "
            "with the same serial number, replacing the file given out so far."
        ),
        error_messages={"required": _("Tick the box to confirm rendering the certificates again.")},
    )
