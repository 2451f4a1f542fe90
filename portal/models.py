import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from practices.models import PracticeOwned


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person: identified by e-mail, never by a username."""

    username = None
    email = models.EmailField(_("adresse e-mail"), unique=True)
    language = models.CharField(_("langue"), max_length=8, choices=settings.LANGUAGES, default="fr")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Changing it ends every session of the user ("log out my other sessions").
    session_salt = models.CharField(max_length=32, blank=True, default="")
    # National identifier (RPPS or ADELI based) verified by Pro Santé Connect; set and cleared
    # with the PSC link (portal/psc/services.py), which holds the unique key.
    rpps = models.CharField(_("identifiant RPPS/ADELI"), max_length=32, blank=True, default="")

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")

    def __str__(self):
        return self.display_name

    def get_session_auth_hash(self):
        from django.utils.crypto import salted_hmac

        return salted_hmac(
            "vigie.session", self.password + self.session_salt, algorithm="sha256"
        ).hexdigest()

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The audit trail is append-only.")

    def delete(self):
        raise TypeError("The audit trail is append-only.")


class AuditEvent(models.Model):
    """One change: who, what, when, from where, old and new values. Never edited."""

    practice = models.ForeignKey(
        "practices.Practice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("cabinet"),
    )
    # Set by ``portal.audit.record`` (inside the chain's lock), hashed with the rest.
    at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    actor_label = models.CharField(_("auteur"), max_length=254, blank=True)
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("type d'objet"), max_length=64)
    target_id = models.CharField(_("identifiant"), max_length=64, blank=True)
    target_label = models.CharField(_("objet"), max_length=255, blank=True)
    changes = models.JSONField(_("modifications"), default=dict, blank=True)
    # The hash chain (portal/audit_chain.py): position in the practice's chain (or the
    # platform's), the previous event's SHA-256 and this event's.
    seq = models.PositiveBigIntegerField(_("n° dans la chaîne"), null=True)
    prev_hash = models.CharField(_("empreinte précédente"), max_length=64, blank=True)
    hash = models.CharField(_("empreinte"), max_length=64, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["practice", "-at"]),
            models.Index(fields=["practice", "seq"], name="audit_chain_order"),
        ]
        verbose_name = _("événement d'audit")
        verbose_name_plural = _("journal d'audit")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_label}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit trail is append-only.")


class AuditChainHead(models.Model):
    """The newest event of one audit chain (a practice's, or ``platform``), locked by each
    append, and the result of the chain's last check (shown on the audit page)."""

    key = models.CharField(max_length=32, unique=True)
    practice = models.OneToOneField(
        "practices.Practice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_chain_head",
    )
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    check_ok = models.BooleanField(null=True)
    check_seq = models.PositiveBigIntegerField(null=True, blank=True)
    check_message = models.CharField(max_length=1000, blank=True)

    class Meta:
        verbose_name = _("tête de chaîne d'audit")
        verbose_name_plural = _("têtes de chaîne d'audit")

    def __str__(self):
        return f"{self.key} #{self.seq}"


class Suggestion(PracticeOwned):
    """A delegate suggests a checklist template or a registry preset; the admin decides."""

    class Kind(models.TextChoices):
        CHECKLIST = "checklist", _("Liste de contrôle")
        PRESET = "preset", _("Modèle de fiche du registre")

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        ACCEPTED = "accepted", _("Acceptée")
        DECLINED = "declined", _("Refusée")

    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("délégué"),
    )
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    key = models.CharField(_("élément suggéré"), max_length=80)
    title = models.CharField(_("intitulé"), max_length=255)
    note = models.TextField(_("message du délégué"), blank=True, max_length=1000)
    created_at = models.DateTimeField(_("suggérée le"), default=timezone.now)
    status = models.CharField(
        _("statut"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("décidée par"),
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "kind", "key"],
                condition=models.Q(status="pending"),
                name="suggestion_one_pending",
            )
        ]
        indexes = [models.Index(fields=["practice", "status"])]
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")

    def __str__(self):
        return f"{self.get_kind_display()} — {self.title}"


from portal.mfa.models import EncryptedTOTPDevice  # noqa: E402,F401  (model of this app)
