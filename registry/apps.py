from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Registre des traitements")

    def ready(self):
        from practices.audit_log import FIELD_LABELS

        # The fiche's parts appear in its history under these names.
        for key, label in {
            "data": _("catégories de données"),
            "subjects": _("personnes concernées"),
            "recipients": _("destinataires"),
            "measures": _("mesures de sécurité"),
            "transfers": _("transferts hors UE"),
            "preset": _("modèle d'origine"),
        }.items():
            FIELD_LABELS[("registry.processingactivity", key)] = label
