"""Forms of the jury's pages: an interview's schedule and record, a special award and its
withdrawal. Thin: they parse the input; scoring.services decides."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .enums import Attendance


class InterviewScheduleForm(forms.Form):
    scheduled_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    video_link = forms.URLField(
        label=_("Video link"), required=False, max_length=500, assume_scheme="https"
    )


class InterviewRecordForm(forms.Form):
    attendance = forms.ChoiceField(
        label=_("Highest official attending"),
        choices=Attendance.choices,
        widget=forms.RadioSelect,
        help_text=_("Sets the attendance factor applied to the interview criterion."),
    )
    attendee = forms.CharField(
        label=_("Who attended"), max_length=300, help_text=_("Name and position.")
    )
    minutes = forms.CharField(
        label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )


class SpecialAwardForm(forms.Form):
    nomination = forms.ModelChoiceField(label=_("Recipient"), queryset=None)
    title = forms.CharField(label=_("Title of the award"), max_length=200)
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, nominations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nomination"].queryset = nominations
        self.fields["nomination"].label_from_instance = lambda n: (
            f"{n.candidate.name} — {n.category.name}"
        )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawing"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
