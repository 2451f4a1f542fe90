from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "registry.incidents"
    label = "incidents"
    verbose_name = _("Incidents et violations de données")

    def ready(self):
        from practices.audit_log import FIELD_LABELS

        # The reason of a traced correction, shown in the audit trail.
        for target in ("incidents.incident", "incidents.cnilfiling"):
            FIELD_LABELS[(target, "reason")] = _("Raison")
