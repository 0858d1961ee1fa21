"""Sending an e-mail on a connection the process keeps.

Django's `message.send()` opens a connection to the mail server for each message: TCP,
EHLO, and in production STARTTLS and the login, then QUIT. For an alert e-mail that was
a fifth of the worker's time on loopback; to a mail provider across the internet it is a
TLS handshake and a login per message, and a burst (the morning's reminders, a sweep's
escalations) opens hundreds. `send` keeps the connection for the next message of the
same process instead.

A kept connection can go bad, and none of that may delay an alert (docs/scaling.md,
issue 37, says what an earlier attempt got wrong):

- it is used again only while fresh: idle for at most `KEEP_IDLE`, for at most
  `MAX_PER_CONNECTION` messages (relays cap the messages per connection), and not after
  the server spoke on it unasked (it only does so to hang up);
- a connection put aside is dropped without QUIT: on a link a firewall dropped silently,
  QUIT would wait `EMAIL_TIMEOUT` for an answer before the alert could go. On such a
  link the next command is given up after `FAIL_FAST_MS` unacknowledged (Linux's
  TCP_USER_TIMEOUT), not after `EMAIL_TIMEOUT`;
- when a kept connection fails (the server hung up or reset it, it timed out, or the relay
  answered 4xx, as one does past its own cap), the message is sent at once on a new
  connection. As a rule the failure came before the server took the message; if it came
  after (a timeout after the data), the message goes twice: a duplicate, which the
  outbox's design already accepts over a message lost or late. A failure on a new
  connection goes to the outbox's policy as before, and so does anything about the
  message itself (a refused address, any 5xx);
- a connection is out of the keeping while in use, so a send cut short (a task's time
  limit, any failure) leaves nothing kept;
- a forked process starts with no connection;
- a change of the mail settings (a test's `settings` fixture) opens a connection of the
  new kind;
- a worker process that stops says QUIT, waiting a second at most
  (diary_site/celery_app.py).

Works for every Django e-mail backend: the console, file and in-memory ones have nothing
to keep and behave as before.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import smtplib
import socket
import threading
import time

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from diary_core.outbox import describe

logger = logging.getLogger(__name__)

# A connection idle longer than this is not used again: far inside the five minutes a
# server should keep an idle one (RFC 5321, 4.5.3.2.7) and the idle timeouts of common
# firewalls and NAT gateways, so a kept connection is rarely found dead.
KEEP_IDLE = 30.0
# Messages on one connection before it is replaced: under the caps relays set.
MAX_PER_CONNECTION = 20
# How long QUIT may wait when a worker process stops.
GOODBYE_TIMEOUT = 1.0
# How long what is sent may go unacknowledged before the connection counts as dead.
FAIL_FAST_MS = 3000
# The settings a connection is made from: another value, another connection.
SETTINGS = (
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
    "EMAIL_SSL_CERTFILE",
    "EMAIL_SSL_KEYFILE",
    "EMAIL_TIMEOUT",
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
    (a relay past its own cap per connection answers 421, 451 or 452, at MAIL or RCPT)."""
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in exc.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    # The socket's own errors (a reset, a broken pipe, a timeout). smtplib's errors are
    # OSErrors too: those about the message (a refused address) are not retried here.
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)


def send(message: EmailMessage) -> None:
    """Send `message` on this process's kept connection (a new one when there is none, or
    when it is stale or of other settings). Raises what the backend raises, as
    `message.send()` does, after one more try on a new connection when a kept one
    failed.

    The connection is taken out of the process's keeping while it is used and put back
    only after the server took the message: a send cut short (a task's time limit, any
    error) leaves nothing kept that could be out of step with the server."""
    connection, reused = _take()
    failed = None
    try:
        connection.send_messages([message])
    except BaseException as exc:
        _close_quietly(connection)
        if not (reused and _connection_failed(exc)):
            raise
        failed = describe(exc)
    if failed is not None:  # outside the except block: the first error is not chained on
        logger.info("mail connection kept by this process failed (%s): trying a new one", failed)
        connection, _reused = _take()
        try:
            connection.send_messages([message])
        except BaseException:
            _close_quietly(connection)
            raise
    _put_back(connection)


def _take():
    """The kept connection and True, taken out of the keeping; or a new one and False."""
    kept, now = _kept, time.monotonic()
    connection, made_from = kept.connection, _made_from()
    kept.connection = None
    if connection is not None and (
        kept.made_from != made_from
        or now - kept.used_at > KEEP_IDLE
        or kept.sent >= MAX_PER_CONNECTION
        or _hung_up(connection)
    ):
        _close_quietly(connection)
        connection = None
    if connection is not None:
        return connection, True
    connection = get_connection(fail_silently=False)
    connection.open()  # an SMTP backend connects here; raises when it cannot
    _fail_fast(connection)
    kept.made_from, kept.sent = made_from, 0
    return connection, False


def _put_back(connection) -> None:
    kept = _kept
    kept.connection, kept.used_at, kept.sent = connection, time.monotonic(), kept.sent + 1


def _socket(connection):
    client = getattr(connection, "connection", None)  # the SMTP backend's smtplib.SMTP
    return getattr(client, "sock", None)


def _hung_up(connection) -> bool:
    """Whether the server has spoken on an idle connection: it only does so to close it
    (a 421 on its own timeout, or the connection's end)."""
    sock = _socket(connection)
    if sock is None:
        return False
    try:
        readable, _w, _x = select.select([sock], [], [], 0)
    except (OSError, ValueError):  # closed already
        return True
    return bool(readable)


def _fail_fast(connection) -> None:
    """On a link that died without a word (a firewall forgot the connection), what is sent
    is never acknowledged: Linux gives up after FAIL_FAST_MS instead of EMAIL_TIMEOUT, and
    the message goes on a new connection. A slow answer to what arrived is not affected."""
    sock = _socket(connection)
    option = getattr(socket, "TCP_USER_TIMEOUT", None)
    if sock is not None and option is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, option, FAIL_FAST_MS)


def _close_quietly(connection) -> None:
    """Close without a word to the server: the socket (an SMTP backend's), or the backend
    (the others, which hold none)."""
    client = getattr(connection, "connection", None)
    with contextlib.suppress(smtplib.SMTPException, OSError):
        if client is None:
            connection.close()
        else:
            connection.connection = None
            client.close()


def _release():
    """The kept connection, no longer kept (None when there was none)."""
    connection, _kept.connection, _kept.sent = _kept.connection, None, 0
    return connection


def drop() -> None:
    """Put the kept connection aside without a word to the server."""
    connection = _release()
    if connection is not None:
        _close_quietly(connection)


# A forked process must not write on its parent's socket: it starts with none (the parent
# keeps and closes its own).
os.register_at_fork(after_in_child=_release)


def close() -> None:
    """Say QUIT on the kept connection and close it (a worker process stopping), waiting
    GOODBYE_TIMEOUT at most for the server's answer."""
    connection = _release()
    if connection is None:
        return
    sock = _socket(connection)
    with contextlib.suppress(smtplib.SMTPException, OSError):
        if sock is not None:
            sock.settimeout(GOODBYE_TIMEOUT)
        connection.close()
