"""The answer deadlines of a rights request, as plain rules (dates in Europe/Paris).

* every request: one month from receipt (GDPR art. 12.3), which the practice may extend by
  two further months, telling the person within the first month and why;
* access to the medical record (art. L1111-7 CSP): 8 days, or two months when the
  information dates back more than five years; the CSP sets no extension.

The delay counts from the complete request (the day the missing proof of identity or of
standing arrived), or from receipt. A month ends on the same day of the following month, or
on that month's last day when it has none (31 January → 28 or 29 February): ``relativedelta``
does exactly this. The deadline is a day: a request answered on it is on time.
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext_lazy as _

MEDICAL_RECORD = "medical_record"
GENERAL = relativedelta(months=1)
EXTENSION = relativedelta(months=2)
RECORD = relativedelta(days=8)
RECORD_OLD = relativedelta(months=2)
# Reminders to the practice's admins: three days before the deadline, on the day, after it.
REMIND_BEFORE = 3

CHECKED = "2026-12-04"
GDPR = "https://eur-lex.europa.eu/eli/reg/2016/679/oj"
CSP = "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000006072665/"
SOURCES = {
    "general": [
        {"text": "RGPD", "article": "art. 12.3", "url": GDPR, "checked": CHECKED},
    ],
    "record": [
        {"text": "CSP", "article": "art. L1111-7", "url": CSP, "checked": CHECKED},
    ],
    "month_end": [
        {
            "text": "Règlement (CEE, Euratom) n° 1182/71 (computation des délais)",
            "article": "art. 3",
            "url": "https://eur-lex.europa.eu/eli/reg/1971/1182/oj",
            "checked": CHECKED,
            "confirm": True,
        }
    ],
    "complaint": [
        {"text": "RGPD", "article": "art. 12.4 et 77", "url": GDPR, "checked": CHECKED},
        {
            "text": "CNIL, « Adresser une plainte »",
            "url": "https://www.cnil.fr/fr/adresser-une-plainte",
            "checked": CHECKED,
        },
    ],
    # The CSP's own delays leave no room for the GDPR's extension: Vigie's reading.
    "no_record_extension": [
        {"text": "CSP", "article": "art. L1111-7", "url": CSP, "checked": CHECKED, "confirm": True}
    ],
}


def start(request) -> date:
    """The day the delay counts from: the complete request, or its receipt."""
    return request.complete_on or request.received_on


def can_extend(request) -> bool:
    return request.kind != MEDICAL_RECORD


def base_delay(request) -> relativedelta:
    if request.kind == MEDICAL_RECORD:
        return RECORD_OLD if request.older_than_five_years else RECORD
    return GENERAL


def initial_deadline(request) -> date:
    """The deadline before any extension (the extension letter must go out by then)."""
    return start(request) + base_delay(request)


def deadline_for(request) -> date:
    deadline = initial_deadline(request)
    if request.extended and can_extend(request):
        deadline += EXTENSION
    return deadline


def delay_label(request):
    """The delay that applies, in words."""
    if request.kind == MEDICAL_RECORD:
        if request.older_than_five_years:
            return _("2 mois (dossier médical, informations de plus de cinq ans)")
        return _("8 jours (dossier médical)")
    if request.extended:
        return _("1 mois, prolongé de 2 mois")
    return _("1 mois")


class Clock:
    ANSWERED = "answered"
    ANSWERED_LATE = "answered_late"
    RUNNING = "running"
    DUE_TODAY = "due_today"
    LATE = "late"


def clock_state(request, today: date) -> str:
    """The countdown of one request as its page shows it. LATE is exactly
    ``RightsRequest.objects.late(today)``."""
    if request.answered_on:
        return Clock.ANSWERED_LATE if request.answered_on > request.deadline else Clock.ANSWERED
    if request.deadline < today:
        return Clock.LATE
    if request.deadline == today:
        return Clock.DUE_TODAY
    return Clock.RUNNING


def days_left(request, today: date) -> int:
    return (request.deadline - today).days
