"""Reading and changing a person's reminder preferences."""

from __future__ import annotations

from django.db import transaction

from portal.notifications.kinds import all_kinds, allowed_modes, effective_mode, kind_of
from portal.notifications.models import Mode, NotificationPreference, SentReminder, Status


def preferences_of(user) -> dict[str, str]:
    """``{kind: mode}``, with ``""`` for the person's default."""
    return dict(NotificationPreference.objects.filter(user=user).values_list("kind", "mode"))


def _check(kind_key: str, mode: str, kinds) -> None:
    if not kind_key:
        if mode and mode not in Mode.values:
            raise ValueError(f"Unknown mode {mode!r}.")
        return
    kind = kinds.get(kind_key)
    if kind is None:
        raise ValueError(f"Unknown kind {kind_key!r}.")
    if kind.urgent:
        raise ValueError(f"{kind_key} is urgent: always immediate, never changed.")
    if mode and mode not in allowed_modes(kind):
        raise ValueError(f"Mode {mode!r} is not offered for {kind_key}.")


@transaction.atomic
def preferences_set(*, user, modes: dict[str, str]) -> None:
    """Store ``{kind or "": mode or ""}`` ("" mode: back to the default) and re-route the
    person's waiting reminders to the new choice.

    Refuses (ValueError) an urgent kind, an unknown kind or a mode the kind does not offer.
    """
    kinds = all_kinds()
    for kind_key, mode in modes.items():
        _check(kind_key, mode, kinds)
    for kind_key, mode in modes.items():
        if mode:
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind_key, defaults={"mode": mode}
            )
        else:
            NotificationPreference.objects.filter(user=user, kind=kind_key).delete()
    _reroute(user, kinds)


def _reroute(user, kinds) -> None:
    """Waiting rows follow the new choice; rows being sent or already sent are left alone."""
    prefs = preferences_of(user)
    waiting = SentReminder.objects.filter(recipient=user, status=Status.PENDING, sent_at=None)
    for kind_key in waiting.values_list("kind", flat=True).distinct().order_by():
        kind = kind_of(kind_key, kinds)
        mode = effective_mode(kind, prefs.get(kind_key), prefs.get(""))
        waiting.filter(kind=kind_key).exclude(delivery=mode).update(
            delivery=mode,
            status=Status.MUTED if mode == Mode.OFF else Status.PENDING,
            queued_at=None,
        )
