"""A local SMTP server: accepts every message and notes when (aiosmtpd).

The bench's alert e-mails end here (bench/run.py reads when each arrived), and so do the
browser journeys' e-mails and error reports (tests/e2e: production settings send real
mail). Loopback only; nothing is relayed.
"""

from __future__ import annotations

import smtplib
import socket
import threading
import time
from email import message_from_bytes
from email.message import EmailMessage, Message

from aiosmtpd.controller import Controller


class _Handler:
    def __init__(self) -> None:
        self.received: list[tuple[float, Message]] = []  # (time.time() accepted, message)
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's hook
        message = message_from_bytes(envelope.content)
        with self.lock:
            self.received.append((time.time(), message))
        return "250 Message accepted"


class SmtpSink:
    """Started on a free loopback port; `url` is the stack's EMAIL_URL."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.handler = _Handler()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> SmtpSink:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def arrivals(self) -> list[tuple[float, str]]:
        """(when accepted, subject) of every message so far."""
        return [(at, str(message.get("Subject", ""))) for at, message in self.messages()]

    def messages(self) -> list[tuple[float, Message]]:
        with self.handler.lock:
            return list(self.handler.received)

    def direct_send_ms(self, subject: str, body: str) -> float:
        """One message of the alert's size sent straight to the sink, as Django's SMTP backend
        sends one (connect, EHLO, MAIL, RCPT, DATA, QUIT): the floor's send part."""
        message = EmailMessage()
        message["Subject"], message["From"], message["To"] = subject, "diary@localhost", "x@y.z"
        message.set_content(body)
        started = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", self.port, timeout=10) as client:
            client.send_message(message)
        return (time.perf_counter() - started) * 1000
