"""Numbers as the reader's language writes them."""

from django.utils.translation import gettext


def percent(number) -> str:
    """A whole percentage: « 98 % » in French (a non-breaking space, so the sign never
    wraps alone), "98%" in English; None → "—"."""
    if number is None:
        return "—"
    return gettext("%(number)s\u00a0%%") % {"number": round(number)}


def share(value) -> str:
    """A share 0..1 as a percentage (see ``percent``)."""
    return "—" if value is None else percent(100 * float(value))
