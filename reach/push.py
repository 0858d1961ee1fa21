"""Web push to a person's devices (stub on this branch: the real module is another helper's).

`send` pushes a message with no health data (a neutral title and `url`) to each of the
user's devices, raising diary_core.outbox.DeliveryError when they have none.
"""

from __future__ import annotations


def send(user, *, url: str, tag: str, urgency: str = "normal", ttl: int = 24 * 3600) -> None:
    raise NotImplementedError("reach.push.send is written on another branch")
