from django import forms
from django.utils.translation import gettext_lazy as _

from practices.models import Practice, Profession
from practices.validators import validate_finess, validate_siret


class PracticeForm(forms.ModelForm):
    professions = forms.MultipleChoiceField(
        label=_("Profession(s) exercée(s) au cabinet"),
        choices=Profession.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Cochez toutes les professions présentes : le registre en dépend."),
    )

    class Meta:
        model = Practice
        fields = ["name", "professions", "address", "postcode", "city", "region", "siret", "finess"]
        help_texts = {
            "siret": _("Facultatif. 14 chiffres, vérifiés avec leur clé."),
            "finess": _("Facultatif. 9 caractères, pour les structures enregistrées au FINESS."),
        }
        widgets = {"address": forms.Textarea(attrs={"rows": 2})}

    def clean_siret(self):
        siret = self.cleaned_data["siret"].replace(" ", "")
        if siret:
            validate_siret(siret)
        return siret

    def clean_finess(self):
        finess = self.cleaned_data["finess"].replace(" ", "").upper()
        if finess:
            validate_finess(finess)
        return finess
