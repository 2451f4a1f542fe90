"""Suggestions: a delegate proposes a checklist template or a registry preset to several of
the practices they oversee; each practice admin accepts (the checklist is activated, the
preset adopted as a draft fiche) or declines.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal import audit
from portal.models import Suggestion
from portal.reminders import Due, Kind, title
from portal.texts import local
from practices.access import overseen_by
from practices.checklists.models import Template
from practices.checklists.services import checklist_activate
from practices.roles import Cap
from registry.models import Preset
from registry.services import adopt_preset

# The capability a member needs to decide a suggestion of each kind.
DECIDE_CAPABILITY = {
    Suggestion.Kind.CHECKLIST: Cap.MANAGE_CHECKLISTS,
    Suggestion.Kind.PRESET: Cap.EDIT_REGISTRY,
}


class SuggestionError(Exception):
    """The suggestion cannot be sent or carried out (unknown item, already decided)."""


def preset_choices() -> list[tuple[str, str]]:
    """``[(key, title)]`` of the registry presets, titles in the active language."""
    return sorted(((p.key, p.name) for p in Preset.objects.all()), key=lambda c: c[1])


def checklist_choices() -> list[tuple[str, str]]:
    return sorted(((t.code, t.local_title) for t in Template.objects.all()), key=lambda c: c[1])


def choices() -> dict[str, list[tuple[str, str]]]:
    """``{kind: [(key, title)]}`` for every kind that can be carried out today."""
    return {
        Suggestion.Kind.CHECKLIST: checklist_choices(),
        Suggestion.Kind.PRESET: preset_choices(),
    }


def _library(items) -> dict[str, dict]:
    """``{kind: {key: Template or Preset}}`` for the suggestions' items still in the
    library (one query per kind present)."""
    codes = {s.key for s in items if s.kind == Suggestion.Kind.CHECKLIST}
    keys = {s.key for s in items if s.kind == Suggestion.Kind.PRESET}
    return {
        Suggestion.Kind.CHECKLIST: {t.code: t for t in Template.objects.filter(code__in=codes)}
        if codes
        else {},
        Suggestion.Kind.PRESET: {p.key: p for p in Preset.objects.filter(key__in=keys)}
        if keys
        else {},
    }


def with_titles(items) -> list[Suggestion]:
    """The suggestions, each with ``display_title``: its checklist's or preset's title in
    the reader's language (two queries whatever their number). ``title`` keeps the text
    as the delegate saw it when sending, in the delegate's language: shown only when the
    item has left the library."""
    items = list(items)
    library = _library(items)
    for suggestion in items:
        item = library.get(suggestion.kind, {}).get(suggestion.key)
        if item is None:
            suggestion.display_title = suggestion.title
        elif suggestion.kind == Suggestion.Kind.CHECKLIST:
            suggestion.display_title = item.local_title or suggestion.title
        else:
            suggestion.display_title = item.name or suggestion.title
    return items


def suggestion_send(*, delegate, practices, kind: str, key: str, note: str = "") -> dict:
    """Suggest ``kind``/``key`` to each practice; every one must grant the delegate access.

    A practice that already has the same suggestion pending is skipped. Returns
    ``{"created": [Suggestion], "skipped": [Practice]}``.
    """
    title = dict(choices().get(kind, [])).get(key)
    if title is None:
        raise SuggestionError(key)
    wanted = {practice.pk for practice in practices}
    granted = set(overseen_by(delegate).filter(pk__in=wanted).values_list("pk", flat=True))
    if not wanted or granted != wanted:
        raise PermissionDenied
    created, skipped = [], []
    with transaction.atomic():
        pending = set(
            Suggestion.objects.filter(
                practice_id__in=wanted, kind=kind, key=key, status=Suggestion.Status.PENDING
            ).values_list("practice_id", flat=True)
        )
        for practice in practices:
            if practice.pk in pending:
                skipped.append(practice)
                continue
            created.append(
                Suggestion(
                    practice=practice, delegate=delegate, kind=kind, key=key, title=title, note=note
                )
            )
        # A concurrent identical send may win the "one pending" constraint: no error.
        Suggestion.objects.bulk_create(created, ignore_conflicts=True)
    return {"created": created, "skipped": skipped}


def _carry_out(suggestion: Suggestion, user, request) -> None:
    if suggestion.kind == Suggestion.Kind.CHECKLIST:
        template = Template.objects.filter(code=suggestion.key).first()
        if template is None:
            raise SuggestionError(suggestion.key)
        checklist_activate(practice=suggestion.practice, template=template, request=request)
        return
    if not Preset.objects.filter(key=suggestion.key).exists():
        raise SuggestionError(suggestion.key)
    adopt_preset(
        practice=suggestion.practice, preset_key=suggestion.key, user=user, request=request
    )


def _decide(*, suggestion: Suggestion, user, status: str, request) -> Suggestion:
    locked = (
        Suggestion.objects.select_for_update()
        .select_related("practice")
        .filter(
            practice_id=suggestion.practice_id,
            pk=suggestion.pk,
            status=Suggestion.Status.PENDING,
        )
        .first()
    )
    if locked is None:
        raise SuggestionError("already decided")
    if status == Suggestion.Status.ACCEPTED:
        _carry_out(locked, user, request)
    locked.status, locked.decided_by, locked.decided_at = status, user, timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record(
        request=request,
        actor=user,
        practice=locked.practice,
        action=f"suggestion.{'accept' if status == Suggestion.Status.ACCEPTED else 'decline'}",
        target=locked,
        target_label=str(locked),
        changes={"status": [Suggestion.Status.PENDING.value, status]},
    )
    return locked


@transaction.atomic
def suggestion_accept(*, suggestion: Suggestion, user, request=None) -> Suggestion:
    status = Suggestion.Status.ACCEPTED
    return _decide(suggestion=suggestion, user=user, status=status, request=request)


@transaction.atomic
def suggestion_decline(*, suggestion: Suggestion, user, request=None) -> Suggestion:
    status = Suggestion.Status.DECLINED
    return _decide(suggestion=suggestion, user=user, status=status, request=request)


# --- reminder source (see portal/reminders.py): a suggestion waits for the admins -------


def _pending(context: dict, step: str) -> str:
    return gettext(
        "%(delegate)s suggère « %(title)s » au cabinet. Acceptez ou refusez la suggestion."
    ) % {
        "delegate": context.get("delegate") or gettext("Un délégué numérique en santé"),
        "title": title(context),
    }


KINDS = {
    "suggestion.pending": Kind(
        "suggestion.pending",
        _("Suggestion d'un délégué à examiner"),
        headline=_pending,
        audience=frozenset({"admin"}),
    ),
}


def _texts(value) -> tuple[str, str]:
    """``(French, English)`` of a content text: ``{"fr": …, "en": …}`` or plain text."""
    return local(value, "fr"), local(value, "en")


def due(now):
    """Each pending suggestion, once, to the practice's admins (three queries)."""
    pending = list(
        Suggestion.objects.filter(status=Suggestion.Status.PENDING).select_related(
            "practice", "delegate"
        )
    )
    library = _library(pending)
    for suggestion in pending:
        item = library.get(suggestion.kind, {}).get(suggestion.key)
        if item is None:
            french = english = suggestion.title
        elif suggestion.kind == Suggestion.Kind.CHECKLIST:
            french, english = _texts(item.title)
        else:
            french, english = _texts(item.data.get("name"))
        yield Due(
            kind="suggestion.pending",
            practice_id=suggestion.practice_id,
            object_key=f"portal.suggestion:{suggestion.public_id}",
            step="pending",
            url=reverse("suggestions", kwargs={"practice_slug": suggestion.practice.slug}),
            context={
                "title": french,
                "title_en": english,
                "delegate": suggestion.delegate.display_name if suggestion.delegate else "",
            },
            roles=("admin",),
        )
