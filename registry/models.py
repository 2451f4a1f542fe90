"""The record of processing activities (GDPR Art. 30) on the CNIL model.

``RecordHeader`` is the organisation block of the CNIL list sheet; each
``ProcessingActivity`` is one "fiche de registre" with its parts (data categories,
persons, recipients, security measures, transfers) in child tables.
"""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.texts import local
from practices.models import Practice, PracticeOwned
from registry import cnil

CONTACT_PARTS = [
    "last_name",
    "first_name",
    "address",
    "postcode",
    "city",
    "country",
    "phone",
    "email",
]


class RecordHeader(models.Model):
    """Sheet 2, rows 0-5: controller, EU representative, DPO (or a note that none is)."""

    practice = models.OneToOneField(
        Practice, on_delete=models.CASCADE, related_name="record_header", verbose_name=_("cabinet")
    )
    controller_last_name = models.CharField(_("nom"), max_length=120, blank=True)
    controller_first_name = models.CharField(_("prénom"), max_length=120, blank=True)
    controller_address = models.CharField(_("adresse"), max_length=255, blank=True)
    controller_postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    controller_city = models.CharField(_("ville"), max_length=120, blank=True)
    controller_country = models.CharField(_("pays"), max_length=80, blank=True)
    controller_phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    controller_email = models.EmailField(_("adresse mél"), blank=True)
    has_representative = models.BooleanField(
        _("le cabinet a un représentant dans l'Union européenne"),
        default=False,
        help_text=cnil.HELP["representative"],
    )
    representative_last_name = models.CharField(_("nom"), max_length=120, blank=True)
    representative_first_name = models.CharField(_("prénom"), max_length=120, blank=True)
    representative_address = models.CharField(_("adresse"), max_length=255, blank=True)
    representative_postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    representative_city = models.CharField(_("ville"), max_length=120, blank=True)
    representative_country = models.CharField(_("pays"), max_length=80, blank=True)
    representative_phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    representative_email = models.EmailField(_("adresse mél"), blank=True)
    dpo_designated = models.BooleanField(
        _("un délégué à la protection des données (DPO) est désigné"),
        default=False,
        help_text=cnil.HELP["dpo"],
    )
    dpo_last_name = models.CharField(_("nom"), max_length=120, blank=True)
    dpo_first_name = models.CharField(_("prénom"), max_length=120, blank=True)
    dpo_address = models.CharField(_("adresse"), max_length=255, blank=True)
    dpo_postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    dpo_city = models.CharField(_("ville"), max_length=120, blank=True)
    dpo_country = models.CharField(_("pays"), max_length=80, blank=True)
    dpo_phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    dpo_email = models.EmailField(_("adresse mél"), blank=True)
    dpo_company = models.CharField(_("société du DPO (si externe)"), max_length=200, blank=True)
    no_dpo_note = models.TextField(
        _("pourquoi aucun DPO n'est désigné"),
        blank=True,
        default=_(
            "Cabinet non tenu de désigner un délégué à la protection des données "
            "(traitement qui n'est pas à grande échelle, considérant 91 du RGPD)."
        ),
    )
    review_interval_months = models.PositiveSmallIntegerField(
        _("relire chaque fiche tous les (mois)"), default=12
    )
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("en-tête du registre")

    def __str__(self):
        return str(self.practice)

    def contact(self, prefix: str) -> dict[str, str]:
        return {part: getattr(self, f"{prefix}_{part}") for part in CONTACT_PARTS}


class ProcessingActivity(PracticeOwned):
    """One "fiche de registre"."""

    name = models.CharField(_("nom du traitement"), max_length=200)
    reference = models.CharField(_("n° / référence"), max_length=40)
    created_on = models.DateField(_("date de création de la fiche"), default=timezone.localdate)
    updated_at = models.DateTimeField(_("dernière mise à jour de la fiche"), auto_now=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=cnil.Status.choices, default=cnil.Status.DRAFT
    )
    # B. Actors beyond the header's controller, representative and DPO.
    joint_controllers = models.TextField(
        _("responsable(s) conjoint(s)"), blank=True, help_text=cnil.HELP["joint_controllers"]
    )
    # C. Purposes.
    main_purpose = models.TextField(
        _("finalité principale"), blank=True, help_text=cnil.HELP["main_purpose"]
    )
    sub_purpose_1 = models.CharField(_("sous-finalité 1"), max_length=255, blank=True)
    sub_purpose_2 = models.CharField(_("sous-finalité 2"), max_length=255, blank=True)
    sub_purpose_3 = models.CharField(_("sous-finalité 3"), max_length=255, blank=True)
    sub_purpose_4 = models.CharField(_("sous-finalité 4"), max_length=255, blank=True)
    sub_purpose_5 = models.CharField(_("sous-finalité 5"), max_length=255, blank=True)
    # Added for a health practice.
    legal_basis = models.CharField(
        _("base légale (art. 6)"), max_length=8, choices=cnil.LegalBasis.choices, blank=True
    )
    health_exception = models.CharField(
        _("exception de l'article 9 (données sensibles)"),
        max_length=8,
        choices=cnil.HealthException.choices,
        blank=True,
        help_text=cnil.HELP["sensitive"],
    )
    dpia = models.CharField(
        _("analyse d'impact (AIPD)"),
        max_length=12,
        choices=cnil.Dpia.choices,
        default=cnil.Dpia.TO_ASSESS,
        help_text=cnil.HELP["dpia"],
    )
    dpia_done_on = models.DateField(_("AIPD réalisée le"), null=True, blank=True)
    last_reviewed_at = models.DateTimeField(_("dernière relecture"), null=True, blank=True)
    next_review_at = models.DateTimeField(_("prochaine relecture"), null=True, blank=True)
    # Where a preset started it (kept for the record's own history).
    preset_key = models.CharField(_("modèle d'origine"), max_length=60, blank=True)
    preset_version = models.PositiveIntegerField(null=True, blank=True)
    # Kept up to date by services.refresh(): the list and the consoles read them as is.
    completeness = models.PositiveSmallIntegerField(_("complétude (%)"), default=0)
    has_sensitive = models.BooleanField(_("données sensibles ?"), default=False)

    class Meta:
        ordering = ["reference", "name"]
        verbose_name = _("activité de traitement")
        verbose_name_plural = _("activités de traitement")
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "reference"], name="registry_unique_reference"
            )
        ]

    def __str__(self):
        return f"{self.reference} — {self.name}"

    @property
    def sub_purposes(self) -> list[str]:
        return [getattr(self, f"sub_purpose_{i}") for i in range(1, 6)]

    def review_due(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == cnil.Status.ACTIVE and (
            self.next_review_at is None or self.next_review_at <= now
        )

    def mark_reviewed(self, interval_months: int, now=None) -> None:
        now = now or timezone.now()
        self.last_reviewed_at = now
        self.next_review_at = now + relativedelta(months=interval_months)


class ActivityPart(models.Model):
    """Base of the rows of one fiche; the practice is repeated so every row is owned."""

    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="+", verbose_name=_("cabinet")
    )

    class Meta:
        abstract = True


class ActivityData(ActivityPart):
    """D and E: a personal-data category, its description and its retention."""

    activity = models.ForeignKey(ProcessingActivity, on_delete=models.CASCADE, related_name="data")
    category = models.CharField(_("catégorie"), max_length=16, choices=cnil.DataCategory.choices)
    label = models.CharField(_("intitulé (autre catégorie)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    retention = models.CharField(
        _("durée de conservation"), max_length=255, help_text=cnil.HELP["retention"]
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return str(self.title)

    @property
    def sensitive(self) -> bool:
        return self.category in cnil.SENSITIVE_CATEGORIES

    @property
    def title(self) -> str:
        return (
            self.label if self.category == cnil.DataCategory.CUSTOM else self.get_category_display()
        )


class Subject(ActivityPart):
    """F: categories of persons concerned."""

    activity = models.ForeignKey(
        ProcessingActivity, on_delete=models.CASCADE, related_name="subjects"
    )
    category = models.CharField(
        _("catégorie de personnes"), max_length=20, choices=cnil.SubjectCategory.choices
    )
    details = models.CharField(_("précisions"), max_length=255, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return str(self.get_category_display())


class Recipient(ActivityPart):
    """G: recipients; a processor carries its HDS certification and its Art. 28 contract."""

    activity = models.ForeignKey(
        ProcessingActivity, on_delete=models.CASCADE, related_name="recipients"
    )
    kind = models.CharField(
        _("type de destinataire"), max_length=16, choices=cnil.RecipientType.choices
    )
    details = models.CharField(_("précisions"), max_length=255, blank=True)
    hds_certified = models.BooleanField(
        _("hébergeur certifié HDS"), default=False, help_text=cnil.HELP["hds"]
    )
    dpa_signed = models.BooleanField(_("contrat de sous-traitance (art. 28) signé"), default=False)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return str(self.get_kind_display())


class SecurityMeasure(ActivityPart):
    """H: security measures."""

    activity = models.ForeignKey(
        ProcessingActivity, on_delete=models.CASCADE, related_name="measures"
    )
    kind = models.CharField(
        _("type de mesure de sécurité"), max_length=16, choices=cnil.MeasureType.choices
    )
    details = models.CharField(_("précisions"), max_length=255, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return str(self.get_kind_display())


class Transfer(ActivityPart):
    """I: transfers outside the European Union."""

    activity = models.ForeignKey(
        ProcessingActivity, on_delete=models.CASCADE, related_name="transfers"
    )
    recipient = models.CharField(_("organisme destinataire"), max_length=200)
    country = models.CharField(_("pays"), max_length=2)
    guarantee = models.CharField(
        _("type de garanties"), max_length=16, choices=cnil.Guarantee.choices, blank=True
    )
    documentation = models.CharField(_("liens vers la documentation"), max_length=500, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return str(self.recipient)

    @property
    def country_label(self) -> str:
        return cnil.country_label(self.country)


class Preset(models.Model):
    """A typical activity of a practice, from registry/content/presets.yaml (versioned)."""

    key = models.CharField(max_length=60, unique=True)
    version = models.PositiveIntegerField(default=1)
    professions = models.JSONField(default=list)  # empty: every profession
    position = models.PositiveSmallIntegerField(default=0)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["position", "key"]

    def __str__(self):
        return self.key

    def text(self, field: str) -> str:
        """A translated field of the preset: ``{"fr": …, "en": …}`` or plain text."""
        return local(self.data.get(field, ""))

    @property
    def name(self) -> str:
        return self.text("name")

    @property
    def purpose(self) -> str:
        return self.text("main_purpose")

    @property
    def only_if(self) -> str:
        """For equipment a practice may not have: the question to tick it ("" otherwise)."""
        return self.text("only_if")

    def applies_to(self, professions) -> bool:
        return not self.professions or bool(set(self.professions) & set(professions))


REVIEW_SOON = timedelta(days=30)
