from datetime import UTC, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from practices.models import PracticeOwned, PracticeOwnedQuerySet

# GDPR Art. 33: the CNIL is notified within 72 hours of real time after awareness.
DEADLINE = timedelta(hours=72)
# The first reminder of the 72 hours (registry/incidents/reminders.py has every step).
FIRST_REMINDER = timedelta(hours=24)


class Kind(models.TextChoices):
    RANSOMWARE = "ransomware", _("Rançongiciel / logiciel malveillant")
    PHISHING = "phishing", _("Hameçonnage")
    DEVICE_LOSS = "device_loss", _("Perte ou vol d'appareil")
    MISDIRECTED = "misdirected", _("Message envoyé au mauvais destinataire")
    UNAUTHORISED = "unauthorised", _("Accès non autorisé")
    AI_LEAK = "ai_leak", _("Données saisies dans un outil d'IA")
    VOICE_FRAUD = "voice_fraud", _("Fraude par usurpation (voix, deepfake)")
    OUTAGE = "outage", _("Panne ou perte de données")
    OTHER = "other", _("Autre")


class Status(models.TextChoices):
    OPEN = "open", _("Ouvert")
    CONTAINED = "contained", _("Maîtrisé")
    CLOSED = "closed", _("Clos")
    # Recorded by mistake or twice: kept, marked, but counted nowhere (see ``counted``).
    WITHDRAWN = "withdrawn", _("Retiré — erreur ou doublon")


# Read-only until the admin reopens (closed) or reinstates (withdrawn) the incident.
READ_ONLY = (Status.CLOSED, Status.WITHDRAWN)


class Risk(models.TextChoices):
    NONE = "none", _("Aucun risque pour les personnes")
    RISK = "risk", _("Risque pour les personnes")
    HIGH = "high", _("Risque élevé pour les personnes")


class Waiver(models.TextChoices):
    """GDPR Art. 34(3): when the persons need not be informed of a high-risk breach."""

    PROTECTED = "a", _("Art. 34(3)(a) : données rendues incompréhensibles (chiffrement)")
    MITIGATED = "b", _("Art. 34(3)(b) : mesures ultérieures, le risque élevé n'est plus probable")
    DISPROPORTIONATE = (
        "c",
        _("Art. 34(3)(c) : efforts disproportionnés, communication publique à la place"),
    )


class IncidentQuerySet(PracticeOwnedQuerySet):
    def counted(self):
        """The incidents that count: all but the withdrawn ones (an error or a duplicate).
        The one place that says so: the counts, the dashboard card, the delegate console's
        figures and score, the breach register and the reminders all start here (``late``
        too). The incident list, the timeline and the exports show withdrawn ones, marked."""
        return self.exclude(status=Status.WITHDRAWN)

    def late(self, now, *, after: timedelta = DEADLINE):
        """The late-incident rule, the only copy: incidents the practice became aware of at
        least ``after`` before ``now`` (by default the 72 hours), whose CNIL notification is
        required or not decided yet (personal data not ruled out), with no initial filing.

        Used by the dashboard card, the delegate console, the incident pages' clock (through
        ``with_lateness``, read by ``breach.clock_state``), the CNIL notification page and the
        reminders (with ``after`` set to each of their steps).
        """
        initial = CnilFiling.objects.filter(incident=OuterRef("pk"), type=CnilFiling.Type.INITIAL)
        # In UTC: hours subtracted from a Paris wall-clock time would ignore a DST change.
        return (
            self.counted()
            .filter(aware_at__lte=now.astimezone(UTC) - after)
            .exclude(personal_data=False)
            .exclude(cnil_required=False)
            .exclude(Exists(initial))
        )

    def with_lateness(self, now, *, after: timedelta = DEADLINE, name: str = "is_late"):
        """Each incident annotated ``name``: whether ``late(now, after=after)`` holds it. A
        subquery in the same query, so a page that lists incidents asks nothing more."""
        late = self.model._default_manager.late(now, after=after).filter(pk=OuterRef("pk"))
        return self.annotate(**{name: Exists(late)})


class Incident(PracticeOwned):
    kind = models.CharField(_("type d'incident"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("que s'est-il passé ?"))
    noticed_at = models.DateTimeField(_("constaté le"))
    aware_at = models.DateTimeField(
        _("connaissance de la violation le"),
        help_text=_(
            "Point de départ des 72 heures : quand le cabinet a su qu'il y avait une "
            "violation de données personnelles."
        ),
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("signalé par"),
    )
    created_at = models.DateTimeField(_("signalé le"), default=timezone.now)
    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    shared_with_delegate = models.BooleanField(
        _("partager le détail avec le délégué"), default=False
    )
    # Breach assessment (admin).
    personal_data = models.BooleanField(_("données personnelles concernées"), null=True)
    health_data = models.BooleanField(_("données de santé concernées"), default=False)
    data_categories = models.TextField(_("catégories de données"), blank=True)
    persons_count = models.PositiveIntegerField(
        _("nombre approximatif de personnes"), null=True, blank=True
    )
    records_count = models.PositiveIntegerField(
        _("nombre approximatif d'enregistrements"), null=True, blank=True
    )
    consequences = models.TextField(_("conséquences probables"), blank=True)
    measures = models.TextField(_("mesures prises ou envisagées"), blank=True)
    activities = models.ManyToManyField(
        "registry.ProcessingActivity",
        blank=True,
        related_name="incidents",
        verbose_name=_("traitements concernés"),
        help_text=_("Les activités du registre touchées par l'incident."),
    )
    risk = models.CharField(_("niveau de risque"), max_length=8, choices=Risk.choices, blank=True)
    cnil_required = models.BooleanField(_("notification à la CNIL requise"), null=True)
    cnil_reason = models.TextField(_("raison de la décision"), blank=True)
    inform_required = models.BooleanField(_("information des personnes requise"), null=True)
    inform_waiver = models.CharField(
        _("exception de l'article 34(3)"), max_length=2, choices=Waiver.choices, blank=True
    )
    inform_reason = models.TextField(_("justification (information des personnes)"), blank=True)
    persons_informed_at = models.DateTimeField(_("personnes informées le"), null=True, blank=True)
    assessed_at = models.DateTimeField(_("évalué le"), null=True, blank=True)
    # Optional tracks.
    ars_reported_at = models.DateTimeField(
        _("signalé à l'ARS / CERT Santé le"), null=True, blank=True
    )
    ars_reference = models.CharField(_("référence ARS / CERT Santé"), max_length=100, blank=True)
    police_at = models.DateTimeField(_("plainte déposée le"), null=True, blank=True)
    police_reference = models.CharField(_("référence de la plainte"), max_length=100, blank=True)
    # The last change of the 72 hours' start (awareness) after it was first recorded.
    start_changed_at = models.DateTimeField(_("début du délai modifié le"), null=True, blank=True)
    start_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("début du délai modifié par"),
    )
    start_change_reason = models.TextField(_("raison du changement du début"), blank=True)
    withdrawn_reason = models.TextField(_("raison du retrait"), blank=True)
    # When the reminder sweep must read this incident next (None: nothing left to remind).
    # Set back to the first step (awareness + 24 hours) on every save: the sent-log drops
    # the steps already sent.
    remind_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-noticed_at"]
        indexes = [
            models.Index(fields=["practice", "-noticed_at"]),
            models.Index(fields=["remind_at"], name="incident_remind_at"),
        ]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    def __str__(self):
        return f"{self.get_kind_display()} — {timezone.localtime(self.noticed_at):%d/%m/%Y}"

    def schedule_reminder(self):
        self.remind_at = self.aware_at + FIRST_REMINDER if self.aware_at else None

    def save(self, *args, **kwargs):
        self.schedule_reminder()
        fields = kwargs.get("update_fields")
        if fields is not None:
            kwargs["update_fields"] = {*fields, "remind_at"}
        super().save(*args, **kwargs)


class Reflex(PracticeOwned):
    """One guided reflex of the incident's kind, ticked with who and when."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="reflexes")
    key = models.CharField(max_length=40)
    done_at = models.DateTimeField(_("fait le"))
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.CharField(_("précision"), max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["incident", "key"], name="reflex_once")]


class CnilFiling(PracticeOwned):
    class Type(models.TextChoices):
        INITIAL = "initial", _("Notification initiale")
        COMPLEMENTARY = "complementary", _("Notification complémentaire")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="filings")
    type = models.CharField(_("type"), max_length=16, choices=Type.choices, default=Type.INITIAL)
    filed_at = models.DateTimeField(_("déposée le"))
    reference = models.CharField(_("référence CNIL"), max_length=100)
    delay_reason = models.TextField(_("raison du retard"), blank=True)

    class Meta:
        ordering = ["filed_at"]


class Event(PracticeOwned):
    """The incident's timeline: every action, who, when."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # An action code (labels in breach.EVENT_LABELS, translated when shown) and its detail.
    action = models.CharField(max_length=40)
    detail = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["at", "id"]


class Origin(models.TextChoices):
    """Where the breach came from, as the CNIL's online notification asks it (its list as
    Vigie reads it; wording to be checked against the téléservice)."""

    INTERNAL_MALICIOUS = "internal_malicious", _("Acte interne malveillant")
    INTERNAL_ACCIDENTAL = "internal_accidental", _("Acte interne accidentel")
    EXTERNAL_MALICIOUS = "external_malicious", _("Acte externe malveillant")
    EXTERNAL_ACCIDENTAL = "external_accidental", _("Acte externe accidentel")
    UNKNOWN = "unknown", _("Inconnue")


class NotificationDetails(PracticeOwned):
    """What GDPR art. 33.3 and the CNIL's online notification ask beyond the assessment:
    nature, origin and circumstances, period, contact point, the persons' information, a
    processor involved, other authorities. Kept apart from the assessment (its own form)."""

    incident = models.OneToOneField(
        Incident, on_delete=models.CASCADE, related_name="notification_details"
    )
    # Nature of the breach (several may apply).
    confidentiality = models.BooleanField(
        _("perte de confidentialité (données divulguées ou consultées sans droit)"), default=False
    )
    integrity = models.BooleanField(_("perte d'intégrité (données modifiées)"), default=False)
    availability = models.BooleanField(
        _("perte de disponibilité (données perdues, détruites ou inaccessibles)"), default=False
    )
    origin = models.CharField(
        _("origine de la violation"), max_length=24, choices=Origin.choices, blank=True
    )
    circumstances = models.TextField(_("cause et circonstances"), blank=True)
    # When.
    started_at = models.DateTimeField(_("début de la violation"), null=True, blank=True)
    ended_at = models.DateTimeField(_("fin de la violation"), null=True, blank=True)
    ongoing = models.BooleanField(_("la violation est toujours en cours"), default=False)
    discovered_how = models.TextField(_("comment la violation a été découverte"), blank=True)
    # Who is affected.
    persons_categories = models.TextField(_("catégories de personnes concernées"), blank=True)
    # Contact point (GDPR art. 33.3.b).
    contact_name = models.CharField(_("personne à contacter"), max_length=200, blank=True)
    contact_role = models.CharField(_("fonction (DPO ou autre)"), max_length=200, blank=True)
    contact_email = models.EmailField(_("adresse mél du contact"), blank=True)
    contact_phone = models.CharField(_("téléphone du contact"), max_length=30, blank=True)
    # The persons' information (GDPR art. 34): when is the incident's persons_informed_at.
    informed_how = models.CharField(
        _("personnes informées : par quel moyen"), max_length=200, blank=True
    )
    informed_what = models.TextField(_("personnes informées : ce qui leur a été dit"), blank=True)
    # A processor involved (GDPR art. 33.2).
    processor_involved = models.BooleanField(_("un sous-traitant est en cause"), null=True)
    processor_name = models.CharField(_("sous-traitant concerné"), max_length=200, blank=True)
    other_authorities = models.TextField(
        _("autres autorités informées"),
        blank=True,
        help_text=_(
            "Par exemple : autre autorité de protection des données européenne, ANSSI, "
            "ordre professionnel. L'ARS / CERT Santé et la plainte se notent dans le suivi."
        ),
    )
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("préparation de la notification")
