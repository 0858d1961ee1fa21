"""The kept mail connection (diary_core/mailer.py), against a real SMTP server on loopback
(aiosmtpd): messages share a connection, and a connection the server closed, one that
stopped answering, one past the relay's cap, an old one or one of other settings never
costs a message or delays it by a retry."""

from __future__ import annotations

import asyncio
import logging
import smtplib
import socket
import threading
import time

import pytest
from aiosmtpd.controller import Controller
from celery.exceptions import SoftTimeLimitExceeded
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend

from diary_core import mailer


class Server:
    """Counts the connections (aiosmtpd's sessions) the messages came on and the QUITs;
    `refuse` makes it refuse the next recipient with 550; `cap` makes it answer 421 to a
    connection's message past that many, as a relay does; `stall` makes it stop
    answering on the first connection's next message."""

    def __init__(self) -> None:
        self.sessions: list[object] = []  # each connection's session, held: ids stay unique
        self.subjects: list[str] = []
        self.refuse = False
        self.cap: int | None = None
        self.cap_at, self.cap_answer = "MAIL", "421 4.7.0 too many messages on this connection"
        self.stall = False
        self.quits = 0
        self.per_session: dict[int, int] = {}
        self.lock = threading.Lock()

    async def handle_MAIL(self, server, session, envelope, address, options):  # noqa: N802
        count = self.per_session.get(id(session), 0)
        if self.stall and self.sessions and session is self.sessions[0]:
            await asyncio.sleep(2)  # longer than the client's timeout
        if self.cap_at == "MAIL" and self.cap is not None and count >= self.cap:
            return self.cap_answer
        self.per_session[id(session)] = count + 1
        envelope.mail_from = address
        return "250 OK"

    async def handle_QUIT(self, server, session, envelope):  # noqa: N802
        self.quits += 1
        return "221 Bye"

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        if self.refuse:
            self.refuse = False
            return "550 5.1.1 no such mailbox"
        if self.cap_at == "RCPT" and self.cap is not None:
            if self.per_session[id(session)] > self.cap:
                return self.cap_answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            if all(s is not session for s in self.sessions):
                self.sessions.append(session)
            subject = envelope.content.split(b"Subject: ", 1)[1].split(b"\r\n", 1)[0]
            self.subjects.append(subject.decode())
        return "250 Message accepted"


@pytest.fixture
def smtp(settings):
    """A server that closes a connection idle for 0.3 s (as a real one does after minutes),
    and the settings that send to it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = Server()
    controller = Controller(server, hostname="127.0.0.1", port=port, timeout=0.3)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    mailer.drop()
    yield server
    mailer.drop()
    controller.stop()


def message(subject: str) -> EmailMultiAlternatives:
    sent = EmailMultiAlternatives(subject=subject, body="b", to=["nurse@example.org"])
    sent.attach_alternative("<p>b</p>", "text/html")
    return sent


def test_messages_one_after_another_share_one_connection(smtp):
    for n in range(5):
        mailer.send(message(f"m{n}"))
    assert smtp.subjects == ["m0", "m1", "m2", "m3", "m4"]
    assert len(smtp.sessions) == 1


def test_a_connection_the_server_closed_is_noticed_before_it_is_used(smtp, monkeypatch, caplog):
    caplog.set_level(logging.INFO, logger="diary_core.mailer")
    monkeypatch.setattr(mailer, "KEEP_IDLE", 60.0)  # fresh enough, but the server hung up
    mailer.send(message("before"))
    time.sleep(0.8)  # the server says 421 on the idle connection, and closes it
    mailer.send(message("after"))
    assert smtp.subjects == ["before", "after"]
    assert len(smtp.sessions) == 2
    assert "failed" not in caplog.text  # not tried on the closed one first


def test_a_new_connection_gives_up_on_a_dead_link_in_seconds(smtp):
    mailer.send(message("first"))
    sock = mailer._socket(mailer._kept.connection)
    option = getattr(socket, "TCP_USER_TIMEOUT", None)
    if option is None:
        pytest.skip("TCP_USER_TIMEOUT is Linux's")  # CI and production run Linux
    assert sock.getsockopt(socket.IPPROTO_TCP, option) == mailer.FAIL_FAST_MS


def test_an_idle_connection_is_dropped_without_waiting_for_a_goodbye(smtp, monkeypatch):
    mailer.send(message("first"))
    monkeypatch.setattr(mailer, "KEEP_IDLE", 0.0)
    # On a link a firewall dropped silently, QUIT would wait EMAIL_TIMEOUT for an answer.
    monkeypatch.setattr(smtplib.SMTP, "quit", lambda self: pytest.fail("QUIT on a stale link"))
    time.sleep(0.01)
    mailer.send(message("second"))
    assert len(smtp.sessions) == 2
    assert smtp.quits == 0


def test_a_connection_that_stops_answering_costs_one_timeout_not_a_retry(smtp, settings):
    settings.EMAIL_TIMEOUT = 0.3
    mailer.send(message("first"))
    smtp.stall = True
    started = time.monotonic()
    mailer.send(message("second"))  # times out on the kept one, goes on a new one
    assert time.monotonic() - started < 1.5
    assert smtp.subjects == ["first", "second"]


@pytest.mark.parametrize(
    ("where", "answer"),
    [
        ("MAIL", "421 4.7.0 too many messages on this connection"),
        ("MAIL", "451 4.3.2 try again"),
        ("RCPT", "421 4.7.0 too many messages on this connection"),
        ("RCPT", "451 4.3.2 try again"),
        ("RCPT", "452 4.5.3 too many recipients in this session"),
    ],
)
def test_a_relay_past_its_cap_per_connection_gets_the_message_on_a_new_one(
    smtp, monkeypatch, where, answer
):
    monkeypatch.setattr(mailer, "MAX_PER_CONNECTION", 100)  # the relay's cap is lower
    smtp.cap, smtp.cap_at, smtp.cap_answer = 2, where, answer
    for n in range(5):
        mailer.send(message(f"m{n}"))
    assert smtp.subjects == ["m0", "m1", "m2", "m3", "m4"]
    assert len(smtp.sessions) == 3


def test_a_refusal_on_a_new_connection_goes_to_the_outbox(smtp):
    smtp.cap = 0  # every message refused for now, 421
    with pytest.raises(smtplib.SMTPSenderRefused):
        mailer.send(message("later"))  # one try: the outbox retries on its schedule
    assert smtp.subjects == []
    assert mailer._kept.connection is None


def test_a_worker_stopping_says_goodbye(smtp):
    mailer.send(message("first"))
    mailer.close()
    deadline = time.monotonic() + 2
    while smtp.quits == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert smtp.quits == 1
    assert mailer._kept.connection is None


def test_a_connection_is_replaced_after_its_share_of_messages(smtp, monkeypatch):
    monkeypatch.setattr(mailer, "MAX_PER_CONNECTION", 2)
    for n in range(5):
        mailer.send(message(f"m{n}"))
    assert len(smtp.subjects) == 5
    assert len(smtp.sessions) == 3  # 2 + 2 + 1


def test_a_refused_recipient_raises_for_the_outbox_and_the_next_message_goes(smtp):
    mailer.send(message("first"))
    smtp.refuse = True
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        mailer.send(message("refused"))  # about the message: not retried here
    mailer.send(message("third"))
    assert smtp.subjects == ["first", "third"]


def test_a_server_that_cannot_be_reached_raises_and_nothing_is_kept(smtp, settings):
    mailer.send(message("first"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = probe.getsockname()[1]  # nobody listens there
    with pytest.raises(ConnectionRefusedError):
        mailer.send(message("lost"))
    assert mailer._kept.connection is None


def test_other_mail_settings_get_a_connection_of_their_own(smtp, settings):
    mailer.send(message("by smtp"))
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mailer.send(EmailMessage(subject="in memory", body="b", to=["nurse@example.org"]))
    assert smtp.subjects == ["by smtp"]
    assert [m.subject for m in mail.outbox] == ["in memory"]


class FailsOnce(BaseEmailBackend):
    """A backend whose first connection fails with `error` on its second message."""

    made: list[FailsOnce] = []
    delivered: list[str] = []
    error: BaseException = ConnectionResetError(104, "Connection reset by peer")

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.sent = 0
        FailsOnce.made.append(self)

    def send_messages(self, messages):
        if self is FailsOnce.made[0] and self.sent == 1:
            raise FailsOnce.error
        self.sent += 1
        FailsOnce.delivered.extend(m.subject for m in messages)
        return len(messages)


@pytest.fixture
def fails_once(settings):
    settings.EMAIL_BACKEND = "tests.site.test_mailer.FailsOnce"
    FailsOnce.made, FailsOnce.delivered = [], []
    mailer.drop()
    yield FailsOnce
    mailer.drop()


def test_a_connection_the_network_reset_is_replaced_and_the_message_still_goes(fails_once, caplog):
    caplog.set_level(logging.INFO, logger="diary_core.mailer")
    fails_once.error = ConnectionResetError(104, "Connection reset by peer")
    mailer.send(message("first"))
    mailer.send(message("second"))
    assert fails_once.delivered == ["first", "second"]
    assert len(fails_once.made) == 2
    assert "ConnectionResetError" in caplog.text  # said, in words without an address


def test_a_send_cut_short_by_the_time_limit_leaves_no_connection_kept(fails_once):
    fails_once.error = SoftTimeLimitExceeded()
    mailer.send(message("first"))
    with pytest.raises(SoftTimeLimitExceeded):
        mailer.send(message("cut short"))  # the task's time is up: recorded, not retried
    assert mailer._kept.connection is None
    mailer.send(message("next"))  # on a new connection, never the one cut short
    assert fails_once.delivered == ["first", "next"]
    assert len(fails_once.made) == 2


@pytest.mark.parametrize(
    ("error", "new_connection"),
    [
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), True),
        (ConnectionResetError(104, "reset"), True),
        (BrokenPipeError(32, "broken pipe"), True),
        (TimeoutError("timed out"), True),
        (smtplib.SMTPSenderRefused(421, b"too many messages", "diary@localhost"), True),
        (smtplib.SMTPDataError(451, b"try again"), True),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (452, b"too many")}), True),
        # About the message: the outbox's policy decides, as before.
        (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"no such mailbox")}), False),
        (
            smtplib.SMTPRecipientsRefused(
                {"a@example.org": (450, b"busy"), "b@example.org": (550, b"unknown")}
            ),
            False,
        ),
        (smtplib.SMTPRecipientsRefused({}), False),
        (smtplib.SMTPDataError(554, b"rejected"), False),
        (smtplib.SMTPSenderRefused(550, b"not allowed", "diary@localhost"), False),
        (ValueError("a bad address"), False),
    ],
)
def test_what_counts_as_the_kept_connection_failing(error, new_connection):
    assert mailer._connection_failed(error) is new_connection
