"""Numbers as the reader's language writes them."""

from django.utils.translation import gettext


def percent(number) -> str:
    """A whole percentage: « 98 % » in French (a non-breaking space, so the sign never
    wraps alone), "98%" in English; None → "—"."""
    if number is None:
        return "—"
    # The space before % is a no-break space (U+00A0).
    return gettext("%(number)s %%") % {"number": round(number)}


def share(value) -> str:
    """A share 0..1 as a percentage (see ``percent``)."""
    return "—" if value is None else percent(100 * float(value))
