import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from practices.roles import Role


class Profession(models.TextChoices):
    GENERAL_PRACTICE = "medecine_generale", _("Médecine générale")
    SPECIALIST = "specialiste", _("Médecin spécialiste")
    NURSE = "infirmier", _("Infirmier")
    PHYSIO = "kinesitherapeute", _("Masseur-kinésithérapeute")
    DENTIST = "chirurgien_dentiste", _("Chirurgien-dentiste")
    MIDWIFE = "sage_femme", _("Sage-femme")
    MSP = "msp", _("Maison de santé pluriprofessionnelle")
    HEALTH_CENTRE = "centre_sante", _("Centre de santé")
    OTHER = "autre", _("Autre")


class Job(models.TextChoices):
    DOCTOR = "medecin", _("Médecin")
    NURSE = "infirmier", _("Infirmier(ère)")
    PHYSIO = "kine", _("Kinésithérapeute")
    DENTIST = "dentiste", _("Dentiste")
    MIDWIFE = "sage_femme", _("Sage-femme")
    SECRETARY = "secretaire", _("Secrétaire")
    ASSISTANT = "assistant", _("Assistant(e)")
    LOCUM = "remplacant", _("Remplaçant(e)")
    OTHER = "autre", _("Autre")


class Region(models.Model):
    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("nom"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("région")
        verbose_name_plural = _("régions")

    def __str__(self):
        return self.name


class Practice(models.Model):
    """A practice (cabinet): the tenant. Everything it owns carries a ``practice`` key."""

    slug = models.SlugField(_("identifiant d'adresse"), max_length=80, unique=True)
    name = models.CharField(_("nom du cabinet"), max_length=200)
    professions = models.JSONField(_("professions"), default=list)
    address = models.TextField(_("adresse"), blank=True)
    postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("commune"), max_length=100, blank=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="practices", verbose_name=_("région")
    )
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    finess = models.CharField(_("FINESS"), max_length=9, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("cabinet")
        verbose_name_plural = _("cabinets")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("dashboard", kwargs={"practice_slug": self.slug})

    @property
    def profession_labels(self) -> list[str]:
        labels = dict(Profession.choices)
        return [str(labels.get(p, p)) for p in self.professions]


class PracticeOwnedQuerySet(models.QuerySet):
    """The base queryset of practice-owned tables (a space adds its rules to it, e.g.
    ``IncidentQuerySet.late``). Lookups by a practice go through ``practices.access``."""

    def bulk_create(self, objs, *args, **kwargs):
        # A row that stores when the reminder sweep must read it (``schedule_reminder``,
        # also called by its ``save``) gets that time when created in bulk too.
        objs = list(objs)
        for obj in objs:
            if hasattr(obj, "schedule_reminder"):
                obj.schedule_reminder()
        return super().bulk_create(objs, *args, **kwargs)


class PracticeOwned(models.Model):
    """Base for every practice-owned table: non-null practice, UUID public id."""

    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="+", verbose_name=_("cabinet")
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    objects = PracticeOwnedQuerySet.as_manager()

    class Meta:
        abstract = True


class MemberRole(models.TextChoices):
    ADMIN = Role.ADMIN.value, Role.ADMIN.label
    STAFF = Role.STAFF.value, Role.STAFF.label


class Membership(models.Model):
    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("cabinet")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("personne"),
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    role = models.CharField(
        _("rôle"), max_length=16, choices=MemberRole.choices, default=MemberRole.STAFF
    )
    job = models.CharField(_("fonction"), max_length=16, choices=Job.choices, default=Job.OTHER)
    joined_at = models.DateTimeField(_("arrivé le"), default=timezone.now)

    class Meta:
        ordering = ["practice", "user__last_name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "user"], name="membership_unique")
        ]
        verbose_name = _("membre")
        verbose_name_plural = _("membres")

    def __str__(self):
        return f"{self.user} — {self.practice} ({self.get_role_display()})"


class Oversight(models.Model):
    """A delegate grant: read-only oversight of one practice, revocable by it."""

    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="oversights", verbose_name=_("cabinet")
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="oversights",
        verbose_name=_("délégué"),
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("accordé par"),
    )
    since = models.DateTimeField(_("depuis"), default=timezone.now)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    class Meta:
        ordering = ["-since"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "delegate"],
                condition=models.Q(revoked_at__isnull=True),
                name="oversight_one_active",
            )
        ]
        verbose_name = _("accès délégué")
        verbose_name_plural = _("accès délégués")

    def __str__(self):
        return f"{self.delegate} → {self.practice}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Invitation(models.Model):
    """An e-mail invitation to join a practice (as admin, staff or delegate)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        ACCEPTED = "accepted", _("Acceptée")
        REVOKED = "revoked", _("Révoquée")

    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("cabinet")
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("adresse e-mail"))
    role = models.CharField(_("rôle"), max_length=16, choices=Role.choices, default=Role.STAFF)
    job = models.CharField(
        _("fonction"), max_length=16, choices=Job.choices, default=Job.OTHER, blank=True
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invité par"),
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    sent_at = models.DateTimeField(_("envoyée le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"))
    status = models.CharField(
        _("statut"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acceptée par"),
    )
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.email} → {self.practice}"
