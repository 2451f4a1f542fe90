"""Small server-rendered SVG pictures for the delegate console (no script, no style
attribute: presentation attributes only, which the content security policy allows).

The pictures are decorative (``aria-hidden``): the figure they draw is always written
next to them as text.
"""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()

COLOURS = {"ok": "#146c2e", "warn": "#8a5300", "bad": "#b3261e", "": "#5d6b7a"}
TRACK = "#e3e8ee"


def _status(ratio: float) -> str:
    if ratio >= 0.8:
        return "ok"
    if ratio >= 0.6:
        return "warn"
    return "bad"


@register.simple_tag
def bar(value, maximum=1, width=64, height=10):
    """A horizontal bar for ``value`` out of ``maximum`` (nothing when value is None)."""
    if value is None or not maximum:
        return ""
    ratio = max(0.0, min(1.0, float(value) / float(maximum)))
    return format_html(
        '<svg class="bar" width="{w}" height="{h}" viewBox="0 0 {w} {h}" aria-hidden="true" '
        'focusable="false"><rect width="{w}" height="{h}" rx="2" fill="{track}"/>'
        '<rect width="{fill_w}" height="{h}" rx="2" fill="{colour}"/></svg>',
        w=width,
        h=height,
        track=TRACK,
        fill_w=f"{ratio * width:.1f}",
        colour=COLOURS[_status(ratio)],
    )


@register.simple_tag
def sparkbars(values, width=72, height=16):
    """One thin bar per value (oldest first), scaled to the largest; a flat line if all 0."""
    values = list(values or [])
    if not values:
        return ""
    top = max(values) or 1
    step = width / len(values)
    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
        (
            (
                f"{i * step:.1f}",
                f"{height - max(1.0, height * v / top):.1f}",
                f"{max(1.0, step - 1):.1f}",
                f"{max(1.0, height * v / top):.1f}",
                COLOURS[""] if v else TRACK,
            )
            for i, v in enumerate(values)
        ),
    )
    return format_html(
        '<svg class="sparkbars" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
        'aria-hidden="true" focusable="false">{bars}</svg>',
        w=width,
        h=height,
        bars=bars,
    )


@register.filter
def percent(value):
    """0..1 → "42 %" (no-break space: never "42" and "%" on two lines); None → "—"."""
    if value is None:
        return "—"
    return f"{round(100 * float(value))}\u00a0%"
