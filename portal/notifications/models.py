"""The sent-log (one row per reminder and recipient, also the portal inbox) and preferences."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Mode(models.TextChoices):
    """How a person wants a kind of reminder (urgent kinds are always immediate)."""

    IMMEDIATE = "immediate", _("Immédiatement, un e-mail par rappel")
    DAILY = "daily", _("Résumé quotidien")
    WEEKLY = "weekly", _("Résumé hebdomadaire (le lundi)")
    OFF = "off", _("Pas d'e-mail (dans le portail seulement)")


class Status(models.TextChoices):
    PENDING = "pending", _("À envoyer")
    SENDING = "sending", _("Envoi en cours")
    SENT = "sent", _("Envoyé")
    MUTED = "muted", _("Sans e-mail")
    EMPTY = "empty", _("Rien à signaler")
    FAILED = "failed", _("Échec")


class SentReminder(models.Model):
    """One reminder for one person: the sent-log row and the person's notification.

    The unique key (kind, object_key, recipient, step) is the "once": a sweep that finds
    the same thing due again inserts nothing. ``sent_at`` is set once the mail left;
    ``status`` and ``claimed_at`` are the atomic claim that keeps two workers apart.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("type de rappel"), max_length=64)
    object_key = models.CharField(_("objet"), max_length=200)
    step = models.CharField(_("étape"), max_length=32)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("destinataire"),
    )
    practice = models.ForeignKey(
        "practices.Practice",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cabinet"),
    )
    url = models.CharField(_("adresse"), max_length=500)
    context = models.JSONField(_("détails"), default=dict, blank=True)
    delivery = models.CharField(
        _("envoi"), max_length=12, choices=Mode.choices, default=Mode.IMMEDIATE
    )
    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    queued_at = models.DateTimeField(_("mis en file le"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("pris en charge le"), null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("tentatives"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    # The digest mail that carried this row (several rows share it).
    batch = models.UUIDField(null=True, blank=True, editable=False)
    read_at = models.DateTimeField(_("lu le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_key", "recipient", "step"], name="sent_reminder_once"
            )
        ]
        indexes = [
            models.Index(fields=["status", "delivery"], name="sent_reminder_todo"),
            models.Index(fields=["recipient", "-created_at"], name="sent_reminder_inbox"),
            models.Index(fields=["recipient", "read_at"], name="sent_reminder_unread"),
        ]
        verbose_name = _("rappel envoyé")
        verbose_name_plural = _("rappels envoyés")

    def __str__(self):
        return f"{self.kind} {self.object_key} {self.step} → {self.recipient_id}"


class NotificationPreference(models.Model):
    """A person's choice for one kind, or for every kind when ``kind`` is empty."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("personne"),
    )
    kind = models.CharField(_("type de rappel"), max_length=64, blank=True)
    mode = models.CharField(_("envoi"), max_length=12, choices=Mode.choices)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")
        ]
        verbose_name = _("préférence de rappel")
        verbose_name_plural = _("préférences de rappel")

    def __str__(self):
        return f"{self.user_id} {self.kind or '*'}: {self.mode}"
