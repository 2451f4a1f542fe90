"""The processors' figures: the dashboard card and the delegate console's."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.cards import Card, Figure
from registry.processors import rules
from registry.processors.models import Processor


def _hds_missing(today) -> Q:
    """A health-data host without a certificate valid today (scope and end date)."""
    return Q(hosts_health_data=True) & (
        Q(hds_expires_on=None) | Q(hds_expires_on__lt=today) | Q(hds_scope=[])
    )


def _expiring(today) -> Q:
    """A contract, or a health-data host's certificate, that ends within 60 days."""
    soon = today + rules.WARN
    return Q(contract_ends_on__gte=today, contract_ends_on__lte=soon) | Q(
        hosts_health_data=True, hds_expires_on__gte=today, hds_expires_on__lte=soon
    )


def _counts(queryset, today):
    return queryset.aggregate(
        total=Count("pk"),
        hds_missing=Count("pk", filter=_hds_missing(today)),
        expiring=Count("pk", filter=_expiring(today)),
    )


def card(practice, role) -> Card:
    """Processors, health-data hosts without HDS, ends within 60 days (one query)."""
    today = timezone.localdate()
    counts = _counts(Processor.objects.filter(practice=practice), today)
    return Card(
        title=_("Sous-traitants et hébergeurs"),
        url=reverse("processors:index", kwargs={"practice_slug": practice.slug}),
        figures=[
            Figure(_("Sous-traitants"), counts["total"], "" if counts["total"] else "warn"),
            Figure(
                _("Hébergeurs de santé sans certificat HDS valable"),
                counts["hds_missing"],
                "bad" if counts["hds_missing"] else "ok",
            ),
            Figure(
                _("Contrats ou certificats échéant sous 60 jours"),
                counts["expiring"],
                "warn" if counts["expiring"] else "ok",
            ),
        ],
        actions=[
            (
                _("Ajouter un sous-traitant"),
                reverse("processors:create", kwargs={"practice_slug": practice.slug}),
            )
        ],
    )


def console_figures(practice_ids, now=None) -> dict[int, dict]:
    """Per practice: ``{"hds_missing", "expiring"}`` (one query whatever the number)."""
    today = timezone.localdate(now or timezone.now())
    rows = (
        Processor.objects.filter(practice_id__in=list(practice_ids))
        .values("practice_id")
        .annotate(
            hds_missing=Count("pk", filter=_hds_missing(today)),
            expiring=Count("pk", filter=_expiring(today)),
        )
        .order_by()
    )
    found = {
        row["practice_id"]: {"hds_missing": row["hds_missing"], "expiring": row["expiring"]}
        for row in rows
    }
    return {pid: found.get(pid, {"hds_missing": 0, "expiring": 0}) for pid in practice_ids}
