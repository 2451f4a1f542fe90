"""Awareness training: the shipped modules (content files) and what each person did with them.

The library (``Module`` → ``Lesson``, ``Question`` → ``Choice``) is shared by every practice
and loaded from ``training/content/modules/*.yaml``. Everything a person does is owned by the
practice it was done in (``Attempt``, ``Certificate``, ``ExternalAttestation``, the per-job
requirements), so a practice never sees another practice's rows.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.texts import local
from practices.models import Job, PracticeOwned


class Module(models.Model):
    """One awareness module, per theme of the good-practice sheet."""

    key = models.SlugField(unique=True)
    theme = models.PositiveSmallIntegerField(
        _("thème"), unique=True, validators=[MinValueValidator(1), MaxValueValidator(8)]
    )
    title = models.JSONField()
    summary = models.JSONField(default=dict)
    # "major.minor": a new major version makes earlier passes require retraining.
    version = models.CharField(_("version"), max_length=16)
    major_version = models.PositiveSmallIntegerField(_("version majeure"))
    validity_months = models.PositiveSmallIntegerField(_("validité (mois)"), default=12)
    pass_mark = models.PositiveSmallIntegerField(
        _("seuil de réussite (%)"), default=80, validators=[MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["theme"]
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def __str__(self):
        return self.local_title

    @property
    def local_title(self) -> str:
        return local(self.title)

    @property
    def local_summary(self) -> str:
        return local(self.summary)


class Lesson(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    key = models.SlugField()
    position = models.PositiveSmallIntegerField()
    title = models.JSONField()
    body = models.JSONField()
    # Sources of the legal statements of the lesson (portal/sources.py), shown under it.
    sources = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["module", "position"]
        constraints = [models.UniqueConstraint(fields=["module", "key"], name="lesson_key_once")]

    def __str__(self):
        return self.local_title

    @property
    def local_title(self) -> str:
        return local(self.title)

    @property
    def local_body(self) -> str:
        return local(self.body)


class Question(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField()
    position = models.PositiveSmallIntegerField()
    text = models.JSONField()
    # Ids of the seed bullets this question covers (training/content/seed_bullets.yaml).
    seed = models.JSONField(default=list)
    # Sources of the legal statements of the question and its explanations.
    sources = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["module", "position"]
        constraints = [models.UniqueConstraint(fields=["module", "key"], name="question_key_once")]

    def __str__(self):
        return self.local_text

    @property
    def local_text(self) -> str:
        return local(self.text)


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    key = models.SlugField()
    position = models.PositiveSmallIntegerField()
    text = models.JSONField()
    correct = models.BooleanField(default=False)
    # Why this answer is right or wrong: shown after the quiz, for every answer.
    explanation = models.JSONField()

    class Meta:
        ordering = ["question", "position"]
        constraints = [models.UniqueConstraint(fields=["question", "key"], name="choice_key_once")]

    def __str__(self):
        return self.local_text

    @property
    def local_text(self) -> str:
        return local(self.text)

    @property
    def local_explanation(self) -> str:
        return local(self.explanation)


class Attempt(PracticeOwned):
    """One go at a module: lessons, then the quiz in the order the server chose and kept.

    ``shown`` is ``[{"question": key, "choices": [key, …]}, …]`` in display order;
    ``answered`` is ``{question key: chosen choice key}`` once submitted.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="attempts")
    module_version = models.CharField(_("version du module"), max_length=16)
    major_version = models.PositiveSmallIntegerField()
    shown = models.JSONField(default=list)
    answered = models.JSONField(default=dict)
    lesson_reached = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(_("commencé le"))
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    correct = models.PositiveSmallIntegerField(null=True, blank=True)
    total = models.PositiveSmallIntegerField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("score (%)"), null=True, blank=True)
    passed = models.BooleanField(_("réussi"), default=False)
    # Set on a pass: finished_at + the module's validity at the time of the pass.
    expires_at = models.DateTimeField(_("valable jusqu'au"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["practice", "user", "module", "passed"])]
        verbose_name = _("tentative")
        verbose_name_plural = _("tentatives")

    def __str__(self):
        return f"{self.module} — {self.user}"

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


class Certificate(PracticeOwned):
    """Proof of a passed module, checkable by anyone holding its code (and nothing more)."""

    attempt = models.OneToOneField(Attempt, on_delete=models.CASCADE, related_name="certificate")
    code = models.CharField(_("code de vérification"), max_length=24, unique=True)
    issued_at = models.DateTimeField(_("délivré le"))

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("attestation de formation")
        verbose_name_plural = _("attestations de formation")

    def __str__(self):
        return self.code


def attestation_path(instance, filename: str) -> str:
    """Never the uploader's file name: the practice, then a random name, then the type."""
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"training/attestations/{instance.practice_id}/{instance.public_id}.{extension}"


class ExternalAttestation(PracticeOwned):
    """Evidence from an outside course (e.g. SensCyber), counted once the admin maps it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("personne"),
    )
    title = models.CharField(_("intitulé de la formation"), max_length=200)
    file = models.FileField(_("attestation (PDF, PNG ou JPEG)"), upload_to=attestation_path)
    content_type = models.CharField(max_length=40)
    completed_on = models.DateField(_("suivie le"))
    valid_until = models.DateField(_("valable jusqu'au"))
    modules = models.ManyToManyField(
        Module, blank=True, related_name="+", verbose_name=_("modules couverts")
    )
    uploaded_at = models.DateTimeField(_("déposée le"))
    mapped_at = models.DateTimeField(_("validée le"), null=True, blank=True)
    mapped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("validée par"),
    )

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("attestation externe")
        verbose_name_plural = _("attestations externes")

    def __str__(self):
        return self.title


class ModuleExemption(PracticeOwned):
    """A module the practice does not require from one job.

    Every module is required from everyone by default (no row); a row lifts the
    requirement for one job. A module added later is therefore required until the
    admin says otherwise.
    """

    job = models.CharField(_("fonction"), max_length=16, choices=Job.choices)
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "job", "module"], name="module_exemption_once"
            )
        ]
        verbose_name = _("module non obligatoire")
        verbose_name_plural = _("modules non obligatoires")


class TrainingReminder(models.Model):
    """When the reminder sweep must next look at a member's training.

    One row per membership, created by the sweep for a membership that has none yet (due
    at once). The sweep reads only the rows whose ``remind_at`` has come and stores the
    next change of standing it can foresee (training/reminders.py). What can bring a
    reminder forward deletes the row, which the next sweep recreates: a module loaded or
    revised, the practice's requirements changed, an outside attestation deleted, a
    member's job changed.
    """

    membership = models.OneToOneField(
        "practices.Membership",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="training_reminder",
    )
    remind_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.membership_id}: {self.remind_at:%Y-%m-%d %H:%M}"

    @classmethod
    def reset(cls, *, practice_id=None, user_id=None) -> None:
        """Read these members again at the next sweep (None: everyone)."""
        rows = cls.objects.all()
        if practice_id is not None:
            rows = rows.filter(membership__practice_id=practice_id)
        if user_id is not None:
            rows = rows.filter(membership__user_id=user_id)
        rows.delete()
