"""Reminder e-mails: HTML and plain text, in the recipient's language, dates in Paris time."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from portal.notifications import tokens
from portal.notifications.kinds import all_kinds, kind_of
from portal.notifications.models import Mode

PARIS = "Europe/Paris"


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def language_of(user) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    return user.language if user.language in codes else settings.LANGUAGE_CODE


def headline(row, kinds=None) -> str:
    """One sentence saying what is due, in the active language: the kind's own wording,
    declared with the kind by the space that owns it."""
    return kind_of(row.kind, kinds).sentence(row.context or {}, row.step)


def _unsubscribe_url(user, kind: str) -> str:
    return absolute(reverse("notifications:unsubscribe", kwargs={"token": tokens.make(user, kind)}))


def _message(*, user, subject, template, context, headers) -> EmailMultiAlternatives:
    text = render_to_string(f"notifications/email/{template}.txt", context)
    html = render_to_string(f"notifications/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject,
        text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={"Auto-Submitted": "auto-generated", **headers},
    )
    message.attach_alternative(html, "text/html")
    return message


def reminder_message(row) -> EmailMultiAlternatives | None:
    """The mail of one reminder; None when there is nothing to say (an empty digest)."""
    user = row.recipient
    with translation.override(language_of(user)), timezone.override(PARIS):
        kind = kind_of(row.kind)
        digest = None
        if kind.digest is not None:
            digest = kind.digest(user, row)
            if not digest:
                return None
        unsubscribe = None if kind.urgent else _unsubscribe_url(user, row.kind)
        practice = row.practice.name if row.practice_id else ""
        subject = f"[Vigie] {kind.label}" + (f" — {practice}" if practice else "")
        headers = {"X-Vigie-Reminder": str(row.public_id)}
        if unsubscribe:
            headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        context = {
            "user": user,
            "kind": kind,
            "practice": practice,
            "headline": headline(row),
            "url": absolute(row.url),
            "unsubscribe_url": unsubscribe,
            "preferences_url": absolute(reverse("notifications:preferences")),
            "digest": digest,
            "site_url": settings.SITE_URL,
            "lang": translation.get_language(),
        }
        return _message(
            user=user, subject=subject, template=kind.template, context=context, headers=headers
        )


def digest_message(user, rows, mode: str) -> EmailMultiAlternatives:
    """One mail for several pending reminders, grouped by practice."""
    with translation.override(language_of(user)), timezone.override(PARIS):
        kinds = all_kinds()
        groups: dict[str, list] = {}
        for row in rows:
            name = row.practice.name if row.practice_id else ""
            groups.setdefault(name, []).append(
                {
                    "label": kind_of(row.kind, kinds).label,
                    "headline": headline(row, kinds),
                    "url": absolute(row.url),
                }
            )
        count = len(rows)
        if mode == Mode.WEEKLY:
            subject = ngettext(
                "[Vigie] Votre résumé de la semaine : %(count)s rappel",
                "[Vigie] Votre résumé de la semaine : %(count)s rappels",
                count,
            )
        else:
            subject = ngettext(
                "[Vigie] Votre résumé du jour : %(count)s rappel",
                "[Vigie] Votre résumé du jour : %(count)s rappels",
                count,
            )
        unsubscribe = _unsubscribe_url(user, "")
        context = {
            "user": user,
            "groups": sorted(groups.items()),
            "count": count,
            "weekly": mode == Mode.WEEKLY,
            "unsubscribe_url": unsubscribe,
            "preferences_url": absolute(reverse("notifications:preferences")),
            "site_url": settings.SITE_URL,
            "lang": translation.get_language(),
        }
        headers = {
            "X-Vigie-Reminder": ",".join(str(row.public_id) for row in rows),
            "List-Unsubscribe": f"<{unsubscribe}>",
        }
        return _message(
            user=user,
            subject=subject % {"count": count},
            template="digest",
            context=context,
            headers=headers,
        )
