"""The SMS provider's delivery reports ("status callbacks") about the team's texts.

The outbox row's status says whether the provider took a text (sent, retried, failed);
the provider may later say whether the phone got it. When SMS_STATUS_CALLBACK is set,
every text asks the provider to POST its reports there; this view checks the report's
signature (HMAC with the account's token, twilio.request_validator) and notes the final
word on the message's row (`provider_status`). Reports carry the numbers: nothing of
them is logged or kept but the message id and its status.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator

from alerts.care.models import Notification
from reach import sms

# The provider's last words about a message; earlier ones ("queued", "sent") are not kept,
# so a late "sent" never overwrites "delivered".
FINAL = frozenset({"delivered", "undelivered", "failed"})


def notification_receipt(*, provider_id: str, status: str) -> int:
    """Note the provider's final report on the text it knows as `provider_id`; how many
    rows it named (0 for an id we never sent, or a report that is not final)."""
    if not provider_id or status not in FINAL:
        return 0
    return Notification.objects.filter(provider_id=provider_id).update(provider_status=status)


@csrf_exempt  # the provider's POST: its signature, not a session, says who sent it
@require_POST
def sms_status(request: HttpRequest) -> HttpResponse:
    if not settings.SMS_STATUS_CALLBACK or not sms.is_on():
        raise Http404
    validator = RequestValidator(settings.SMS_AUTH_TOKEN)
    # Signed over the address the provider was given (behind a proxy, request's own
    # address may differ in scheme or host).
    signature = request.headers.get("X-Twilio-Signature", "")
    if not validator.validate(settings.SMS_STATUS_CALLBACK, request.POST, signature):
        return HttpResponseForbidden()
    notification_receipt(
        provider_id=request.POST.get("MessageSid", ""),
        status=request.POST.get("MessageStatus", ""),
    )
    return HttpResponse(status=204)
