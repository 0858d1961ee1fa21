"""The forms of a patient's care settings (team/care_views.py): quiet, pause, discharge."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from alerts.models import AlertRule, Level, Quieting
from patients.care import MAX_PAUSE_DAYS


class QuietForm(forms.Form):
    """One rule or one symptom (a single choice: "rule:ID" or "symptom:code")."""

    # A select whose value is checked in clean_subject, so that a refused choice (an URGENT
    # rule) gets its own message rather than "not one of the available choices".
    subject = forms.CharField(label=_("What to quiet"), widget=forms.Select)
    reason = forms.CharField(
        label=_("Reason (kept with every quieted alert)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    days = forms.IntegerField(
        label=_("For how many days"),
        min_value=1,
        max_value=Quieting.MAX_DAYS,
        initial=Quieting.DEFAULT_DAYS,
        help_text=_("At most %(max)s days. It ends by itself; you can lift it sooner.")
        % {"max": Quieting.MAX_DAYS},
    )

    def __init__(self, *args, rules: list[AlertRule], symptoms: list, **kwargs) -> None:
        # The care page holds three forms with a "reason" each: ids of their own, so each
        # label names its own field (for a click and for a screen reader).
        kwargs.setdefault("auto_id", "quiet-%s")
        super().__init__(*args, **kwargs)
        self.rules = {row.rule_id: row for row in rules}
        self.symptoms = {s.code: s for s in symptoms}
        self.fields["subject"].widget.choices = [
            ("", _("Choose a rule or a symptom")),
            (
                _("A rule (never an URGENT one)"),
                [
                    (f"rule:{row.rule_id}", f"{row.title} ({row.get_level_display()})")
                    for row in rules
                ],
            ),
            (
                _("A symptom (never hides a fever or an URGENT rule)"),
                [(f"symptom:{s.code}", s.label) for s in symptoms],
            ),
        ]

    def clean_subject(self) -> str:
        value = self.cleaned_data["subject"]
        kind, _sep, name = value.partition(":")
        if kind == "rule" and (name not in self.rules or self.rules[name].level == Level.URGENT):
            if AlertRule.objects.filter(rule_id=name, level=Level.URGENT).exists():
                raise forms.ValidationError(_("URGENT rules can never be quieted."))
        if kind == "rule" and name in self.rules:
            return value
        if kind == "symptom" and name in self.symptoms:
            return value
        raise forms.ValidationError(_("Choose a rule or a symptom from the list."))

    @property
    def rule(self) -> AlertRule | None:
        kind, _sep, name = self.cleaned_data["subject"].partition(":")
        return self.rules[name] if kind == "rule" else None

    @property
    def symptom_code(self) -> str:
        kind, _sep, name = self.cleaned_data["subject"].partition(":")
        return name if kind == "symptom" else ""


class PauseForm(forms.Form):
    resume_on = forms.DateField(
        label=_("Reminders start again on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("At most %(max)s days from today.") % {"max": MAX_PAUSE_DAYS},
    )
    reason = forms.CharField(label=_("Reason (for example holiday, hospital stay)"), max_length=200)

    def __init__(self, *args, today: date, **kwargs) -> None:
        kwargs.setdefault("auto_id", "pause-%s")
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_resume_on(self) -> date:
        day = self.cleaned_data["resume_on"]
        if day <= self.today:
            raise forms.ValidationError(_("Choose a day after today."))
        if day > self.today + timedelta(days=MAX_PAUSE_DAYS):
            raise forms.ValidationError(
                _("A pause lasts at most %(max)s days.") % {"max": MAX_PAUSE_DAYS}
            )
        return day


class DischargeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for discharge"), max_length=200)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "discharge-%s")
        super().__init__(*args, **kwargs)

    confirm = forms.BooleanField(
        label=_(
            "I understand: reminders and the missed-diary checks stop, and the patient can no "
            "longer add entries. They are told to contact their GP, 111 or 999."
        )
    )


class UndoDischargeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the patient comes back into care"),
        max_length=80,
        help_text=_("Kept in the patient's history with your name."),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "undo-%s")
        super().__init__(*args, **kwargs)
