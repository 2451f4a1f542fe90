from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.plausible import PlausibleTimesMixin
from portal.single_line import SingleLineFields
from registry import cnil
from registry.models import ProcessingActivity
from registry.processors import rules
from registry.processors.models import Processor

MAX_CONTRACT = 10 * 1024 * 1024
# The farthest end date that is not a typing error (a contract or certificate of 10 years).
MAX_YEARS = 10


def location_choices():
    return [
        (_("Union européenne / EEE (pas de transfert)"), list(rules.Location.choices)),
        *cnil.country_choices(),
    ]


class ProcessorForm(SingleLineFields, PlausibleTimesMixin, forms.ModelForm):
    data_categories = forms.MultipleChoiceField(
        label=_("Catégories de données confiées"),
        choices=[c for c in cnil.DataCategory.choices if c[0] != cnil.DataCategory.CUSTOM],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    clauses = forms.MultipleChoiceField(
        label=_("Clauses du contrat (art. 28)"),
        choices=rules.Clause.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=rules.HELP["clauses"],
    )
    hds_scope = forms.MultipleChoiceField(
        label=_("Périmètre du certificat HDS"),
        choices=rules.HdsScope.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=rules.HELP["hds_scope"],
    )
    location = forms.ChoiceField(
        label=_("Pays où sont les données"),
        choices=location_choices,
        help_text=rules.HELP["location"],
    )
    activities = forms.ModelMultipleChoiceField(
        label=_("Fiches du registre concernées"),
        queryset=ProcessingActivity.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Processor
        fields = [
            "name",
            "service",
            "data_categories",
            "hosts_health_data",
            "contract_signed_on",
            "contract_ends_on",
            "contract_file",
            "clauses",
            "hds_scope",
            "hds_certifier",
            "hds_expires_on",
            "location",
            "guarantee",
            "sub_processors",
            "activities",
            "notes",
        ]
        widgets = {
            "contract_signed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "contract_ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "hds_expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "sub_processors": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "contract_file": _("PDF, 10 Mo au plus."),
            "notes": _("N'y mettez aucune donnée de patient."),
        }

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activities"].queryset = ProcessingActivity.objects.filter(
            practice=practice
        ).exclude(status=cnil.Status.ARCHIVED)
        self.fields["guarantee"].choices = [
            c for c in self.fields["guarantee"].choices if c[0] != cnil.Guarantee.PRIVACY_SHIELD
        ]

    def clean_contract_file(self):
        upload = self.cleaned_data.get("contract_file")
        if not upload or not hasattr(upload, "content_type"):  # none, or the stored one
            return upload
        if upload.size > MAX_CONTRACT:
            raise forms.ValidationError(_("Le fichier dépasse 10 Mo."))
        upload.seek(0)
        head = upload.read(5)
        upload.seek(0)
        if head != b"%PDF-" or not upload.name.lower().endswith(".pdf"):
            raise forms.ValidationError(
                _("Seuls les fichiers PDF sont acceptés (vérifiez le format).")
            )
        return upload

    def clean(self):
        data = super().clean()
        self.no_future(
            "contract_signed_on",
            message=_("Un contrat ne peut pas être signé à une date à venir."),
        )
        self.not_before(
            "contract_ends_on",
            "contract_signed_on",
            _("La fin du contrat précède sa signature (%(date)s)."),
        )
        today = timezone.localdate()
        for name in ("contract_ends_on", "hds_expires_on"):
            value = self._valid(name)
            if value and value.year > today.year + MAX_YEARS:
                self.add_error(
                    name,
                    _("Cette date est à plus de %(n)s ans : vérifiez l'année.") % {"n": MAX_YEARS},
                )
        self.confirm_if_old("contract_signed_on", days=365 * MAX_YEARS)
        scope, expires = data.get("hds_scope"), self._valid("hds_expires_on")
        if (scope or data.get("hds_certifier")) and not expires:
            self.add_error(
                "hds_expires_on", _("Indiquez jusqu'à quand le certificat HDS est valable.")
            )
        if expires and not scope:
            self.add_error("hds_scope", _("Cochez le périmètre du certificat HDS."))
        return data
