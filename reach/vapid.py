"""VAPID key pairs (RFC 8292) in the forms the two ends want them.

The public key is what a page hands to `pushManager.subscribe` as `applicationServerKey`:
the P-256 point, uncompressed (65 bytes), base64url without padding. The private key is
the raw 32-byte scalar, base64url: what pywebpush (py_vapid's `Vapid.from_string`) reads.
"""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode base64url with or without padding; ValueError when it is not base64url."""
    text = text.strip()
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (ValueError, TypeError) as exc:
        raise ValueError("not base64url") from exc


def public_key_of(private_key: ec.EllipticCurvePrivateKey) -> str:
    point = private_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(point)


def new_key_pair() -> tuple[str, str]:
    """A fresh pair: (public applicationServerKey, private key), both base64url."""
    private_key = ec.generate_private_key(ec.SECP256R1())
    scalar = private_key.private_numbers().private_value.to_bytes(32, "big")
    return public_key_of(private_key), b64url(scalar)


def pair_matches(public: str, private: str) -> bool:
    """Whether `public` is the public half of `private` (both as new_key_pair makes them)."""
    try:
        scalar = int.from_bytes(b64url_decode(private), "big")
        private_key = ec.derive_private_key(scalar, ec.SECP256R1())
    except ValueError:
        return False
    return public_key_of(private_key) == public.strip()
