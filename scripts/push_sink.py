"""A local push service (RFC 8030's receiving end): accepts every push message and notes when.

The bench's push notifications end here (bench/run.py: push delivery against its floor),
and so can a developer's: point a device's endpoint at `endpoint(name)`. It answers 201
Created as a push service does, keeps the encrypted body, and can decrypt it with the
keys it made for the subscription (RFC 8291, aes128gcm). Loopback only.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def vapid_pair() -> tuple[str, str]:
    """A fresh VAPID key pair as the settings take it: the public key as a browser's
    applicationServerKey (base64url, uncompressed point), the private key base64url DER."""
    private = ec.generate_private_key(ec.SECP256R1())
    public = private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    der = private.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return b64url(public), b64url(der)


class PushSink:
    """Started on a free loopback port. `subscription(name)` makes a browser's side of a
    subscription (endpoint and keys); `arrivals()` lists what came, with its time."""

    def __init__(self) -> None:
        self.received: list[tuple[float, str, bytes, dict]] = []  # (time, path, body, headers)
        self.lock = threading.Lock()
        self.keys: dict[str, tuple[ec.EllipticCurvePrivateKey, bytes]] = {}
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 — http.server's hook
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with sink.lock:
                    sink.received.append((time.time(), self.path, body, dict(self.headers)))
                self.send_response(201)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> PushSink:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def endpoint(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/push/{name}"

    def subscription(self, name: str) -> dict:
        """A new subscription's info as a browser gives it (PushSubscription.toJSON())."""
        private = ec.generate_private_key(ec.SECP256R1())
        auth = os.urandom(16)
        self.keys[name] = (private, auth)
        public = private.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": self.endpoint(name),
            "keys": {"p256dh": b64url(public), "auth": b64url(auth)},
        }

    def arrivals(self) -> list[tuple[float, str]]:
        """(when accepted, path) of every push message so far."""
        with self.lock:
            return [(at, path) for at, path, _body, _headers in self.received]

    def direct_send_ms(self, name: str, vapid_private_key: str) -> float:
        """One push message of a notification's size sent straight to subscription `name`
        (encrypt, sign, POST), as the transport sends one: the floor's send part."""
        from pywebpush import webpush

        subscription = {
            "endpoint": self.endpoint(name + "-floor"),
            "keys": self._public_keys(name),
        }
        payload = json.dumps({"title": "x" * 40, "body": "x" * 60, "url": "/team/x/1/"})
        started = time.perf_counter()
        webpush(
            subscription,
            payload,
            vapid_private_key=vapid_private_key,
            vapid_claims={"sub": "mailto:bench@localhost"},
            timeout=10,
        )
        return (time.perf_counter() - started) * 1000

    def _public_keys(self, name: str) -> dict:
        private, auth = self.keys[name]
        public = private.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {"p256dh": b64url(public), "auth": b64url(auth)}

    def decrypted(self, name: str) -> list[dict]:
        """The payloads sent to subscription `name`, decrypted with its keys."""
        private, auth = self.keys[name]
        with self.lock:
            bodies = [body for _at, path, body, _h in self.received if path.endswith("/" + name)]
        return [
            json.loads(http_ece.decrypt(body, private_key=private, auth_secret=auth))
            for body in bodies
        ]
