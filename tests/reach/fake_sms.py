"""A local fake of the SMS provider's HTTP API (Twilio's Messages resource), for tests.

It listens on 127.0.0.1 on a free port, records every request (path, Basic credentials,
form fields) and answers like Twilio: 201 with the message as JSON, or the status a test
queued with `answer(...)` (an error body in Twilio's shape, its message naming the number
as the real one does, so a test can check that it is never stored).
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

MESSAGES = re.compile(r"^/2010-04-01/Accounts/(?P<sid>[^/]+)/Messages\.json$")


@dataclass
class Received:
    path: str
    account: str
    username: str
    password: str
    form: dict[str, str]


class FakeSmsProvider:
    def __init__(self) -> None:
        self.requests: list[Received] = []
        self._answers: list[int] = []
        self.delay = 0.0
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 — the http.server name
                fake._handle(self)

            def log_message(self, *args) -> None:  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def answer(self, *statuses: int) -> None:
        """Answer the next requests with these statuses (then 201 again)."""
        with self._lock:
            self._answers.extend(statuses)

    def hang(self, seconds: float) -> None:
        """Wait this long before answering each request (a provider that stalls)."""
        self.delay = seconds

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(request.rfile.read(length).decode()).items()}
        match = MESSAGES.match(request.path)
        scheme, _sep, encoded = (request.headers.get("Authorization") or "").partition(" ")
        username, _sep, password = (
            base64.b64decode(encoded).decode().partition(":") if scheme == "Basic" else ("", "", "")
        )
        with self._lock:
            self.requests.append(
                Received(request.path, match["sid"] if match else "", username, password, form)
            )
            status = self._answers.pop(0) if self._answers else 201
        if match is None:
            status = 404
        time.sleep(self.delay)
        if status == 201:
            body = {
                "sid": f"SM{next(self._ids):032x}",
                "account_sid": match["sid"],
                "to": form.get("To"),
                "from": form.get("From"),
                "messaging_service_sid": form.get("MessagingServiceSid"),
                "body": form.get("Body"),
                "status": "queued",
                "num_segments": "1",
                "direction": "outbound-api",
                "api_version": "2010-04-01",
                "date_created": "Sun, 06 Dec 2026 19:00:00 +0000",
                "uri": f"{request.path[:-5]}/SM.json",
            }
        else:
            body = {
                "code": 21211 if status == 400 else 20500,
                "message": f"The 'To' number {form.get('To')} is not valid (status {status}).",
                "more_info": "https://www.twilio.com/docs/errors/21211",
                "status": status,
            }
        data = json.dumps(body).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)
