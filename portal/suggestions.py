"""Suggestions: a delegate proposes a checklist template or a registry preset to several of
the practices they oversee; each practice admin accepts (the checklist is activated, the
preset adopted) or declines.

A kind is offered only when its space provides the service that carries out the
acceptance: checklists always (``practices.checklists``), registry presets when
``registry.presets.PRESETS`` and ``registry.services.adopt_preset`` exist.
"""

from __future__ import annotations

import importlib

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language

from portal import audit
from portal.models import Suggestion
from practices.access import overseen_by
from practices.checklists.models import Template
from practices.checklists.services import checklist_activate
from practices.roles import Cap

# The capability a member needs to decide a suggestion of each kind.
DECIDE_CAPABILITY = {
    Suggestion.Kind.CHECKLIST: Cap.MANAGE_CHECKLISTS,
    Suggestion.Kind.PRESET: Cap.EDIT_REGISTRY,
}


class SuggestionError(Exception):
    """The suggestion cannot be sent or carried out (unknown item, already decided)."""


def _optional(module_name: str, attribute: str):
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name == module_name or module_name.startswith(f"{error.name}."):
            return None
        raise
    return getattr(module, attribute, None)


def _presets():
    """The registry presets: ``registry.presets.PRESETS`` (a dict or a list), else the rows
    of ``registry.models.Preset``; None when the registry offers none."""
    presets = _optional("registry.presets", "PRESETS")
    if presets is not None:
        return presets
    model = _optional("registry.models", "Preset")
    return None if model is None else list(model.objects.all())


def _adopt_preset():
    return _optional("registry.services", "adopt_preset")


def _preset_key(preset) -> str:
    return str(preset.get("key") if isinstance(preset, dict) else getattr(preset, "key", ""))


def _preset_title(key, preset) -> str:
    if isinstance(preset, dict):
        for name in ("title", "label", "name"):
            if preset.get(name):
                return _local(preset[name])
        return str(key)
    if callable(getattr(preset, "text", None)) and preset.text("name"):
        return str(preset.text("name"))
    for name in ("title", "label", "name", "local_title"):
        if getattr(preset, name, None):
            return _local(getattr(preset, name))
    return str(key)


def _local(value) -> str:
    """A plain or per-language ({"fr": …, "en": …}) title in the active language."""
    if isinstance(value, dict):
        language = "en" if (get_language() or "fr").startswith("en") else "fr"
        return str(value.get(language) or value.get("fr") or next(iter(value.values()), ""))
    return str(value)


def preset_choices() -> list[tuple[str, str]] | None:
    """``[(key, title)]`` of the registry presets, or None when presets cannot be adopted."""
    if _adopt_preset() is None:
        return None
    presets = _presets()
    if presets is None:
        return None
    items = presets.items() if isinstance(presets, dict) else ((_preset_key(p), p) for p in presets)
    return sorted(((str(k), _preset_title(k, p)) for k, p in items if k), key=lambda c: c[1])


def checklist_choices() -> list[tuple[str, str]]:
    return sorted(((t.code, t.local_title) for t in Template.objects.all()), key=lambda c: c[1])


def choices() -> dict[str, list[tuple[str, str]]]:
    """``{kind: [(key, title)]}`` for every kind that can be carried out today."""
    offered = {Suggestion.Kind.CHECKLIST: checklist_choices()}
    presets = preset_choices()
    if presets is not None:
        offered[Suggestion.Kind.PRESET] = presets
    return offered


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
    adopt = _adopt_preset()
    if adopt is None or suggestion.key not in dict(preset_choices() or []):
        raise SuggestionError(suggestion.key)
    adopt(practice=suggestion.practice, preset_key=suggestion.key, user=user)


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
