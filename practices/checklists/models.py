from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.texts import local
from practices.models import PracticeOwned


class Template(models.Model):
    """A checklist of the shipped library (content file), shared by every practice."""

    code = models.SlugField(unique=True)
    version = models.PositiveIntegerField(default=1)
    title = models.JSONField()
    section = models.CharField(max_length=120)
    cadence = models.CharField(max_length=200)
    items = models.JSONField()

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.local_title

    @property
    def local_title(self) -> str:
        return local(self.title)

    def local_items(self) -> list[dict]:
        return [
            {
                "key": i["key"],
                "text": local(i["text"]),
                "why": local(i["why"]),
                "evidence": local(i["evidence"]),
                "source": i.get("source") or [],
            }
            for i in self.items
        ]


class PracticeChecklist(PracticeOwned):
    """A template activated by a practice, with its own cadence (an RRULE)."""

    template = models.ForeignKey(Template, on_delete=models.PROTECT, related_name="+")
    cadence = models.CharField(_("fréquence (RRULE)"), max_length=200)
    starts_on = models.DateField(_("à partir du"))
    active = models.BooleanField(_("active"), default=True)
    # The end of its latest stored period: the sweep creates periods only for the
    # checklists whose latest period has ended (practices/checklists/schedule.py).
    periods_until = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    disabled_items = models.JSONField(default=list, blank=True)
    # The practice's own items: [{"key": "own-1", "text": "…"}].
    extra_items = models.JSONField(default=list, blank=True)
    assigned_role = models.CharField(
        _("confiée à (rôle)"),
        max_length=16,
        blank=True,
        choices=[("admin", _("Administrateurs")), ("staff", _("Membres de l'équipe"))],
    )
    assigned_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confiée à (personne)"),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "template"], name="checklist_once")
        ]

    def __str__(self):
        return str(self.template)

    def items(self) -> list[dict]:
        own = [
            {"key": i["key"], "text": i["text"], "why": "", "evidence": "", "source": []}
            for i in self.extra_items
        ]
        return [i for i in self.template.local_items() if i["key"] not in self.disabled_items] + own


class Run(PracticeOwned):
    """One period of a checklist: generated once, due at the end of its period."""

    checklist = models.ForeignKey(PracticeChecklist, on_delete=models.CASCADE, related_name="runs")
    period_start = models.DateTimeField()
    due_at = models.DateTimeField(_("à faire avant le"))
    completed_at = models.DateTimeField(_("terminée le"), null=True, blank=True)
    # When the reminder sweep must read this period next (None: nothing left to remind);
    # see practices/checklists/reminders.py. Set back to the first step on every save.
    remind_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "period_start"], name="run_once")
        ]
        indexes = [models.Index(fields=["remind_at"], name="run_remind_at")]

    def schedule_reminder(self):
        self.remind_at = first_reminder(self.due_at, self.completed_at)

    def save(self, *args, **kwargs):
        self.schedule_reminder()
        fields = kwargs.get("update_fields")
        if fields is not None:
            kwargs["update_fields"] = {*fields, "remind_at"}
        super().save(*args, **kwargs)


# A period is first reminded this long before it is due (reminders.py imports it).
REMINDER_LEAD = timedelta(days=3)


def first_reminder(due_at, completed_at):
    """When an open period is first due for a reminder; None once it is completed."""
    if completed_at is not None or due_at is None:
        return None
    return due_at - REMINDER_LEAD


class Answer(PracticeOwned):
    class Status(models.TextChoices):
        DONE = "done", _("Fait")
        NOT_DONE = "not_done", _("Pas fait")
        NOT_APPLICABLE = "na", _("Sans objet")

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="answers")
    item_key = models.CharField(max_length=40)
    status = models.CharField(_("réponse"), max_length=10, choices=Status.choices)
    comment = models.TextField(_("commentaire"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answered_at = models.DateTimeField(auto_now=True)
    fixed_at = models.DateTimeField(_("corrigé le"), null=True, blank=True)
    fixed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A "not done" of an earlier period still open when the same point is "not done" again:
    # one open action goes on, carried by the newest answer (``carried``: the earlier ones).
    carried_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "item_key"], name="answer_once")]

    @classmethod
    def open_actions(cls):
        """The open actions: "not done" answers neither fixed nor carried by a later one."""
        return cls.objects.filter(status=cls.Status.NOT_DONE, fixed_at=None, carried_by=None)


class BackupCopy(PracticeOwned):
    """One copy of the practice's data (3-2-1 rule: 3 copies, 2 media, 1 off site)."""

    class Medium(models.TextChoices):
        DISK = "disk", _("Disque dur externe")
        NAS = "nas", _("Serveur de stockage (NAS)")
        CLOUD = "cloud", _("Cloud / prestataire")
        TAPE = "tape", _("Bande")
        PRODUCTION = "production", _("Données de production (poste ou serveur)")
        OTHER = "other", _("Autre")

    name = models.CharField(_("nom de la copie"), max_length=120)
    medium = models.CharField(_("support"), max_length=12, choices=Medium.choices)
    off_site = models.BooleanField(_("hors du cabinet"), default=False)
    frequency = models.CharField(_("fréquence"), max_length=120, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class RestoreTest(PracticeOwned):
    tested_on = models.DateField(_("date du test"))
    restored = models.CharField(_("ce qui a été restauré"), max_length=200)
    copy = models.ForeignKey(
        BackupCopy,
        on_delete=models.PROTECT,
        related_name="tests",
        verbose_name=_("depuis la copie"),
    )
    success = models.BooleanField(_("restauration réussie"))
    tested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-tested_on"]


class Attestation(PracticeOwned):
    """A member confirms a personal good practice ("I lock my screen"), renewed on cadence."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=40)
    confirmed_at = models.DateTimeField(_("confirmé le"))

    class Meta:
        ordering = ["-confirmed_at"]
        indexes = [models.Index(fields=["practice", "user", "key", "-confirmed_at"])]


class AttestationReminder(models.Model):
    """When the reminder sweep must next look at a member's personal attestations.

    One row per membership, created by the sweep for a membership that has none yet (due
    at once); the sweep reads only the rows whose ``remind_at`` has come and stores the
    next time (practices/checklists/reminders.py ``due_attestations``).
    """

    membership = models.OneToOneField(
        "practices.Membership",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="attestation_reminder",
    )
    remind_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.membership_id}: {self.remind_at:%Y-%m-%d %H:%M}"
