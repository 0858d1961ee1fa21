"""The audit trails written from a request: who opened which patient's record
(`access_record`), and who was refused what, and when (`RefusedRequestMiddleware`).

The models take plain values (user, address, route); this module reads them from the
request, so the model layer knows nothing of HTTP.

A signed-in user who gets a 404 or 403 (or is sent from the admin to its login) may have typed a stale link, or may be probing
another patient's ids. Both are recorded (a row and a WARNING on the `security` logger);
the response the user sees is unchanged, and a failure to record never breaks the page.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from diary_core.client_ip import client_ip
from patients.models import AccessLog, Patient, RefusedRequest

logger = logging.getLogger("security")


def route_of(request) -> str:
    """The name of the view that answered (the page, not its query), or ""."""
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else ""


def access_record(request, patient: Patient | None, action: str) -> AccessLog:
    """Write to the access log that the signed-in user opened `patient`'s record (or, with
    no patient, a list) on this page, from their address."""
    return AccessLog.record(
        request.user, patient, action, ip=client_ip(request), route=route_of(request)
    )


REFUSED = {403, 404}
# Static files and the favicon are not authorisation decisions.
IGNORED_PREFIXES = ("/static/", "/favicon.ico")


class RefusedRequestMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if response.status_code in REFUSED or self._sent_away_from_admin(user, response):
                self._record(request, user, response.status_code)
        return response

    @staticmethod
    def _sent_away_from_admin(user, response) -> bool:
        """The admin answers a signed-in non-administrator with a redirect to its login."""
        if user.is_staff or response.status_code != 302:
            return False
        return response.get("Location", "").startswith(reverse("admin:login"))

    def _record(self, request, user, status: int) -> None:
        path = request.path
        if path.startswith(IGNORED_PREFIXES):
            return
        route = route_of(request)[:100]
        now = timezone.now()
        minute = now.replace(second=0, microsecond=0)
        try:
            if self._add_to_minute(user, route, minute):
                return
            with transaction.atomic():
                RefusedRequest.objects.create(
                    user=user,
                    method=request.method[:8],
                    path=path[:300],
                    route=route,
                    status=status,
                    ip=client_ip(request),
                    at=now,
                    minute=minute,
                )
        except IntegrityError:
            self._add_to_minute(user, route, minute)  # a concurrent request made the row
            return
        except DatabaseError:
            logger.exception("could not record a refused request")
            return
        # One WARNING per row (the first refusal of the minute), not per request.
        logger.warning(
            "refused user=%s method=%s status=%s route=%s path=%s",
            user.pk,
            request.method,
            status,
            route or "-",
            path[:300],
        )

    @staticmethod
    def _add_to_minute(user, route: str, minute) -> bool:
        return bool(
            RefusedRequest.objects.filter(user=user, route=route, minute=minute).update(
                count=F("count") + 1
            )
        )
