"""Plausible times: the one place for the rules every date or time a person types follows.

* what has happened cannot be in the future (a few minutes' grace for a device's clock);
* ordering: a later step cannot precede the one it follows (aware ≥ observed, filed ≥
  aware, a follow-up filing after the initial one…);
* a date far in the past (``OLD_DAYS``) is not refused but asks to be confirmed: the form
  shows a checkbox « Je confirme cette date » next to the message, and what was typed stays.

Forms use ``PlausibleTimesMixin`` and call its helpers from ``clean()``; messages are set on
the field concerned, in French (translated), and name the date they compare with.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# A device's clock a little ahead of the server's is not a date in the future.
GRACE = timedelta(minutes=5)
OLD_DAYS = 30
CONFIRM = "confirm_dates"


def _moment(value) -> datetime | None:
    """A date or datetime as an aware datetime (a date: its first instant, in Paris)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if isinstance(value, date):
        return timezone.make_aware(datetime(value.year, value.month, value.day))
    return None


def shown(value) -> str:
    """A date or time as the reader sees it (Paris, day first)."""
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def is_future(value, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    if isinstance(value, datetime):
        return value > now + GRACE
    if isinstance(value, date):
        return value > timezone.localdate(now)
    return False


def is_old(value, days: int = OLD_DAYS, now: datetime | None = None) -> bool:
    moment = _moment(value)
    return moment is not None and moment < (now or timezone.now()) - timedelta(days=days)


class PlausibleTimesMixin(forms.Form):
    """Helpers for ``clean()``; adds the (hidden until needed) confirmation checkbox."""

    confirm_dates = forms.BooleanField(
        label=gettext_lazy("Je confirme cette date ancienne"),
        required=False,
        widget=forms.HiddenInput,
    )

    def _clean_form(self):
        super()._clean_form()
        # A question to the person, not data: the views pass cleaned_data on to the services.
        if hasattr(self, "cleaned_data"):
            self.cleaned_data.pop(CONFIRM, None)

    def _valid(self, name):
        return None if name in self.errors else self.cleaned_data.get(name)

    def no_future(self, *names, message=None) -> None:
        for name in names:
            value = self._valid(name)
            if value is not None and is_future(value):
                self.add_error(
                    name,
                    message
                    or _(
                        "Cette date est à venir : indiquez quand c'est arrivé "
                        "(aujourd'hui au plus tard)."
                    ),
                )

    def not_before(self, name, earlier, message: str) -> None:
        """``name`` must not precede ``earlier`` (a value, or the name of another field).
        ``message`` may use ``%(date)s``: the earlier date as shown."""
        value = self._valid(name)
        if isinstance(earlier, str):
            earlier = self._valid(earlier)
        if value is None or earlier is None:
            return
        if isinstance(value, datetime) != isinstance(earlier, datetime):
            before = _moment(value) < _moment(earlier)  # a day against a time: the day counts
            if isinstance(value, date) and not isinstance(value, datetime):
                before = value < timezone.localtime(earlier).date()
        elif isinstance(value, datetime):
            # Typed to the minute: a stored time's seconds do not count.
            before = value < earlier.replace(second=0, microsecond=0)
        else:
            before = value < earlier
        if before:
            self.add_error(name, message % {"date": shown(earlier)})

    def confirm_if_old(self, *names, days: int = OLD_DAYS) -> None:
        """A date more than ``days`` days ago is kept only once confirmed (the checkbox)."""
        old = [
            n
            for n in names
            if self._valid(n) is not None
            and is_old(self._valid(n), days)
            and self._valid(n) != self.initial.get(n)  # a date kept as it was: asked before
        ]
        if not old:
            return
        field = self.fields[CONFIRM]
        field.widget = forms.CheckboxInput()
        # Right after the first date concerned, where the message is.
        order = [n for n in self.fields if n != CONFIRM]
        order.insert(order.index(old[0]) + 1, CONFIRM)
        self.order_fields(order)
        if self.cleaned_data.get(CONFIRM):
            return
        for name in old:
            self.add_error(
                name,
                _(
                    "Cette date remonte à plus de %(days)s jours (%(date)s) : si elle est "
                    "exacte, cochez « Je confirme cette date ancienne » ; sinon corrigez-la."
                )
                % {"days": days, "date": shown(self._valid(name))},
            )


REASON = "reason"


class ChangeReasonMixin(forms.Form):
    """A time that drives a deadline, once recorded, changes only with a reason.

    The « Raison du changement » field stays hidden until a traced time changes (or always
    shows, ``reason_always``, on a correction form); then it is required, with its message
    next to it, and what was typed stays."""

    reason = forms.CharField(
        label=gettext_lazy("Raison du changement"),
        required=False,
        max_length=1000,
        widget=forms.HiddenInput,
        help_text=gettext_lazy(
            "Le changement est tracé : avant → après, par qui, quand et pourquoi."
        ),
    )
    reason_always = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.reason_always:
            self._show_reason()

    def _show_reason(self):
        self.fields[REASON].widget = forms.Textarea(attrs={"rows": 2})

    def require_reason(self, *names, stored: dict) -> bool:
        """Asks the reason when one of ``names`` differs (to the minute) from ``stored``
        (the recorded values; a name absent from ``stored`` was never recorded)."""
        changed = [
            n
            for n in names
            if n in stored
            and self._valid(n) is not None
            and _minute(self._valid(n)) != _minute(stored[n])
        ]
        if changed or self.reason_always:
            self._show_reason()
            if not self.cleaned_data.get(REASON, "").strip():
                self.add_error(
                    REASON,
                    _("Indiquez la raison de ce changement : il reste tracé dans l'historique."),
                )
        return bool(changed)


def _minute(value):
    if isinstance(value, datetime):
        return value.replace(second=0, microsecond=0)
    return value
