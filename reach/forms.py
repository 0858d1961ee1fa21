"""The forms of the "Notifications" page's parts."""

from __future__ import annotations

import phonenumbers
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from reach import sms
from reach.models import Phone
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
