"""Training figures for the practice dashboard and the delegate console."""

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import formatting
from portal.cards import Card, Figure
from practices.roles import Cap, can
from training import validity
from training.models import Attempt


def _percent(share: float | None) -> str:
    return formatting.share(share)


def card(practice, role) -> Card:
    """Coverage of the team, people up to date, passes expiring within 30 days (5 queries)."""
    matrix = validity.matrix(practice, timezone.now())
    expiring = sum(entry["expiring"] for entry in matrix.per_module)
    coverage = matrix.coverage
    slug = {"practice_slug": practice.slug}
    actions = []
    if can(role, Cap.MANAGE_TRAINING):
        actions.append((_("Tableau de l'équipe"), reverse("training:team", kwargs=slug)))
    return Card(
        title=_("Formation"),
        url=reverse("training:index", kwargs=slug),
        figures=[
            Figure(
                _("Équipe à jour"),
                _percent(coverage),
                "" if coverage is None else ("ok" if coverage == 1 else "warn"),
            ),
            Figure(_("Personnes à jour"), f"{matrix.valid_staff} / {matrix.staff}"),
            Figure(_("Expirent sous 30 jours"), expiring, "warn" if expiring else "ok"),
        ],
        actions=actions,
    )


def console_figures(practice_ids, now=None) -> dict[int, dict]:
    """Per practice id: ``{"coverage": 0..1 or None, "staff": int, "valid_staff": int}``.

    Coverage is the share of members valid on every module required from their job;
    None for a practice without members. A constant number of queries (5) for any number
    of practices.
    """
    return validity.console_figures(practice_ids, now or timezone.now())


def console_changes(practice_ids, since, now=None) -> dict[int, dict]:
    """Per practice id: ``{"passed": modules passed since ``since``}`` (one query).

    Used by the delegate's weekly digest; practices with nothing new are absent.
    """
    rows = (
        Attempt.objects.filter(
            practice_id__in=list(practice_ids), passed=True, finished_at__gte=since
        )
        .values("practice_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["practice_id"]: {"passed": row["n"]} for row in rows}
