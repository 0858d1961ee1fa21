"""How a notification reaches a clinician. One small class per channel.

Messages say that there is an alert, its level, and link to it. They never carry
symptoms, temperatures, notes or the patient's name — a short reference only.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.languages import speaking_to
from alerts.care.models import ConcernEvent, Notification
from alerts.ruleset.models import Level
from diary_core import mailer
from diary_core.outbox import DeliveryError
from reach import push, sms

TEMPLATES = ("emails/alert-subject.txt", "emails/alert-body.txt", "emails/alert-body.html")


def transports_warm() -> None:
    """Load what the first message would otherwise load on its way out (a worker process
    calls this once at start, so the first alert after a deploy is not the slow one): the
    URL resolver, the e-mail templates and each language's catalogue, the e-mail's MIME
    code, the push keys and encryption (reach.push.push_warm). Nothing is sent; the
    database's part is alerts.delivery.send.delivery_warm's."""
    sample = {
        "kind": ConcernEvent.Kind.OPENED,
        "level": Level.CONTACT,
        "reference": "B-000000000",
        "step": None,
        "owner": lambda: None,
        "passed_by": lambda: None,
        "recipient": get_user_model()(username="warm"),  # unsaved: never written
    }
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            # The URL resolver fills its reverse map once per language.
            sample["link"] = reverse("team:concern", args=[1])
            for name in TEMPLATES:
                get_template(name).render(sample)
    message = EmailMultiAlternatives(subject="warm", body="warm", to=["warm@localhost"])
    message.attach_alternative("<p>warm</p>", "text/html")
    message.message()
    push.push_warm()


class Transport:
    def notify(self, notification: Notification) -> None:
        """Send one notification. Raise DeliveryError for the transport's own refusal and
        let any other error (smtplib's, a push service's) through: the outbox
        (diary_core/outbox.py) classifies and records it, without its text."""
        raise NotImplementedError

    @staticmethod
    def context(notification: Notification) -> dict:
        """What a message may say: what changed, the level, the patient's short reference,
        the owner's name and the link. Never the rules' names, which would say what is
        wrong."""
        concern, event = notification.concern, notification.event
        return {
            "kind": notification.kind,
            "level": concern.level,
            "reference": concern.patient.reference,
            "link": settings.DIARY_BASE_URL + reverse("team:concern", args=[concern.pk]),
            "step": (event.detail or {}).get("step") if event else None,
            # Read only by the messages that name them (a reminder, a handover): a template
            # calls these when it renders them, so a first notice never loads either.
            "owner": lambda: concern.owner,
            "passed_by": lambda: event.by if event else None,
            "recipient": notification.recipient,
        }


class InApp(Transport):
    """The Notification row is the in-app message: the badge and list read it."""

    def notify(self, notification: Notification) -> None:
        return None


class Email(Transport):
    def notify(self, notification: Notification) -> None:
        address = notification.recipient.email
        if not address:
            raise DeliveryError("the recipient has no e-mail address", permanent=True)
        with speaking_to(notification.recipient):  # in the clinician's language
            ctx = self.context(notification)
            subject, body, html = (render_to_string(name, ctx) for name in TEMPLATES)
            message = EmailMultiAlternatives(subject=subject.strip(), body=body, to=[address])
            message.attach_alternative(html, "text/html")
        mailer.send(message)


class Push(Transport):
    """A push notification to each of the recipient's devices: "a message for you" and
    the concern's link, nothing more (reach/push.py). URGENT wakes the phone at once."""

    def notify(self, notification: Notification) -> None:
        concern = notification.concern
        push.send(
            notification.recipient,
            url=self.context(notification)["link"],
            tag=f"concern-{concern.pk}",
            urgency=push.Urgency.HIGH if concern.level == Level.URGENT else push.Urgency.NORMAL,
        )


class Sms(Transport):
    """A text to the recipient's verified number (reach/sms.py): that there is a message,
    URGENT when it is (a word about the queue, not the patient), and the link. Short: one
    160-character message in English."""

    def notify(self, notification: Notification) -> None:
        with speaking_to(notification.recipient):
            ctx = self.context(notification)
            if ctx["level"] == Level.URGENT:
                text = _("Kesimpta diary: an URGENT message for you. Open %(link)s")
            else:
                text = _("Kesimpta diary: a message for you. Open %(link)s")
            text %= {"link": ctx["link"]}
        sid = sms.send(notification.recipient, text)
        # The provider's delivery report (alerts/delivery/receipts.py) finds the row by it.
        Notification.objects.filter(pk=notification.pk).update(provider_id=sid[:64])


TRANSPORTS: dict[str, Transport] = {
    Notification.Channel.IN_APP: InApp(),
    Notification.Channel.EMAIL: Email(),
    Notification.Channel.PUSH: Push(),
    Notification.Channel.SMS: Sms(),
}
