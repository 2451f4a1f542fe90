from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RightsConfig(AppConfig):
    name = "registry.rights"
    label = "rights"
    verbose_name = _("Demandes d'exercice des droits")

    def ready(self):
        from practices.audit_log import FIELD_LABELS

        # The reason of a traced date change, shown in the audit trail.
        FIELD_LABELS[("rights.rightsrequest", "reason")] = _("Raison")
