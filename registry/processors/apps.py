from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcessorsConfig(AppConfig):
    name = "registry.processors"
    label = "processors"
    verbose_name = _("Sous-traitants et hébergeurs")

    def ready(self):
        from practices.audit_log import FIELD_LABELS

        for key, label in {
            "activities": _("fiches liées"),
            "clauses": _("clauses de l'article 28"),
            "contract_file": _("contrat (fichier)"),
        }.items():
            FIELD_LABELS[("processors.processor", key)] = label
