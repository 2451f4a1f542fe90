"""Reminder e-mails: HTML and plain text, in the recipient's language, dates in Paris time."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from portal.notifications import delegates, tokens
from portal.notifications.kinds import all_kinds, kind_of
from portal.notifications.models import Mode
from portal.texts import local

PARIS = "Europe/Paris"


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def language_of(user) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    return user.language if user.language in codes else settings.LANGUAGE_CODE


# Dates as on every page of the portal (dd/mm/yyyy, Paris time), in both languages: the
# long format wrote "1 décembre" for "1er décembre" and "Dec. 1, 2026" in English.
DATE = "d/m/Y"
DATETIME = "d/m/Y H:i"


def _when(value, fmt=DATE) -> str:
    moment = parse_datetime(value) if isinstance(value, str) else value
    if moment is None:
        return str(value or "")
    return date_format(timezone.localtime(moment), fmt)


def _title(context: dict) -> str:
    """The item's title in the active language: ``title`` (French) and ``title_en``, or a
    ``{"fr": …, "en": …}`` text as the content files give it."""
    title = context.get("title") or ""
    if isinstance(title, dict):
        return local(title)
    return local({"fr": title, "en": context.get("title_en")})


def _fallback(context: dict, label: str) -> str:
    title = _title(context) or context.get("name")
    date = next(
        (
            context[k]
            for k in ("due_at", "until", "expires_at", "review_at", "deadline")
            if context.get(k)
        ),
        None,
    )
    # ":" is Django's own msgid: " :" (no-break space) in French, ":" in English.
    text = f"{label}{gettext(':')} {title}" if title else str(label)
    if date:
        text += " — " + gettext("échéance le %(date)s") % {"date": _when(date)}
    return text


def headline(row, kinds=None) -> str:
    """One sentence saying what is due, in the active language."""
    context, step = row.context or {}, row.step
    kind = kind_of(row.kind, kinds)
    if row.kind == "invitation.expiring":
        return gettext("L'invitation envoyée à %(email)s expire le %(date)s.") % {
            "email": context.get("email", ""),
            "date": _when(context.get("expires_at"), DATETIME),
        }
    if row.kind == "checklist.due":
        return gettext("La liste de contrôle « %(title)s » est à faire avant le %(date)s.") % {
            "title": _title(context),
            "date": _when(context.get("due_at")),
        }
    if row.kind == "checklist.overdue":
        return gettext(
            "La liste de contrôle « %(title)s » est en retard : elle était à faire avant le "
            "%(date)s."
        ) % {"title": _title(context), "date": _when(context.get("due_at"))}
    if row.kind == "attestation.due":
        return gettext("Vos engagements personnels de sécurité sont à confirmer de nouveau.")
    if row.kind == "incident.deadline":
        from registry.incidents.models import Kind as IncidentKind

        code = context.get("kind", "")
        values = {
            "kind": str(dict(IncidentKind.choices).get(code, code)),
            "date": _when(context.get("deadline"), DATETIME),
        }
        if step == "72h":
            return (
                gettext(
                    "Incident (%(kind)s) : le délai de 72 heures pour notifier la CNIL a expiré "
                    "le %(date)s. Notifiez sans attendre en expliquant le retard."
                )
                % values
            )
        return (
            gettext(
                "Incident (%(kind)s) : la notification à la CNIL doit être faite avant le %(date)s."
            )
            % values
        )
    if row.kind == "delegate.weekly":
        return gettext("Le résumé de la semaine des cabinets que vous suivez.")
    if row.kind == "suggestion.pending":
        return gettext(
            "%(delegate)s suggère « %(title)s » au cabinet. Acceptez ou refusez la suggestion."
        ) % {
            "delegate": context.get("delegate") or gettext("Un délégué numérique en santé"),
            "title": _title(context),
        }
    if row.kind == "registry.review_due":
        return gettext(
            "La fiche « %(title)s » du registre des traitements est à relire : vérifiez "
            "qu'elle décrit toujours ce que fait le cabinet, puis marquez-la comme relue."
        ) % {"title": _title(context)}
    if row.kind.startswith("training."):
        title = _title(context)
        if row.kind == "training.expiring":
            return gettext(
                "Votre formation « %(title)s » expire le %(date)s : refaites le module pour "
                "rester à jour."
            ) % {"title": title, "date": _when(context.get("until"))}
        if row.kind == "training.expired":
            return gettext(
                "Votre formation « %(title)s » n'est plus valide : refaites le module."
            ) % {"title": title}
        if row.kind == "training.never_started":
            return gettext(
                "Vous n'avez pas encore commencé la formation à la sécurité du cabinet : "
                "quelques minutes par module suffisent."
            )
    return _fallback(context, kind.label)


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
        if row.kind == "delegate.weekly":
            since = parse_datetime(row.context.get("since", "")) or row.created_at
            digest = delegates.weekly_digest(user, since)
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
        template = "delegate_weekly" if digest else "reminder"
        return _message(
            user=user, subject=subject, template=template, context=context, headers=headers
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
