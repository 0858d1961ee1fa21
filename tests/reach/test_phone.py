"""A member of staff's number for texts: a code sent once (only its hash kept), typed back
to confirm it; wrong, old and used-up codes; limits on new codes; a changed number is not
confirmed; bad input answered on the page; nobody touches anyone else's number."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import check_password
from django.urls import reverse
from django.utils import timezone

from reach.models import Phone

pytestmark = pytest.mark.django_db

PAGE = reverse("reach:notifications")
SAVE = reverse("reach:phone_save")
VERIFY = reverse("reach:phone_verify")
RESEND = reverse("reach:phone_resend")
REMOVE = reverse("reach:phone_delete")
NUMBER = "+447400123456"
OTHER = "+447400123457"


def code_in(request) -> str:
    [code] = re.findall(r"\b\d{6}\b", request.form["Body"])
    return code


def last_code(sms_provider) -> str:
    return code_in(sms_provider.requests[-1])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def earlier(user, **delta) -> None:
    """Move the last code's sending back in time."""
    phone = Phone.objects.get(user=user)
    Phone.objects.filter(pk=phone.pk).update(code_sent_at=phone.code_sent_at - timedelta(**delta))


@pytest.fixture
def staff(client, alice, sms_provider):
    client.force_login(alice)
    return client


def test_saving_a_number_texts_one_code_and_keeps_only_its_hash(staff, alice, sms_provider):
    response = staff.post(SAVE, {"number": "07400 123456"})  # Team A is in the UK
    assert response.status_code == 302
    assert response.url == PAGE + "#phone"
    phone = Phone.objects.get(user=alice)
    assert str(phone.number) == NUMBER
    assert phone.verified_at is None
    [request] = sms_provider.requests
    assert request.form["To"] == NUMBER
    code = code_in(request)
    assert code not in phone.code_hash
    assert check_password(code, phone.code_hash)
    assert request.form["Body"] == (
        f"Kesimpta diary: your code is {code}. It works for 10 minutes."
    )


def test_the_right_code_confirms_the_number(staff, alice, sms_provider):
    staff.post(SAVE, {"number": NUMBER})
    response = staff.post(
        VERIFY, {"code": last_code(sms_provider)[:3] + " " + last_code(sms_provider)[3:]}
    )
    assert response.status_code == 302
    phone = Phone.objects.get(user=alice)
    assert phone.is_verified
    assert phone.code_hash == ""
    page = staff.get(PAGE).content.decode()
    assert "Confirmed" in page
    assert len(sms_provider.requests) == 1  # the code, once


def test_a_wrong_code_is_refused_on_the_page_and_counted(staff, alice, sms_provider):
    staff.post(SAVE, {"number": NUMBER})
    right = last_code(sms_provider)
    wrong = "000000" if right != "000000" else "111111"
    response = staff.post(VERIFY, {"code": wrong})
    assert response.status_code == 400
    page = response.content.decode()
    assert "That is not the code we sent" in page
    assert f'value="{wrong}"' in page  # what was typed is kept
    phone = Phone.objects.get(user=alice)
    assert (phone.verified_at, phone.code_tries) == (None, 1)
    staff.post(VERIFY, {"code": right})
    assert Phone.objects.get(user=alice).is_verified


def test_five_wrong_tries_void_the_code(staff, alice, sms_provider):
    staff.post(SAVE, {"number": NUMBER})
    right = last_code(sms_provider)
    wrong = "000000" if right != "000000" else "111111"
    for _try in range(4):
        assert staff.post(VERIFY, {"code": wrong}).status_code == 400
    response = staff.post(VERIFY, {"code": wrong})
    assert response.status_code == 302
    assert "no longer works" in " ".join(messages_of(response))
    response = staff.post(VERIFY, {"code": right})
    assert not Phone.objects.get(user=alice).is_verified
    assert "no code waiting" in " ".join(messages_of(response))


def test_a_code_older_than_ten_minutes_no_longer_works(staff, alice, sms_provider):
    staff.post(SAVE, {"number": NUMBER})
    earlier(alice, minutes=10)
    response = staff.post(VERIFY, {"code": last_code(sms_provider)})
    assert "more than 10 minutes old" in " ".join(messages_of(response))
    assert not Phone.objects.get(user=alice).is_verified


def test_a_code_that_is_not_six_digits_is_refused_with_what_was_typed(staff, alice, sms_provider):
    staff.post(SAVE, {"number": NUMBER})
    response = staff.post(VERIFY, {"code": "12a45"})
    assert response.status_code == 400
    assert "The code has 6 digits" in response.content.decode()
    assert 'value="12a45"' in response.content.decode()
    assert Phone.objects.get(user=alice).code_tries == 0  # not a try


def test_a_new_code_waits_a_minute_and_replaces_the_old_one(staff, alice, sms_provider):
    staff.post(SAVE, {"number": NUMBER})
    first = last_code(sms_provider)
    response = staff.post(RESEND)
    assert "less than a minute ago" in " ".join(messages_of(response))
    assert len(sms_provider.requests) == 1
    earlier(alice, minutes=1)
    staff.post(RESEND)
    assert len(sms_provider.requests) == 2
    second = last_code(sms_provider)
    if first != second:
        staff.post(VERIFY, {"code": first})
        assert not Phone.objects.get(user=alice).is_verified
    staff.post(VERIFY, {"code": second})
    assert Phone.objects.get(user=alice).is_verified


def test_at_most_five_codes_a_day(staff, alice, sms_provider):
    staff.post(SAVE, {"number": NUMBER})
    for _more in range(4):
        earlier(alice, minutes=1)
        staff.post(RESEND)
    assert len(sms_provider.requests) == 5
    earlier(alice, minutes=1)
    response = staff.post(RESEND)
    assert "5 codes today" in " ".join(messages_of(response))
    assert len(sms_provider.requests) == 5


def test_changing_the_number_clears_its_confirmation(staff, alice, sms_provider):
    Phone.objects.create(user=alice, number=NUMBER, verified_at=timezone.now())
    staff.post(SAVE, {"number": OTHER})
    phone = Phone.objects.get(user=alice)
    assert (str(phone.number), phone.verified_at) == (OTHER, None)
    [request] = sms_provider.requests
    assert request.form["To"] == OTHER


def test_saving_the_same_confirmed_number_sends_nothing(staff, alice, sms_provider):
    confirmed = timezone.now() - timedelta(days=3)
    Phone.objects.create(user=alice, number=NUMBER, verified_at=confirmed)
    response = staff.post(SAVE, {"number": "07400 123456"})
    assert "Nothing changed" in " ".join(messages_of(response))
    assert Phone.objects.get(user=alice).verified_at == confirmed
    assert sms_provider.requests == []


@pytest.mark.parametrize("status", [400, 500])
def test_a_code_the_provider_does_not_take_is_said_and_the_number_kept(
    staff, alice, sms_provider, status
):
    sms_provider.answer(status)
    response = staff.post(SAVE, {"number": NUMBER})
    assert "We could not send a code" in " ".join(messages_of(response))
    phone = Phone.objects.get(user=alice)
    assert (str(phone.number), phone.code_hash, phone.code_sent_at) == (NUMBER, "", None)
    # Asking again at once works (a failure does not count as the minute's code).
    staff.post(RESEND)
    assert len(sms_provider.requests) == 2
    assert Phone.objects.get(user=alice).code_hash


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("12ab", "not a mobile number we can text"),
        ("", "Type your mobile number"),
        ("+44 20 7946 0001", "This looks like a landline"),
    ],
)
def test_a_bad_number_is_answered_on_the_page_with_what_was_typed(
    staff, alice, sms_provider, typed, says
):
    response = staff.post(SAVE, {"number": typed})
    assert response.status_code == 400
    page = response.content.decode()
    assert says in page
    assert f'value="{typed}"' in page
    assert not Phone.objects.filter(user=alice).exists()
    assert sms_provider.requests == []


def test_without_a_team_the_number_must_be_international(client, dana, sms_provider):
    client.force_login(dana)
    response = client.post(SAVE, {"number": "07400 123456"})
    assert response.status_code == 400
    assert "international format" in response.content.decode()
    client.post(SAVE, {"number": "+44 7400 123456"})
    assert str(Phone.objects.get(user=dana).number) == NUMBER


def test_removing_the_number_stops_texts(staff, alice, sms_provider):
    Phone.objects.create(user=alice, number=NUMBER, verified_at=timezone.now())
    response = staff.post(REMOVE)
    assert response.status_code == 302
    assert not Phone.objects.filter(user=alice).exists()


def test_charlie_cannot_touch_alices_number(client, alice, charlie, sms_provider):
    """No URL names a phone: each view acts on the signed-in person's own."""
    client.force_login(alice)
    client.post(SAVE, {"number": NUMBER})
    before = Phone.objects.get(user=alice)
    code = last_code(sms_provider)
    client.force_login(charlie)
    client.post(VERIFY, {"code": code})
    client.post(RESEND)
    client.post(REMOVE)
    after = Phone.objects.get(user=alice)
    assert (after.number, after.verified_at, after.code_hash, after.code_tries) == (
        before.number,
        None,
        before.code_hash,
        0,
    )
    assert len(sms_provider.requests) == 1


def test_anonymous_people_are_sent_to_log_in(client, alice, sms_provider):
    Phone.objects.create(user=alice, number=NUMBER)
    for url in (SAVE, VERIFY, RESEND, REMOVE):
        response = client.post(url, {"number": OTHER, "code": "123456"})
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert str(Phone.objects.get(user=alice).number) == NUMBER
    assert sms_provider.requests == []


def test_a_patient_has_no_phone_part(client, bob, sms_provider):
    client.force_login(bob.user)
    assert 'id="phone"' not in client.get(PAGE).content.decode()
    assert client.post(SAVE, {"number": NUMBER}).status_code == 404
    assert not Phone.objects.exists()


def test_staff_see_the_phone_part(staff):
    page = staff.get(PAGE).content.decode()
    assert 'id="phone"' in page
    assert f'action="{SAVE}"' in page


def test_without_a_provider_the_part_says_so_and_saves_nothing(staff, alice, settings):
    settings.SMS_ACCOUNT_SID = ""
    assert "not set up on this site" in staff.get(PAGE).content.decode()
    staff.post(SAVE, {"number": NUMBER})
    assert not Phone.objects.exists()
