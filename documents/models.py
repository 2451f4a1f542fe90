"""The printed documents of a practice: the crisis card's contacts and every print."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from practices.models import PracticeOwned


class CrisisContacts(PracticeOwned):
    """Who to call in a crisis, as the admin gave it (one row per practice).

    A blank field is printed « à compléter », never guessed.
    """

    manager_name = models.CharField(
        _("responsable au cabinet en cas d'incident"), max_length=120, blank=True
    )
    manager_phone = models.CharField(_("son téléphone"), max_length=30, blank=True)
    it_name = models.CharField(_("prestataire informatique"), max_length=120, blank=True)
    it_phone = models.CharField(_("téléphone du prestataire"), max_length=30, blank=True)
    it_email = models.EmailField(_("e-mail du prestataire"), blank=True)
    dpo_name = models.CharField(
        _("délégué à la protection des données (DPO) ou référent"), max_length=120, blank=True
    )
    dpo_phone = models.CharField(_("téléphone du DPO ou référent"), max_length=30, blank=True)
    dpo_email = models.EmailField(_("e-mail du DPO ou référent"), blank=True)
    insurer_name = models.CharField(
        _("assureur (cyber ou responsabilité civile)"), max_length=120, blank=True
    )
    insurer_phone = models.CharField(_("téléphone de l'assureur"), max_length=30, blank=True)
    insurer_policy = models.CharField(_("n° de contrat"), max_length=60, blank=True)
    restorer_name = models.CharField(
        _("qui peut restaurer les sauvegardes"), max_length=120, blank=True
    )
    restorer_phone = models.CharField(_("son téléphone"), max_length=30, blank=True)
    updated_at = models.DateTimeField(_("modifié le"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice"], name="crisis_contacts_one_per_practice")
        ]
        verbose_name = _("contacts de crise")
        verbose_name_plural = _("contacts de crise")

    def __str__(self):
        return str(_("Contacts de crise"))


class Printing(PracticeOwned):
    """One print of a document: who, when, in which language, and the fingerprint of the
    data behind it (a later fingerprint that differs means « à réimprimer »)."""

    class Document(models.TextChoices):
        CRISIS_CARD = "crisis_card", _("Fiche réflexe")
        NOTICE = "notice", _("Information des patients")

    document = models.CharField(_("document"), max_length=16, choices=Document.choices)
    variant = models.CharField(_("format"), max_length=16, blank=True)
    language = models.CharField(_("langue"), max_length=8)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("imprimé par"),
    )
    printed_at = models.DateTimeField(_("imprimé le"), default=timezone.now)
    fingerprint = models.CharField(_("empreinte des données"), max_length=64)
    # What the document was built from (JSON-safe), to say what changed since.
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-printed_at", "-id"]
        indexes = [models.Index(fields=["practice", "document", "-printed_at"])]
        verbose_name = _("impression")
        verbose_name_plural = _("impressions")

    def __str__(self):
        return f"{self.get_document_display()} {self.printed_at:%Y-%m-%d %H:%M}"


class NoticeSettings(PracticeOwned):
    """What the admin adds to the patient information notice (one row per practice)."""

    own_paragraph = models.TextField(
        _("votre paragraphe"),
        blank=True,
        help_text=_(
            "Ajouté à la fin de l'affiche et du texte du site, tel quel. N'y mettez aucune "
            "donnée de patient."
        ),
    )
    updated_at = models.DateTimeField(_("modifié le"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice"], name="notice_settings_one_per_practice")
        ]
        verbose_name = _("paramètres de l'information des patients")
        verbose_name_plural = _("paramètres de l'information des patients")

    def __str__(self):
        return str(_("Information des patients"))
