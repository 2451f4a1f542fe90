from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Sensibilisation du personnel")

    def ready(self):
        from django.db.models.signals import post_save

        from practices.models import Membership

        post_save.connect(_job_may_have_changed, sender=Membership, dispatch_uid="training-job")


def _job_may_have_changed(sender, instance, created, update_fields=None, **kwargs):
    """A member's job decides the modules required from them: read them again."""
    if created or (update_fields is not None and "job" not in update_fields):
        return
    from training.models import TrainingReminder

    TrainingReminder.objects.filter(membership=instance).delete()
