"""The forms of the "Notifications" page's parts: the phone for text messages, and the
preferences (what to get on which channel, and quiet hours for staff; the choices
themselves are reach/choices.py's)."""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from django import forms
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from diary_core.outbox import Channel
from reach import sms
from reach.choices import DEFAULT_ON, LOCKED, OFFERED, reachable
from reach.models import PATIENT_TOPICS, STAFF_TOPICS, Phone, Preference, QuietHours, Topic
from reach.phones import CODE_LIFETIME, code_pending


def team_region(user) -> str | None:
    """The country of the person's care team(s), when they are all in one: a number may
    then be typed as at home ("07700 900123"). Read by name (`team_memberships`, the
    reverse of patients.CareTeamMembership.user): this app never imports the models above it.
    """
    countries = set(user.team_memberships.values_list("team__country", flat=True))
    return countries.pop() if len(countries) == 1 else None


class PhoneForm(forms.Form):
    """A mobile number, stored in E.164: at home in the team's country, else in
    international format (+ and the country code)."""

    number = PhoneNumberField(
        label=_("Mobile number"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"type": "tel", "autocomplete": "tel", "class": "form-control", "size": 20}
        ),
    )

    def __init__(self, *args, region: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["number"]
        field.region = region
        sample = region and phonenumbers.example_number_for_type(
            region, phonenumbers.PhoneNumberType.MOBILE
        )
        if sample:
            example = phonenumbers.format_number(sample, phonenumbers.PhoneNumberFormat.NATIONAL)
            field.help_text = gettext(
                "Your mobile number, e.g. %(example)s. A number from another country "
                "starts with + and its country code."
            ) % {"example": example}
            field.error_messages["invalid"] = gettext(
                "This is not a mobile number we can text. Check it, e.g. %(example)s."
            ) % {"example": example}
        else:
            field.help_text = gettext(
                "Your mobile number in international format: + and the country code, "
                "e.g. +44 7400 123456."
            )
            field.error_messages["invalid"] = gettext(
                "This is not a mobile number we can text. Type it with + and the country "
                "code, e.g. +44 7400 123456."
            )
        field.error_messages["required"] = gettext("Type your mobile number.")

    def clean_number(self):
        number = self.cleaned_data["number"]
        kind = phonenumbers.number_type(number)
        if kind in (
            phonenumbers.PhoneNumberType.FIXED_LINE,
            phonenumbers.PhoneNumberType.TOLL_FREE,
            phonenumbers.PhoneNumberType.PREMIUM_RATE,
            phonenumbers.PhoneNumberType.SHARED_COST,
        ):
            raise forms.ValidationError(
                _("This looks like a landline. Text messages need a mobile number."),
                code="not_mobile",
            )
        return number


class CodeForm(forms.Form):
    """The 6-digit code sent by text (spaces and dashes are forgiven)."""

    code = forms.CharField(
        label=_("Code from the text message"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "class": "form-control",
                "size": 8,
            }
        ),
        error_messages={"required": _("Type the 6-digit code from the text message.")},
    )

    def clean_code(self) -> str:
        code = "".join(ch for ch in self.cleaned_data["code"] if ch not in " -")
        if not (len(code) == 6 and code.isdigit()):
            raise forms.ValidationError(_("The code has 6 digits, e.g. 123456."), code="not_a_code")
        return code


def phone_part(user) -> dict:
    """What templates/reach/_phone.html needs (nothing for a patient or caregiver)."""
    if not user.is_clinic_staff:
        return {}
    phone = Phone.objects.filter(user=user).first()
    return {
        "sms_on": sms.is_on(),
        "phone": phone,
        "phone_code_pending": phone is not None and code_pending(phone),
        "phone_form": PhoneForm(
            region=team_region(user),
            initial={"number": phone.number.as_international} if phone is not None else None,
        ),
        "code_form": CodeForm(),
        "code_minutes": int(CODE_LIFETIME.total_seconds() // 60),
    }


# Preferences -----------------------------------------------------------------------

# Why a box cannot be unticked, said next to it.
LOCKED_WHY = {
    Topic.URGENT: _("Always on for URGENT"),
    Topic.ON_CALL: _("Always on while you are on call"),
}
# What to do first when a channel cannot reach the person yet.
UNREACHABLE_HINT = {
    Channel.PUSH: _("Turn on notifications on this device first"),
    Channel.SMS: _("Add and confirm a mobile number first"),
}


def topics_for(user) -> tuple[str, ...]:
    """The topics a person chooses for: a patient's own messages; the team's for clinic
    staff. A caregiver gets none: every message about a diary goes to the patient's own
    account (the reminders, "your team has seen this"), so a choice here would change
    nothing."""
    if user.is_clinic_staff:
        return STAFF_TOPICS
    if user.role == "patient":
        return PATIENT_TOPICS
    return ()


def field_name(topic: str, channel: str) -> str:
    return f"{topic}__{channel}"


@dataclass(frozen=True)
class Box:
    """One checkbox as the template lays it out."""

    field: forms.BoundField
    locked_why: str
    hint: str


class PreferencesForm(forms.Form):
    """A checkbox per topic and channel it is offered on; locked ones ticked and fixed.
    Staff also set quiet hours (from, until), kept in `zone`."""

    quiet_start = forms.TimeField(
        label=_("Quiet from"),
        required=False,
        widget=forms.TimeInput(
            attrs={"type": "time", "class": "form-control", "aria-describedby": "quiet-help"},
            format="%H:%M",
        ),
    )
    quiet_end = forms.TimeField(
        label=_("Quiet until"),
        required=False,
        widget=forms.TimeInput(
            attrs={"type": "time", "class": "form-control", "aria-describedby": "quiet-help"},
            format="%H:%M",
        ),
    )

    def __init__(self, *args, user, zone: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user, self.zone = user, zone
        self.topics = topics_for(user)
        self.with_quiet_hours = user.is_clinic_staff
        if not self.with_quiet_hours:
            del self.fields["quiet_start"], self.fields["quiet_end"]
        else:
            quiet = QuietHours.objects.filter(user=user).first()
            if quiet is not None:
                self.initial.setdefault("quiet_start", quiet.start)
                self.initial.setdefault("quiet_end", quiet.end)
        chosen = {
            (topic, channel): enabled
            for topic, channel, enabled in Preference.objects.filter(
                user=user, topic__in=self.topics
            ).values_list("topic", "channel", "enabled")
        }
        self.reachable = reachable(user.pk) if self.topics else set()
        for topic in self.topics:
            locked = LOCKED.get(topic, frozenset())
            for channel in OFFERED[topic]:
                is_locked = channel in locked
                self.fields[field_name(topic, channel)] = forms.BooleanField(
                    label=Channel(channel).label,
                    required=False,
                    disabled=is_locked,
                    initial=is_locked or chosen.get((topic, channel), channel in DEFAULT_ON[topic]),
                )

    def clean(self):
        data = super().clean()
        if self.with_quiet_hours:
            start, end = data.get("quiet_start"), data.get("quiet_end")
            if (start is None) != (end is None) and not self.errors:
                self.add_error(
                    "quiet_end" if end is None else "quiet_start",
                    _("Give both times, or leave both empty for no quiet hours."),
                )
            elif start is not None and start == end:
                self.add_error("quiet_end", _("The two times must differ."))
        return data

    def groups(self) -> list[tuple[str, str, list[Box]]]:
        """For the template: (topic, its words, its boxes), in the topics' order."""
        out = []
        for topic in self.topics:
            locked = LOCKED.get(topic, frozenset())
            boxes = [
                Box(
                    field=self[field_name(topic, channel)],
                    locked_why=LOCKED_WHY.get(topic, "") if channel in locked else "",
                    hint=""
                    if channel in self.reachable
                    else str(UNREACHABLE_HINT.get(channel, "")),
                )
                for channel in OFFERED[topic]
            ]
            out.append((topic, Topic(topic).label, boxes))
        return out

    @transaction.atomic
    def save(self) -> None:
        """Write the person's choice for every box they may change (one statement), and
        their quiet hours."""
        rows = [
            Preference(
                user=self.user,
                topic=topic,
                channel=channel,
                enabled=bool(self.cleaned_data[field_name(topic, channel)]),
            )
            for topic in self.topics
            for channel in OFFERED[topic]
            if channel not in LOCKED.get(topic, frozenset())
        ]
        if rows:
            Preference.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["user", "topic", "channel"],
                update_fields=["enabled"],
            )
        if self.with_quiet_hours:
            start, end = self.cleaned_data["quiet_start"], self.cleaned_data["quiet_end"]
            if start is None:
                QuietHours.objects.filter(user=self.user).delete()
            else:
                QuietHours.objects.update_or_create(
                    user=self.user, defaults={"start": start, "end": end, "zone": self.zone}
                )
