"""Nothing typed is lost, on a phone: saved offline and sent once back online; kept through
an expired session and a refused CSRF check, and sent after the patient comes back."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import log_in
from tests.e2e.stack import DEMO_PASSWORD
from tests.symptoms.reading_keys import CONFIRM_KEYS

pytestmark = pytest.mark.e2e

SAVED = re.compile(r"Your entry from \d\d:\d\d has been saved\.")
RESULT = re.compile(r"/diary/entries/\d+/$")
QUEUED = (
    "You are offline. Your entry is saved on this phone and will be sent when you are back "
    "online. Your care team has not been told yet. If you have any of the warning signs, "
    "call 999 now."
)


def entries(stack, username: str) -> list[tuple]:
    return stack.query(
        "SELECT e.id, t.value FROM symptoms_diaryentry e "
        "JOIN patients_patient p ON p.id = e.patient_id "
        "JOIN patients_user u ON u.id = p.user_id "
        "LEFT JOIN symptoms_temperaturereading t ON t.entry_id = e.id "
        "WHERE u.username = %s ORDER BY e.id",
        (username,),
    )


def drafts(page: Page) -> list[dict]:
    return page.evaluate(
        """() => Object.keys(localStorage).filter(k => k.startsWith("diary-draft:"))
             .map(k => JSON.parse(localStorage.getItem(k)))"""
    )


def wait_for_form_copy(page: Page) -> None:
    """Until the service worker has its copy of the empty form (it fetches it on its own)."""
    deadline = time.monotonic() + 15
    while not page.evaluate(
        "async () => Boolean(await (await caches.open('diary-offline-copy')).match('/diary/'))"
    ):
        assert time.monotonic() < deadline, "no offline copy of the form within 15 s"
        time.sleep(0.25)


def type_temperature(page: Page, value: str) -> None:
    expect(page.get_by_role("heading", name="Today's diary")).to_be_visible()
    page.get_by_label("Your temperature").fill(value)
    page.get_by_role("group", name="Unit").get_by_text("°C", exact=True).click()


def test_fiona_saves_offline_and_her_entry_is_sent_once_back_online(phone, stack, journey):
    page = journey.watch(phone)
    log_in(page, stack, "fiona")
    expect(page).to_have_url(re.compile(r"/diary/$"))
    # The service worker takes the phone and keeps a copy of the empty form.
    wait_for_form_copy(page)
    before = entries(stack, "fiona")

    phone.context.set_offline(True)
    page.reload()
    # The diary still opens, from the worker's copy, and says plainly what happens.
    expect(page.get_by_role("heading", name="Today's diary")).to_be_visible()
    assert page.evaluate(
        "JSON.parse(document.getElementById('diary-offline').textContent).offlineCopy"
    )
    expect(page.get_by_text("You are offline. You can still fill in your diary")).to_be_visible()
    expect(page.get_by_text("Today so far")).to_have_count(0)  # nothing of hers in the copy
    type_temperature(page, "38.6")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text(QUEUED)).to_be_visible()
    expect(page.get_by_label("Your temperature")).to_have_value("")  # ready for another
    journey.step(page, "saved on the phone while offline")
    time.sleep(1)
    assert entries(stack, "fiona") == before, "sent while offline?"

    phone.context.set_offline(False)
    # Back online: sent, and she sees what to do, as after any Save.
    expect(page).to_have_url(RESULT, timeout=15000)
    expect(page.get_by_text(SAVED)).to_be_visible()
    expect(
        page.get_by_role("region", name=re.compile("Contact your care team today"))
    ).to_be_visible()
    journey.step(page, "sent once back online")

    after = entries(stack, "fiona")
    assert len(after) == len(before) + 1
    entry_id, value = after[-1]
    assert str(value) == "38.6"
    assert page.url.endswith(f"/diary/entries/{entry_id}/")

    # The team is told through the real worker.
    deadline = time.monotonic() + 10
    while not stack.query(
        "SELECT 1 FROM alerts_alert WHERE entry_id = %s AND team_alert", (entry_id,)
    ):
        assert time.monotonic() < deadline, "no team alert within 10 s"
        time.sleep(0.5)

    # Nothing is sent twice: another visit finds the outbox empty.
    page.goto("/diary/")
    expect(page.get_by_role("heading", name="Today's diary")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert len(entries(stack, "fiona")) == len(before) + 1
    assert (
        page.evaluate(
            """() => new Promise(resolve => { const r = indexedDB.open("diary-outbox");
             r.onsuccess = () => { const q = r.result.transaction("entries").objectStore("entries")
               .count(); q.onsuccess = () => resolve(q.result); }; })"""
        )
        == 0
    )
    journey.assert_no_script_errors()


def test_george_keeps_his_entry_through_an_expired_session(phone, stack, journey):
    page = journey.watch(phone)
    log_in(page, stack, "george")
    before = entries(stack, "george")
    type_temperature(page, "37.3")
    assert drafts(page)[0]["status"] == "editing"

    # The session ends while the form is open (the cookie is gone, as after 12 hours).
    phone.context.clear_cookies(name="sessionid")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/diary/$"))
    expect(page.get_by_text("An entry typed on this phone is waiting")).to_be_visible()
    journey.step(page, "asked to log in again, entry kept")
    assert [d["status"] for d in drafts(page)] == ["submitted"]
    assert entries(stack, "george") == before

    page.get_by_label("Username").fill("george")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    # Back on the diary, the entry is sent and he is told plainly.
    expect(page).to_have_url(RESULT, timeout=15000)
    expect(page.get_by_text(SAVED)).to_be_visible()
    journey.step(page, "sent after logging in again")
    after = entries(stack, "george")
    assert len(after) == len(before) + 1 and str(after[-1][1]) == "37.3"
    assert drafts(page) == []
    journey.assert_no_script_errors()


def test_hannah_keeps_her_entry_when_the_csrf_check_refuses_it(phone, stack, journey):
    page = journey.watch(phone)
    log_in(page, stack, "hannah")
    before = entries(stack, "hannah")
    type_temperature(page, "37.1")

    # The CSRF cookie under this open form is no longer the one it was given (a login in
    # another tab replaces it; here it is simply gone).
    phone.context.clear_cookies(name="csrftoken")
    with page.expect_response(re.compile(r"/diary/$")) as refused:
        page.get_by_role("button", name="Save", exact=True).click()
    assert refused.value.status == 403
    expect(page.get_by_role("heading", name="This page had expired")).to_be_visible()
    expect(page.get_by_text("What you typed is kept on this phone")).to_be_visible()
    journey.step(page, "the page had expired")
    assert [d["status"] for d in drafts(page)] == ["submitted"]
    assert entries(stack, "hannah") == before

    page.get_by_role("link", name="Back to your diary").click()
    expect(page).to_have_url(RESULT, timeout=15000)
    expect(page.get_by_text(SAVED)).to_be_visible()
    after = entries(stack, "hannah")
    assert len(after) == len(before) + 1 and str(after[-1][1]) == "37.1"
    journey.assert_no_script_errors()


def test_a_draft_comes_back_after_a_reload_and_can_be_discarded(phone, stack, journey):
    page = journey.watch(phone)
    log_in(page, stack, "julia")
    type_temperature(page, "37.7")
    page.reload()
    notice = page.get_by_text(re.compile(r"We kept what you typed earlier \(\d\d:\d\d\)"))
    expect(notice).to_be_visible()
    expect(page.get_by_label("Your temperature")).to_have_value("37.7")
    journey.step(page, "draft restored after a reload")
    page.get_by_role("button", name="Discard what I typed").click()
    expect(page.get_by_label("Your temperature")).to_have_value("")
    expect(page.get_by_text("What you typed has been removed from this phone.")).to_be_visible()
    assert drafts(page) == []
    journey.assert_no_script_errors()


def outbox_count(page: Page) -> int:
    return page.evaluate(
        """() => new Promise(resolve => { const r = indexedDB.open("diary-outbox");
         r.onupgradeneeded = () => {};
         r.onsuccess = () => { const db = r.result;
           if (!db.objectStoreNames.contains("entries")) { resolve(0); return; }
           const q = db.transaction("entries").objectStore("entries").count();
           q.onsuccess = () => resolve(q.result); }; })"""
    )


def test_offline_never_cries_wolf(phone, stack, journey):
    """A second tap keeps one entry; a reading the server would refuse is questioned on the
    phone, before it is kept; back online, no "could not be saved" for what was sent."""
    page = journey.watch(phone)
    log_in(page, stack, "ian")
    wait_for_form_copy(page)
    before = entries(stack, "ian")
    phone.context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", name="Today's diary")).to_be_visible()

    type_temperature(page, "37.2")
    save = page.get_by_role("button", name="Save", exact=True)
    save.click()
    expect(page.get_by_text(QUEUED)).to_be_visible()
    save.click()  # the second tap, on the emptied form
    expect(page.get_by_text(QUEUED)).to_be_visible()
    expect(page.get_by_text("There is nothing to save yet")).to_have_count(0)
    assert outbox_count(page) == 1

    # °F chosen, a °C number typed: said on the phone, nothing kept.
    page.get_by_label("Your temperature").fill("37.3")
    page.get_by_role("group", name="Unit").get_by_text("°F", exact=True).click()
    save.click()
    expect(page.get_by_text("37.3 °F is not a body temperature we can record")).to_be_visible()
    expect(page.get_by_text("If you measured in °C, choose °C and save again.")).to_be_visible()
    expect(page.get_by_label("Your temperature")).to_have_value("37.3")  # kept as typed
    assert outbox_count(page) == 1

    # A very low reading: the emergency number first, then "yes, it is right" keeps it.
    page.get_by_label("Your temperature").fill("34,0")
    page.get_by_role("group", name="Unit").get_by_text("°C", exact=True).click()
    save.click()
    question = page.locator("#diary-notice-offline")
    expect(question).to_contain_text("Is 34,0 °C right? If you feel very unwell, call 999 now.")
    expect(question.get_by_role("link", name="Call 999")).to_have_attribute("href", "tel:999")
    journey.step(page, "offline: is this reading right?")
    question.get_by_role("button", name="Yes, 34,0 °C is right — save").click()
    expect(page.get_by_text(QUEUED)).to_be_visible()
    assert outbox_count(page) == 2
    journey.step(page, "offline: two entries kept, one per tap")

    # The script names a reading as the server does, however it was typed (and the server
    # accepts the answer): the same table as tests/symptoms/test_entry_form.py.
    for typed, unit, key in CONFIRM_KEYS:
        asked = page.evaluate(
            "([t, u]) => DiaryChecks.check([['temperature', t], ['unit', u]])", [typed, unit]
        )
        assert asked["question"]["key"] == key, (typed, asked)
        answered = page.evaluate(
            "([t, u, k]) => DiaryChecks.check([['temperature', t], ['unit', u],"
            " ['confirm_unusual', k]])",
            [typed, unit, key],
        )
        assert answered is None, (typed, answered)
    for typed, unit in (("37.15", "C"), ("abc", "C"), ("37.1", "F"), ("", "C")):
        refused = page.evaluate(
            "([t, u]) => DiaryChecks.check([['temperature', t], ['unit', u]])", [typed, unit]
        )
        assert refused and refused.get("text"), (typed, refused)  # refused, as the server does

    phone.context.set_offline(False)
    page.reload()
    expect(page.get_by_text(SAVED).first).to_be_visible(timeout=15000)
    expect(page.get_by_text("could not be saved")).to_have_count(0)
    journey.step(page, "offline: both sent, no failure")
    after = entries(stack, "ian")
    assert sorted(str(value) for _id, value in after[len(before) :]) == ["34.0", "37.2"]
    low = stack.query(
        "SELECT o.level FROM alerts_entryoutcome o JOIN symptoms_temperaturereading t "
        "ON t.entry_id = o.entry_id WHERE t.value = 34.0 AND t.confirmed ORDER BY o.id DESC",
    )
    assert low and low[0][0] == "URGENT"  # confirmed on the phone: T-HYPO-2
    journey.assert_no_script_errors()
