from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from portal import formatting
from practices.access import practices_for
from practices.roles import Cap, can

register = template.Library()


@register.filter
def pct(number) -> str:
    """A whole percentage in the reader's language: « 98 % », "98%"."""
    return formatting.percent(number)


# (label, url name, capability) of each space in a practice, in menu order.
SPACE_LINKS = [
    (_("Registre"), "registry:index", Cap.VIEW),
    (_("Incidents"), "incidents:index", Cap.VIEW),
    (_("Formation"), "training:index", Cap.VIEW),
    (_("Contrôles"), "checklists:index", Cap.VIEW),
    (_("Documents"), "documents:crisis_card", Cap.VIEW),
    (_("Équipe"), "practices:members", Cap.VIEW),
    (_("Journal"), "practices:audit", Cap.VIEW_AUDIT),
]


@register.simple_tag(takes_context=True)
def user_practices(context):
    request = context["request"]
    if not request.user.is_authenticated:
        return []
    if not hasattr(request, "_vigie_user_practices"):
        request._vigie_user_practices = list(practices_for(request.user).only("slug", "name"))
    return request._vigie_user_practices


@register.simple_tag(takes_context=True)
def space_links(context):
    practice, role = context.get("practice"), context.get("role")
    links = []
    for label, name, capability in SPACE_LINKS:
        if not can(role, capability):
            continue
        try:
            links.append((label, reverse(name, kwargs={"practice_slug": practice.slug})))
        except NoReverseMatch:
            continue
    return links


@register.simple_tag(takes_context=True)
def incident_report_url(context):
    practice = context.get("practice")
    try:
        return reverse("incidents:report", kwargs={"practice_slug": practice.slug})
    except NoReverseMatch:
        return ""


@register.filter
def source_line(entry):
    """ "Source : art. R1112-7 CSP, vérifié le 04/12/2026", each reference linked to its
    official text (portal/sources.py)."""
    from portal import sources

    return sources.html(entry)


@register.simple_tag
def breach_source():
    """The sources of the breach rules the incident pages state (art. 33, 34; the CNIL)."""
    from portal import sources
    from registry.incidents import breach

    return sources.html(breach.SOURCE)
