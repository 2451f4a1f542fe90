"""The register of the persons' rights requests (GDPR art. 12 to 22, art. L1111-7 CSP).

A request is logged in a few fields; its deadline is computed by ``deadlines.deadline_for``
and stored on the row when it is saved (``deadline``), so that the late rule
(``RightsRequest.objects.late``) is one filter, the same for the page, the reminders, the
dashboard card and the delegate console.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from practices.models import PracticeOwned, PracticeOwnedQuerySet
from registry.rights import deadlines


class Channel(models.TextChoices):
    POST = "post", _("Courrier")
    EMAIL = "email", _("Courriel")
    DESK = "desk", _("Au cabinet (accueil)")
    PHONE = "phone", _("Téléphone")
    OTHER = "other", _("Autre")


class RequestKind(models.TextChoices):
    MEDICAL_RECORD = deadlines.MEDICAL_RECORD, _("Accès au dossier médical")
    ACCESS = "access", _("Accès à d'autres données")
    RECTIFICATION = "rectification", _("Rectification")
    ERASURE = "erasure", _("Effacement")
    OBJECTION = "objection", _("Opposition")
    LIMITATION = "limitation", _("Limitation")
    PORTABILITY = "portability", _("Portabilité")


class Requester(models.TextChoices):
    PATIENT = "patient", _("Le patient lui-même")
    REPRESENTATIVE = "representative", _("Un représentant légal")
    HEIR = "heir", _("Un ayant droit d'un patient décédé")


class IdentityCheck(models.TextChoices):
    DONE = "done", _("Identité vérifiée")
    ASKED = "asked", _("Justificatif demandé")


class Means(models.TextChoices):
    POST = "post", _("Courrier")
    EMAIL = "email", _("Messagerie sécurisée ou courriel")
    HAND = "hand", _("Remise en main propre")
    ON_SITE = "on_site", _("Consultation sur place")
    OTHER = "other", _("Autre")


class Outcome(models.TextChoices):
    GRANTED = "granted", _("Demande satisfaite")
    PARTLY = "partly", _("Demande satisfaite en partie")
    REFUSED = "refused", _("Demande refusée")


class RightsRequestQuerySet(PracticeOwnedQuerySet):
    def open(self):
        return self.filter(answered_on=None)

    def late(self, today):
        """The late rule, the only copy: not answered and the deadline's day is past.

        ``today`` is a date in Paris (``timezone.localdate(now)``): the deadline is a day,
        met until its end. Used by the page's countdown, the reminders, the dashboard card
        and the delegate console (tests/rights/test_deadlines.py holds them together)."""
        return self.open().filter(deadline__lt=today)


class RightsRequest(PracticeOwned):
    received_on = models.DateField(_("reçue le"))
    channel = models.CharField(_("reçue par"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("droit exercé"), max_length=20, choices=RequestKind.choices)
    requester = models.CharField(_("demandeur"), max_length=20, choices=Requester.choices)
    person_ref = models.CharField(
        _("personne concernée (initiales ou référence interne)"), max_length=40
    )
    identity = models.CharField(
        _("vérification d'identité"), max_length=8, choices=IdentityCheck.choices
    )
    complete_on = models.DateField(
        _("demande complète le"),
        null=True,
        blank=True,
        help_text=_(
            "Le jour où la demande est devenue complète (justificatif d'identité ou de "
            "qualité reçu). Le délai court à partir de cette date ; vide : de la réception."
        ),
    )
    older_than_five_years = models.BooleanField(
        _("les informations datent de plus de cinq ans"),
        default=False,
        help_text=_("Dossier médical : le délai passe de 8 jours à deux mois."),
    )
    notes = models.TextField(_("précisions"), blank=True)
    # Extension by two months (GDPR art. 12.3), announced to the person by a letter.
    extended = models.BooleanField(_("délai prolongé de deux mois"), default=False)
    extension_reason = models.TextField(_("raison de la prolongation"), blank=True)
    extension_letter_on = models.DateField(
        _("courrier de prolongation envoyé le"), null=True, blank=True
    )
    # Stored by ``save()`` from the rule (deadlines.deadline_for); never typed.
    deadline = models.DateField(_("échéance"), editable=False)
    # The answer.
    answered_on = models.DateField(_("réponse envoyée le"), null=True, blank=True)
    answer_means = models.CharField(
        _("moyen de la réponse"), max_length=10, choices=Means.choices, blank=True
    )
    outcome = models.CharField(_("issue"), max_length=10, choices=Outcome.choices, blank=True)
    refusal_reason = models.TextField(_("motif du refus"), blank=True)
    answer_notes = models.TextField(_("précisions sur la réponse"), blank=True)
    created_at = models.DateTimeField(_("enregistrée le"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("enregistrée par"),
    )

    objects = RightsRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-created_at"]
        indexes = [
            models.Index(fields=["practice", "-received_on"]),
            models.Index(fields=["practice", "answered_on", "deadline"]),
        ]
        verbose_name = _("demande d'exercice des droits")
        verbose_name_plural = _("demandes d'exercice des droits")

    def __str__(self):
        return f"{self.get_kind_display()} — {self.received_on:%d/%m/%Y} — {self.person_ref}"

    def save(self, *args, **kwargs):
        self.deadline = deadlines.deadline_for(self)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "deadline"}
        super().save(*args, **kwargs)
