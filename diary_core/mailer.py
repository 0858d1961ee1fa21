"""Sending an e-mail on a connection the process keeps.

Django's `message.send()` opens a connection to the mail server for each message: TCP,
EHLO, and in production STARTTLS and the login, then QUIT. For an alert e-mail that was
a fifth of the worker's time on loopback; to a mail provider across the internet it is a
TLS handshake and a login per message, and a burst (the morning's reminders, a sweep's
escalations) opens hundreds. `send` keeps the connection for the next message of the
same process instead.

A kept connection can go bad, and none of that may delay an alert (docs/scaling.md,
issue 37, says what an earlier attempt got wrong):

- it is used again only while fresh: idle for at most `KEEP_IDLE`, and for at most
  `MAX_PER_CONNECTION` messages (relays cap the messages per connection);
- a connection put aside is dropped without QUIT: on a link a firewall dropped silently,
  QUIT would wait `EMAIL_TIMEOUT` for an answer before the alert could go;
- when a kept connection fails (the server hung up or reset it, it timed out, or the relay
  answered 4xx, as one does past its own cap), the message is sent at once on a new
  connection. As a rule the failure came before the server took the message; if it came
  after, the message goes twice, which the outbox allows (at most one duplicate, never a
  message lost or late). A failure on a new connection goes to the outbox's policy as
  before, and so does anything about the message itself (a refused address);
- any failure, a task's time limit included, drops the connection;
- a change of the mail settings (a test's `settings` fixture) opens a connection of the
  new kind;
- a worker process that stops says QUIT, waiting a second at most
  (diary_site/celery_app.py).

Works for every Django e-mail backend: the console, file and in-memory ones have nothing
to keep and behave as before.
"""

from __future__ import annotations

import contextlib
import smtplib
import threading
import time

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

# A connection idle longer than this is not used again: far inside the five minutes a
# server should keep an idle one (RFC 5321, 4.5.3.2.7) and the idle timeouts of common
# firewalls and NAT gateways, so a kept connection is rarely found dead.
KEEP_IDLE = 30.0
# Messages on one connection before it is replaced: under the caps relays set.
MAX_PER_CONNECTION = 20
# How long QUIT may wait when a worker process stops.
GOODBYE_TIMEOUT = 1.0
# The settings a connection is made from: another value, another connection.
SETTINGS = (
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
    "EMAIL_FILE_PATH",
)


class _Kept(threading.local):
    connection = None
    made_from: tuple = ()
    used_at = 0.0
    sent = 0


_kept = _Kept()


def _made_from() -> tuple:
    return tuple(getattr(settings, name, None) for name in SETTINGS)


def _connection_failed(exc: BaseException) -> bool:
    """Whether a kept connection, not the message, is what failed: the server hung up or
    reset it, the link timed out, or the server answered 4xx to the envelope or the data
    (a relay past its own cap per connection answers 421 or 451)."""
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    # The socket's own errors (a reset, a broken pipe, a timeout). smtplib's errors are
    # OSErrors too: those about the message (a refused address) are not retried here.
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)


def send(message: EmailMessage) -> None:
    """Send `message` on this process's kept connection (a new one when there is none, or
    when it is stale or of other settings). Raises what the backend raises, as
    `message.send()` does, after one more try on a new connection when a kept one
    failed."""
    connection, reused = _connection()
    try:
        connection.send_messages([message])
    except BaseException as exc:
        drop()
        if not (reused and _connection_failed(exc)):
            raise
        connection, _reused = _connection()
        try:
            connection.send_messages([message])
        except BaseException:
            drop()
            raise
    _kept.used_at = time.monotonic()
    _kept.sent += 1


def _connection():
    """The kept connection and True, or a new open one and False."""
    kept = _kept
    made_from = _made_from()
    if kept.connection is not None and (
        kept.made_from != made_from
        or time.monotonic() - kept.used_at > KEEP_IDLE
        or kept.sent >= MAX_PER_CONNECTION
    ):
        drop()
    if kept.connection is not None:
        return kept.connection, True
    connection = get_connection(fail_silently=False)
    connection.open()  # an SMTP backend connects here; raises when it cannot
    kept.connection, kept.made_from, kept.sent = connection, made_from, 0
    kept.used_at = time.monotonic()
    return connection, False


def drop() -> None:
    """Put the kept connection aside without a word to the server: its socket is closed
    (an SMTP backend's), or the backend closed (the others, which hold no socket)."""
    connection, _kept.connection, _kept.sent = _kept.connection, None, 0
    if connection is None:
        return
    client = getattr(connection, "connection", None)  # the SMTP backend's smtplib.SMTP
    with contextlib.suppress(smtplib.SMTPException, OSError):
        if client is None:
            connection.close()
        else:
            connection.connection = None
            client.close()


def close() -> None:
    """Say QUIT on the kept connection and close it (a worker process stopping), waiting
    GOODBYE_TIMEOUT at most for the server's answer."""
    connection, _kept.connection, _kept.sent = _kept.connection, None, 0
    if connection is None:
        return
    client = getattr(connection, "connection", None)
    sock = getattr(client, "sock", None)
    with contextlib.suppress(smtplib.SMTPException, OSError):
        if sock is not None:
            sock.settimeout(GOODBYE_TIMEOUT)
        connection.close()
