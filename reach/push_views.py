"""This device and the others that get push notifications (the Notifications page).

Turning notifications on is the page's script's work (static/js/push.js): the browser
subscribes with this server's VAPID public key and posts the subscription here as JSON.
The list of devices under it is plain forms: rename, remove, send a test. A person
only ever sees and changes their own devices; anyone else's is "not found".
"""

from __future__ import annotations

import json
import logging
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse, RawPostDataException
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from diary_core.limits import over_limit
from reach import push
from reach.models import PushDevice
from reach.vapid import b64url_decode
from reach.views import page_context

logger = logging.getLogger(__name__)

NAME_MAX = PushDevice._meta.get_field("name").max_length
# A person's devices are sent to one after another: a bound keeps a send short.
MAX_DEVICES = 10
ENDPOINT_MAX = PushDevice._meta.get_field("endpoint").max_length
# A subscription's body is a few hundred bytes; more is not a subscription.
BODY_MAX = 8 * 1024


class Refused(ValueError):
    """Input that cannot be a subscription; the words are shown to the person."""


def default_name(user_agent: str) -> str:
    """A name for a device from its browser's User-Agent, e.g. "Android phone" or
    "Chrome on Windows"; the person can change it."""
    ua = user_agent or ""
    if "Android" in ua:
        return _("Android tablet") if "Mobile" not in ua else _("Android phone")
    if "iPhone" in ua:
        return _("iPhone")
    if "iPad" in ua:
        return _("iPad")
    browser = next(
        (
            label
            for token, label in (
                ("Edg/", "Edge"),
                ("OPR/", "Opera"),
                ("Firefox/", "Firefox"),
                ("Chrome/", "Chrome"),
                ("Safari/", "Safari"),
            )
            if token in ua
        ),
        None,
    )
    system = next(
        (
            label
            for token, label in (
                ("Windows", "Windows"),
                ("Mac OS X", "Mac"),
                ("CrOS", "ChromeOS"),
                ("Linux", "Linux"),
            )
            if token in ua
        ),
        None,
    )
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or _("This computer")


def _endpoint(value) -> str:
    """A push service URL: https at one of the browsers' push services, or the configured
    local test service (settings.WEBPUSH_TEST_SERVICE)."""
    if not isinstance(value, str) or not value or len(value) > ENDPOINT_MAX:
        raise Refused(_("The browser sent no usable address for notifications."))
    test_service = settings.WEBPUSH_TEST_SERVICE
    if test_service and value.startswith(test_service + "/"):
        return value
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
    except ValueError:
        host, parts = "", None
    if parts is None or parts.scheme != "https" or not host or parts.username:
        raise Refused(_("The browser sent no usable address for notifications."))
    # The server posts to this URL: only to a browser's push service, on its usual port
    # (settings.WEBPUSH_SERVICE_HOSTS), never to an address or a name on its own network.
    if parts.port not in (None, 443) or not _push_service(host.lower().rstrip(".")):
        raise Refused(_("The browser sent no usable address for notifications."))
    return value


def _push_service(host: str) -> bool:
    return any(
        host.endswith(name) if name.startswith(".") else host == name
        for name in settings.WEBPUSH_SERVICE_HOSTS
    )


def _key(value, *, size: int, point: bool = False) -> str:
    if not isinstance(value, str) or len(value) > 200:
        raise Refused(_("The browser sent keys for notifications that cannot be used."))
    try:
        raw = b64url_decode(value)
        if len(raw) != size:
            raise ValueError("wrong length")
        if point:
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError as exc:
        raise Refused(_("The browser sent keys for notifications that cannot be used.")) from exc
    return value.strip()


def _name(value, request: HttpRequest) -> str:
    name = value.strip() if isinstance(value, str) else ""
    if len(name) > NAME_MAX:
        raise Refused(
            _("Please give this device a shorter name (at most %(max)s letters).")
            % {"max": NAME_MAX}
        )
    return name or default_name(request.headers.get("User-Agent", ""))


def _refuse(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _json_body(request: HttpRequest) -> dict:
    if request.content_type != "application/json":
        # A form's body was read already (by the CSRF check), and is not JSON anyway.
        raise Refused(_("That is not a subscription for notifications."))
    try:
        body = request.body
        if len(body) > BODY_MAX:
            raise ValueError("too long")
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RawPostDataException) as exc:
        raise Refused(_("That is not a subscription for notifications.")) from exc
    if not isinstance(data, dict):
        raise Refused(_("That is not a subscription for notifications."))
    return data


@login_required
@require_POST
def push_subscribe(request: HttpRequest) -> JsonResponse:
    """Keep this browser's subscription (JSON: endpoint, keys.p256dh, keys.auth, name).

    The same browser subscribing again updates its row; an endpoint another account held
    (someone else signed in on this browser before) moves to this account."""
    if not settings.WEBPUSH_ENABLED:
        return _refuse(_("Notifications on devices are not set up on this server yet."), 503)
    if over_limit(request, group="push-subscribe", key="user", rate="30/h"):
        return _refuse(_("Too many tries. Please wait an hour and try again."), 429)
    try:
        data = _json_body(request)
        keys = data.get("keys") if isinstance(data.get("keys"), dict) else {}
        endpoint = _endpoint(data.get("endpoint"))
        p256dh = _key(keys.get("p256dh"), size=65, point=True)
        auth = _key(keys.get("auth"), size=16)
        name = _name(data.get("name"), request)
    except Refused as refused:
        return _refuse(str(refused))
    with transaction.atomic():
        device = PushDevice.objects.select_for_update().filter(endpoint=endpoint).first()
        if device is None:
            if PushDevice.objects.filter(user=request.user).count() >= MAX_DEVICES:
                return _refuse(
                    _(
                        "%(n)s devices already get your notifications. Remove one you no "
                        "longer use, then try again."
                    )
                    % {"n": MAX_DEVICES},
                    409,
                )
            device = PushDevice.objects.create(
                user=request.user, endpoint=endpoint, p256dh=p256dh, auth=auth, name=name
            )
            created = True
        else:
            created = device.user_id != request.user.pk
            if created:
                logger.info("push device %s moved to user %s", device.pk, request.user.pk)
                device.created_at = timezone.now()
                device.last_sent_at = None
            device.user = request.user
            device.p256dh, device.auth, device.name = p256dh, auth, name
            device.save()
    # Shown on the page the script reloads.
    messages.success(
        request,
        _("Notifications are on for “%(name)s”. Send a test to check that they arrive.")
        % {"name": device.name},
    )
    return JsonResponse(
        {"id": device.pk, "name": device.name, "created": created}, status=201 if created else 200
    )


@login_required
@require_POST
def push_unsubscribe(request: HttpRequest) -> JsonResponse:
    """ "Turn off on this device": forget this browser's subscription (JSON: endpoint)."""
    try:
        endpoint = _json_body(request).get("endpoint")
    except Refused as refused:
        return _refuse(str(refused))
    if not isinstance(endpoint, str):
        return _refuse(_("The browser sent no usable address for notifications."))
    device = get_object_or_404(PushDevice, endpoint=endpoint, user=request.user)
    device.delete()
    messages.success(request, _("This device will not get notifications any more."))
    return JsonResponse({"removed": True})


@login_required
@require_POST
def push_rename(request: HttpRequest, pk: int) -> HttpResponse:
    device = get_object_or_404(PushDevice, pk=pk, user=request.user)
    name = request.POST.get("name", "").strip()
    error = None
    if not name:
        error = _("Please type a name for this device.")
    elif len(name) > NAME_MAX:
        error = _("Please give this device a shorter name (at most %(max)s letters).") % {
            "max": NAME_MAX
        }
    if error:
        # The page again, with what was typed where it was typed.
        rename = {"pk": device.pk, "name": name, "error": error}
        return render(
            request, "reach/notifications.html", page_context(request, rename=rename), status=400
        )
    PushDevice.objects.filter(pk=device.pk).update(name=name)
    messages.success(request, _("The device is now called “%(name)s”.") % {"name": name})
    return redirect("reach:notifications")


@login_required
@require_POST
def push_remove(request: HttpRequest, pk: int) -> HttpResponse:
    device = get_object_or_404(PushDevice, pk=pk, user=request.user)
    device.delete()
    messages.success(
        request,
        _("“%(name)s” will not get notifications any more.") % {"name": device.name},
    )
    return redirect("reach:notifications")


@login_required
@require_POST
def push_test(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a test notification to one of one's own devices, and say what happened."""
    device = get_object_or_404(PushDevice, pk=pk, user=request.user)
    if over_limit(request, group="push-test", key="user", rate="10/h"):
        messages.error(request, _("Too many tests. Please wait an hour and try again."))
        return redirect("reach:notifications")
    result = push.send_test(device)
    if result.outcome == "sent":
        messages.success(
            request,
            _(
                "A test was sent to “%(name)s”. It should appear in a few seconds. If it "
                "does not, check that notifications for this diary are allowed in that "
                "device's settings."
            )
            % {"name": device.name},
        )
    elif result.outcome == "gone":
        messages.warning(
            request,
            _(
                "“%(name)s” does not accept notifications any more (they were turned off "
                "in its browser), so it was taken off the list. To get them there again, "
                "open the diary on it and turn notifications on."
            )
            % {"name": device.name},
        )
    else:
        messages.error(
            request,
            _("The test could not be sent just now. Please try again in a few minutes."),
        )
    return redirect("reach:notifications")
