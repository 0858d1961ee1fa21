"""A local push service (RFC 8030) and the browser's end of a subscription (RFC 8291), for
tests: the server sends to 127.0.0.1, the test decrypts what arrived with the keys only
the browser has, and checks the VAPID signature (RFC 8292) as a push service would."""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class PushService:
    """Answers each POST with `status[path]` (default 201) and keeps what it received."""

    received: list[Received] = field(default_factory=list)
    status: dict[str, int] = field(default_factory=dict)

    def start(self, port: int = 0) -> PushService:
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 — http.server's name
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                service.received.append(
                    Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                self.send_response(service.status.get(self.path, 201))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def to(self, browser: Browser) -> list[Received]:
        return [r for r in self.received if r.path == browser.path]


class Browser:
    """One browser's subscription: its P-256 key pair and 16-byte auth secret."""

    def __init__(self, service: PushService, name: str) -> None:
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        self.service = service
        self.path = f"/wpush/{name}"
        self.endpoint = service.url + self.path

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    def subscription(self) -> dict:
        return {
            "endpoint": self.endpoint,
            "keys": {"p256dh": self.p256dh, "auth": b64url(self.auth)},
        }

    def device(self, user, name: str = "Phone"):
        from reach.models import PushDevice

        return PushDevice.objects.create(
            user=user, name=name, endpoint=self.endpoint, p256dh=self.p256dh, auth=b64url(self.auth)
        )

    def decrypt(self, received: Received) -> dict:
        """The message as the browser reads it (aes128gcm, RFC 8188/8291)."""
        assert received.headers["content-encoding"] == "aes128gcm"
        clear = http_ece.decrypt(
            received.body,
            private_key=self.private_key,
            auth_secret=self.auth,
            version="aes128gcm",
        )
        return json.loads(clear)


def vapid_claims(authorization: str, public_key: str) -> dict:
    """Check a `vapid t=…, k=…` header as a push service does (RFC 8292): k is the
    server's public key and t a JWT signed by it with ES256; returns the JWT's claims."""
    scheme, _space, params = authorization.partition(" ")
    assert scheme == "vapid"
    parts = dict(p.strip().split("=", 1) for p in params.split(","))
    assert parts["k"] == public_key
    header_b64, claims_b64, signature_b64 = parts["t"].split(".")
    header = json.loads(unb64url(header_b64))
    assert header == {"typ": "JWT", "alg": "ES256"}
    signature = unb64url(signature_b64)
    assert len(signature) == 64
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(parts["k"]))
    try:
        key.verify(
            encode_dss_signature(r, s),
            f"{header_b64}.{claims_b64}".encode(),
            ec.ECDSA(hashes.SHA256()),
        )
    except InvalidSignature as exc:  # pragma: no cover — the assertion's message
        raise AssertionError("the VAPID signature does not verify") from exc
    claims = json.loads(unb64url(claims_b64))
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600  # RFC 8292 §2
    return claims
