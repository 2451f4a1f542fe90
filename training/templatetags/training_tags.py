from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from portal import formatting

register = template.Library()


@register.filter
def prose(text: str) -> str:
    """Lesson text: blank-line separated paragraphs; lines starting "- " make a list."""
    blocks = []
    for block in (text or "").strip().split("\n\n"):
        lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
        intro = [line for line in lines if not line.startswith("- ")]
        items = [line[2:] for line in lines if line.startswith("- ")]
        if intro:
            blocks.append(f"<p>{escape(' '.join(intro))}</p>")
        if items:
            blocks.append("<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>")
    return mark_safe("\n".join(blocks))  # noqa: S308 - every piece is escaped above


@register.filter
def percent(share) -> str:
    return formatting.share(share)
