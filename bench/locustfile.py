"""Load for `make bench` (locust headless): diary submissions, a bare insert, the queue.

Each class logs in once (session and CSRF cookies, as a browser), then repeats one request.
People come from the JSON file in BENCH_PEOPLE (bench/seed.py people).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import secrets
import string
import uuid

from django_otp.oath import TOTP
from locust import FastHttpUser, constant, task

PEOPLE = json.loads(open(os.environ["BENCH_PEOPLE"]).read())  # noqa: SIM115, PTH123
_sessions = itertools.cycle(PEOPLE["sessions"])


def log_in(user: FastHttpUser, username: str) -> None:
    page = user.client.get("/accounts/login/", name="login")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    user.client.post(
        "/accounts/login/",
        data={"username": username, "password": PEOPLE["password"], "csrfmiddlewaretoken": token},
        name="login",
    )


class SignedInPatient(FastHttpUser):
    """Patients' browsers: each request comes from the next of 1,000 signed-in patients.

    Sessions are made by bench/seed.py, so no password hashing happens inside the measured
    phase; one CSRF cookie per simulated browser (the token is not tied to the session).
    """

    abstract = True
    wait_time = constant(0)

    def on_start(self) -> None:
        self.csrf = "".join(secrets.choice(string.ascii_letters) for _ in range(32))

    def headers(self) -> dict[str, str]:
        session = next(_sessions)
        return {"Cookie": f"sessionid={session}; csrftoken={self.csrf}", "X-CSRFToken": self.csrf}


class PatientUser(SignedInPatient):
    """A diary submission as the patient lives it: the form is posted (validation, the
    entry and its outbox row), then the result page evaluates it and shows what to do."""

    @task
    def submit(self) -> None:
        temperature = f"{random.uniform(36.0, 37.4):.1f}"  # noqa: S311 — mostly calm days
        headers = self.headers()
        with self.client.post(
            "/diary/",
            data={
                "client_key": str(uuid.uuid4()),
                "unit": "C",
                "temperature": temperature,
                "action": "save",
            },
            headers=headers,
            allow_redirects=False,
            name="submit",
            catch_response=True,
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"status {answer.status_code}")
                return
        with self.client.get(
            answer.headers["Location"], headers=headers, name="result", catch_response=True
        ) as page:
            if page.status_code != 200 or 'id="prompt-heading"' not in page.text:
                page.failure(f"status {page.status_code}, or no prompt on the page")


class BaselineUser(SignedInPatient):
    """A baseline view on the same stack: one POST to `path`, answered 204."""

    abstract = True
    path = ""
    label = ""

    @task
    def submit(self) -> None:
        with self.client.post(
            self.path,
            data={"note": "x"},
            headers=self.headers(),
            name=self.label,
            catch_response=True,
        ) as answer:
            if answer.status_code != 204:
                answer.failure(f"status {answer.status_code}")


class BareUser(BaselineUser):
    """The baseline: the same stack, session and CSRF, and a view that inserts one row."""

    path, label = "/bench/insert/", "bare"


class NoopUser(BaselineUser):
    """The floor of Django's request cycle for a signed-in POST: the session read with its
    user, the CSRF token checked, nothing done (what the submit cannot go below)."""

    path, label = "/bench/noop/", "noop"


class NurseUser(FastHttpUser):
    """Opens the triage queue of the 2,000-patient team again and again."""

    wait_time = constant(0)

    def on_start(self) -> None:
        who = PEOPLE["bignurse"]
        log_in(self, who["username"])
        page = self.client.get("/accounts/2fa/", name="login")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        code = f"{TOTP(bytes.fromhex(who['key'])).token():06d}"
        self.client.post(
            "/accounts/2fa/", data={"code": code, "csrfmiddlewaretoken": token}, name="login"
        )

    @task
    def triage(self) -> None:
        with self.client.get(
            "/team/", name="triage", catch_response=True, allow_redirects=False
        ) as answer:
            if answer.status_code != 200:
                answer.failure(f"status {answer.status_code}")
