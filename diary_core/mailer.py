"""Sending an e-mail on a connection the process keeps.

Django's `message.send()` opens a connection to the mail server for each message: TCP,
EHLO, and in production STARTTLS and the login, then QUIT. For an alert e-mail that is
most of the send (issue 37: on loopback a fifth of the worker's time; to a mail provider
across the internet, a TLS handshake and a login per message). `send` keeps the
connection for the next message of the same process instead.

A kept connection can go stale: the server closes one left idle (RFC 5321 asks servers to
wait at least five minutes), or restarts. So:

- a connection idle longer than `KEEP_IDLE`, or after `MAX_PER_CONNECTION` messages, is
  closed and a new one opened (servers cap the messages per connection);
- when a kept connection turns out closed (the server hung up: `SMTPServerDisconnected`,
  a reset or broken pipe), the message is sent once more on a new connection, at once.
  Such a failure comes before the server has taken the message, as a rule; if it came
  after, the message goes twice, which the outbox allows (at most one duplicate, never a
  message lost or late);
- any other failure closes the connection and goes to the outbox's policy as before;
- a change of the mail settings (a test's `settings` fixture) opens a connection of the
  new kind;
- a worker process says QUIT when it stops (diary_site/celery_app.py).

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

# A connection idle longer than this is closed rather than reused: well inside the
# five minutes a server should keep an idle one (RFC 5321, 4.5.3.2.7), so a kept
# connection is rarely found closed.
KEEP_IDLE = 60.0
# Messages on one connection before it is replaced: under the caps mail providers set
# (often 100 or more per connection).
MAX_PER_CONNECTION = 50
# What a server that hung up on an idle connection looks like on the next command.
HUNG_UP = (smtplib.SMTPServerDisconnected, ConnectionResetError, BrokenPipeError)
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


def send(message: EmailMessage) -> None:
    """Send `message` on this process's kept connection (opened when there is none, or
    when it is old, busy or of other settings). Raises what the backend raises, as
    `message.send()` does, after at most one retry on a new connection when the kept
    one had been closed by the server."""
    connection, reused = _connection()
    try:
        connection.send_messages([message])
    except HUNG_UP:
        close(polite=False)
        if not reused:
            raise
        connection, _reused = _connection()
        try:
            connection.send_messages([message])
        except BaseException:
            close(polite=False)
            raise
    except BaseException:
        close(polite=False)
        raise
    _kept.used_at = time.monotonic()
    _kept.sent += 1


def _connection():
    """The kept connection and whether it was used before, or a new open one."""
    kept = _kept
    made_from = _made_from()
    if kept.connection is not None and (
        kept.made_from != made_from
        or time.monotonic() - kept.used_at > KEEP_IDLE
        or kept.sent >= MAX_PER_CONNECTION
    ):
        close()
    if kept.connection is not None:
        return kept.connection, True
    connection = get_connection(fail_silently=False)
    connection.open()  # an SMTP backend connects here; raises when it cannot
    kept.connection, kept.made_from, kept.sent = connection, made_from, 0
    kept.used_at = time.monotonic()
    return connection, False


def close(*, polite: bool = True) -> None:
    """Close the kept connection, if any: with QUIT when `polite` (idle, or the worker
    stopping), else by dropping the socket (it failed: QUIT could wait for a timeout)."""
    kept = _kept
    connection, kept.connection, kept.sent = kept.connection, None, 0
    if connection is None:
        return
    client = getattr(connection, "connection", None)  # the SMTP backend's smtplib.SMTP
    # A connection being closed may fail to say goodbye: it is closed either way.
    with contextlib.suppress(smtplib.SMTPException, OSError):
        if polite or client is None:
            connection.close()
        else:
            connection.connection = None
            client.close()
