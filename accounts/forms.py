from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from .models import ApiTokenScope


class ApiTokenForm(forms.Form):
    """A new personal API token: a name to recognise it by, its scope, its edition and how many
    days it lasts."""

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the name of the integration."),
    )
    scope = forms.ChoiceField(
        label=_("Scope"), choices=ApiTokenScope.choices, initial=ApiTokenScope.READ
    )
    edition = forms.ModelChoiceField(
        label=_("Edition"),
        queryset=None,
        empty_label=None,
        help_text=_("The token reaches this edition's data only."),
    )
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1)

    def __init__(self, *args, **kwargs):
        from candidates.models import Edition  # accounts is the lowest app

        super().__init__(*args, **kwargs)
        self.fields["edition"].queryset = Edition.objects.order_by("-year")
        self.fields["days"].validators.append(MaxValueValidator(settings.API_TOKEN_MAX_DAYS))
        self.fields["days"].widget.attrs["max"] = settings.API_TOKEN_MAX_DAYS
        self.fields["days"].initial = settings.API_TOKEN_DAYS
        self.fields["days"].help_text = _("At most %(max)d days.") % {
            "max": settings.API_TOKEN_MAX_DAYS
        }
