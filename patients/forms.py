from __future__ import annotations

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.validators import MaxLengthValidator
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _

from accounts import languages
from diary_core.fields import LocalDateTimeField, past_wall_time
from patients.mail import account_email_queue
from patients.models import (
    QUIET_END,
    QUIET_START,
    AccountEmail,
    Injection,
    Patient,
    User,
    in_quiet_hours,
)
from patients.timezones import ZoneChoiceField


class SettingsForm(forms.ModelForm):
    # The person's own language: their pages and every e-mail to them (accounts/languages.py).
    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
        required=False,  # a form sent without it keeps the language as it is
        help_text=_("Your pages and the e-mails we send you use this language."),
    )
    timezone = forms.ChoiceField(
        label=_("Your time zone"),
        error_messages={
            "invalid_choice": _("Please pick your country and the nearest city from the list.")
        },
    )

    class Meta:
        model = Patient
        fields = ["temperature_unit", "timezone", "reminders_enabled", "reminder_time"]
        labels = {
            "temperature_unit": _("Temperature unit"),
            "reminders_enabled": _("Send me a daily reminder if I have not filled in my diary"),
            "reminder_time": _("Reminder time"),
        }
        widgets = {
            "temperature_unit": forms.RadioSelect,
            "reminder_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def clean_reminder_time(self):
        value = self.cleaned_data["reminder_time"]
        if value is not None and in_quiet_hours(value):
            raise forms.ValidationError(
                _(
                    "Please choose a time between %(start)s and %(end)s; we do not send "
                    "reminders at night."
                )
                % {"start": QUIET_END.strftime("%H:%M"), "end": QUIET_START.strftime("%H:%M")}
            )
        return value

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # By country and city; a zone saved before that is no longer offered stays choosable.
        current = self.instance.timezone if self.instance.pk else None
        if self.instance.pk:
            self.fields["language"].initial = languages.language_of(self.instance.user)
        self.fields["timezone"] = ZoneChoiceField(
            current=current,
            label=self.fields["timezone"].label,
            error_messages=self.fields["timezone"].error_messages,
        )
        self.fields["timezone"].help_text = _(
            "Pick your country, then the city nearest to you that has the same time. Your "
            "reminders and the days in your diary follow it."
        )


# Longer than any password a person would type; a megabyte would only cost a hash.
PASSWORD_MAX_LENGTH = 1024


class LoginForm(AuthenticationForm):
    """Django's login form, with its bounds checked before anything is looked up: a
    username longer than any account's never reaches the lockout's records (it answered
    500), and a password of a megabyte is never hashed. What was typed in the username
    stays in the box."""

    def __init__(self, request=None, *args, **kwargs) -> None:
        super().__init__(request, *args, **kwargs)
        longest = self.fields["username"].max_length or 150
        self.fields["username"].validators.append(
            MaxLengthValidator(
                longest,
                _("A username has at most %(limit)d characters. Check what you typed.")
                % {"limit": longest},
            )
        )
        self.fields["password"].validators.append(
            MaxLengthValidator(
                PASSWORD_MAX_LENGTH,
                _("That is longer than any password here. Check what you typed."),
            )
        )


class AccountPasswordResetForm(PasswordResetForm):
    """ "Forgotten your password?": for every active account with that address, including an
    invited one that never chose a password (Django's own form skips those). The e-mail goes
    through the account-mail outbox, with its link made when it is sent."""

    email = forms.EmailField(
        label=_("E-mail"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def get_users(self, email):
        return User.objects.filter(email__iexact=email.strip(), is_active=True)

    def save(self, **kwargs) -> None:
        for user in self.get_users(self.cleaned_data["email"]):
            account_email_queue(user, AccountEmail.Kind.PASSWORD_RESET)


class InjectionForm(forms.Form):
    """One dose. `client_key` makes a double tap or a retry log one dose; the "are you
    sure?" is answered with the confirm button, whose value is the time it asked about."""

    # Not required: a page cached before the key existed still saves (without the key).
    client_key = forms.UUIDField(widget=forms.HiddenInput, required=False)
    given_at = LocalDateTimeField(label=_("When did you inject?"))
    site = forms.ChoiceField(
        label=_("Where?"), choices=Injection.Site.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, zone, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.now = now or dj_timezone.now()

    def clean_given_at(self):
        value = self.cleaned_data["given_at"]
        value = past_wall_time(value, self.zone, now=self.now)
        if value < self.now - timedelta(days=365):
            raise forms.ValidationError(_("Please enter an injection from the last year."))
        return value

    def confirmed(self) -> bool:
        """The patient pressed "Yes, save it" for the very time the question was about;
        a time changed since then is asked about afresh."""
        answer = self.data.get("confirm", "")
        return bool(answer) and answer == self.data.get(self.add_prefix("given_at"), "")
