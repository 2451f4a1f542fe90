"""Processors and hosts (GDPR art. 28, art. L1111-8 CSP): one row per provider.

A processor is linked to the registry's fiches it serves (``activities``, shown on both
sides). Its contract file is stored under the practice's private media and served only
through the access-checked view (``views.contract_file``).
"""

from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from practices.models import PracticeOwned
from registry import cnil
from registry.processors import rules


def contract_path(instance, filename: str) -> str:
    """Never the uploader's file name: the practice, then a random name, then the type."""
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"processors/contracts/{instance.practice_id}/{instance.public_id}.{extension}"


class Processor(PracticeOwned):
    name = models.CharField(_("prestataire"), max_length=200)
    service = models.CharField(
        _("service rendu"),
        max_length=255,
        help_text=_("Par exemple : logiciel de dossier patient en ligne, sauvegarde externalisée."),
    )
    data_categories = models.JSONField(_("catégories de données confiées"), default=list)
    hosts_health_data = models.BooleanField(
        _("héberge ou sauvegarde des données de santé pour le cabinet"),
        default=False,
        help_text=rules.HELP["hds"],
    )
    contract_signed_on = models.DateField(_("contrat signé le"), null=True, blank=True)
    contract_ends_on = models.DateField(_("contrat valable jusqu'au"), null=True, blank=True)
    contract_file = models.FileField(
        _("contrat (PDF)"), upload_to=contract_path, blank=True, max_length=200
    )
    clauses = models.JSONField(_("clauses de l'article 28"), default=list, blank=True)
    hds_scope = models.JSONField(_("périmètre du certificat HDS"), default=list, blank=True)
    hds_certifier = models.CharField(_("organisme certificateur"), max_length=120, blank=True)
    hds_expires_on = models.DateField(_("certificat HDS valable jusqu'au"), null=True, blank=True)
    location = models.CharField(
        _("pays où sont les données"), max_length=3, default="FR", help_text=rules.HELP["location"]
    )
    guarantee = models.CharField(
        _("garantie du transfert"), max_length=16, choices=cnil.Guarantee.choices, blank=True
    )
    sub_processors = models.TextField(
        _("sous-traitants ultérieurs"),
        blank=True,
        help_text=_("Un par ligne : nom, service, pays."),
    )
    notes = models.TextField(_("remarques"), blank=True)
    activities = models.ManyToManyField(
        "registry.ProcessingActivity",
        blank=True,
        related_name="processors",
        verbose_name=_("fiches du registre"),
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("sous-traitant")
        verbose_name_plural = _("sous-traitants")
        indexes = [
            models.Index(fields=["practice", "contract_ends_on"]),
            models.Index(fields=["practice", "hds_expires_on"]),
        ]

    def __str__(self):
        return self.name

    # --- what the pages and the figures say ---------------------------------------------

    def hds_valid(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return (
            bool(self.hds_scope)
            and self.hds_expires_on is not None
            and (self.hds_expires_on >= today)
        )

    def hds_missing(self, today: date | None = None) -> bool:
        """A health-data host without a valid HDS certificate."""
        return self.hosts_health_data and not self.hds_valid(today)

    def missing_clauses(self) -> list[str]:
        return [label for key, label in rules.Clause.choices if key not in self.clauses]

    @property
    def in_eea(self) -> bool:
        return self.location in rules.Location.values

    @property
    def location_label(self) -> str:
        if self.in_eea:
            return str(rules.Location(self.location).label)
        return cnil.country_label(self.location)

    @property
    def transfer_unsafe(self) -> bool:
        """Outside the EEA, without adequacy decision nor guarantee."""
        return (
            not self.in_eea
            and not cnil.is_adequate(self.location)
            and self.guarantee in ("", cnil.Guarantee.PRIVACY_SHIELD)
        )

    def data_labels(self) -> list[str]:
        return [str(cnil.DataCategory(c).label) for c in self.data_categories]

    def scope_labels(self) -> list[str]:
        return [str(rules.HdsScope(s).label) for s in self.hds_scope]

    def clause_labels(self) -> list[str]:
        return [str(rules.Clause(c).label) for c in self.clauses]
