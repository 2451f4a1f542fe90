"""Forms of the record: the header, and one fiche split in the CNIL sheet's sections."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.plausible import PlausibleTimesMixin
from portal.single_line import SingleLineFields
from registry import cnil
from registry.models import (
    CONTACT_PARTS,
    ActivityData,
    ProcessingActivity,
    Recipient,
    RecordHeader,
    SecurityMeasure,
    Subject,
    Transfer,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class HeaderForm(SingleLineFields, forms.ModelForm):
    class Meta:
        model = RecordHeader
        fields = [
            *[f"controller_{part}" for part in CONTACT_PARTS],
            "has_representative",
            *[f"representative_{part}" for part in CONTACT_PARTS],
            "dpo_designated",
            *[f"dpo_{part}" for part in CONTACT_PARTS],
            "dpo_company",
            "no_dpo_note",
            "review_interval_months",
        ]

    def sections(self):
        """The three contact blocks of the CNIL list sheet, then the review interval: the
        same labels (Nom, Prénom…) repeat in each block, so each block has its title."""
        return [
            {
                "legend": _("Responsable du traitement"),
                "help": cnil.HELP["controller"],
                "fields": [self[f"controller_{part}"] for part in CONTACT_PARTS],
            },
            {
                "legend": _("Représentant dans l'Union européenne"),
                "fields": [
                    self["has_representative"],
                    *[self[f"representative_{part}"] for part in CONTACT_PARTS],
                ],
            },
            {
                "legend": _("Délégué à la protection des données (DPO)"),
                "fields": [
                    self["dpo_designated"],
                    *[self[f"dpo_{part}"] for part in CONTACT_PARTS],
                    self["dpo_company"],
                    self["no_dpo_note"],
                ],
            },
            {"legend": _("Relecture des fiches"), "fields": [self["review_interval_months"]]},
        ]

    def clean(self):
        data = super().clean()
        # A name refused as too long has its own message: "indiquez" would say it is missing.
        if (
            data.get("dpo_designated")
            and not data.get("dpo_last_name")
            and "dpo_last_name" not in self.errors
        ):
            self.add_error(
                "dpo_last_name", _("Indiquez le nom du délégué à la protection des données.")
            )
        if not data.get("dpo_designated") and not (data.get("no_dpo_note") or "").strip():
            self.add_error(
                "no_dpo_note", _("Sans DPO désigné, écrivez pourquoi (une phrase suffit).")
            )
        if (
            data.get("has_representative")
            and not data.get("representative_last_name")
            and "representative_last_name" not in self.errors
        ):
            self.add_error("representative_last_name", _("Indiquez le nom du représentant."))
        interval = data.get("review_interval_months")
        if interval is not None and not 1 <= interval <= 36:
            self.add_error("review_interval_months", _("Choisissez une durée entre 1 et 36 mois."))
        return data


class ActivityForm(SingleLineFields, PlausibleTimesMixin, forms.ModelForm):
    """A. Description, B. joint controllers, C. purposes, and the health-practice additions."""

    class Meta:
        model = ProcessingActivity
        fields = [
            "name",
            "reference",
            "created_on",
            "status",
            "joint_controllers",
            "main_purpose",
            "sub_purpose_1",
            "sub_purpose_2",
            "sub_purpose_3",
            "sub_purpose_4",
            "sub_purpose_5",
            "legal_basis",
            "health_exception",
            "dpia",
            "dpia_done_on",
        ]
        widgets = {
            "created_on": DateInput(),
            "dpia_done_on": DateInput(),
            "joint_controllers": forms.Textarea(attrs={"rows": 2}),
            "main_purpose": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, practice, **kwargs):
        self.practice = practice
        super().__init__(*args, **kwargs)
        self.fields["main_purpose"].required = True
        self.fields["legal_basis"].choices = [("", _("— à choisir —")), *cnil.LegalBasis.choices]

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        clash = ProcessingActivity.objects.filter(practice=self.practice, reference=reference)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Une autre fiche porte déjà cette référence."))
        return reference

    def clean(self):
        data = super().clean()
        self.no_future("created_on", "dpia_done_on")
        # A date already refused (mistyped) has its own message: do not add "indiquez".
        if (
            data.get("dpia") == cnil.Dpia.DONE
            and not data.get("dpia_done_on")
            and "dpia_done_on" not in self.errors
        ):
            self.add_error("dpia_done_on", _("Indiquez la date de l'analyse d'impact."))
        return data


class DataCategoriesForm(SingleLineFields, forms.Form):
    """D and E as on the CNIL sheet: one line per category, ticked when concerned.

    A ticked category requires its retention period.
    """

    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        existing = {row.category: row for row in rows if row.category != cnil.DataCategory.CUSTOM}
        self.lines = []
        for category in [*cnil.STANDARD_CATEGORIES, *cnil.SENSITIVE_CATEGORIES]:
            row = existing.get(category)
            key = category.value
            self.fields[f"{key}_on"] = forms.BooleanField(
                label=category.label, required=False, initial=row is not None
            )
            self.fields[f"{key}_description"] = forms.CharField(
                label=_("Description"),
                required=False,
                initial=row.description if row else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"{key}_retention"] = forms.CharField(
                label=_("Durée de conservation"),
                required=False,
                max_length=255,
                initial=row.retention if row else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.lines.append(
                {
                    "category": category,
                    "sensitive": category in cnil.SENSITIVE_CATEGORIES,
                    "on": key,
                }
            )

    def bound_lines(self):
        for line in self.lines:
            key = line["category"].value
            yield {
                **line,
                "on": self[f"{key}_on"],
                "description": self[f"{key}_description"],
                "retention": self[f"{key}_retention"],
            }

    def standard_lines(self):
        return [line for line in self.bound_lines() if not line["sensitive"]]

    def sensitive_lines(self):
        return [line for line in self.bound_lines() if line["sensitive"]]

    def clean(self):
        data = super().clean()
        for line in self.lines:
            key = line["category"].value
            typed = f"{key}_retention" in self.errors  # too long: its own message says so
            if (
                data.get(f"{key}_on")
                and not typed
                and not (data.get(f"{key}_retention") or "").strip()
            ):
                self.add_error(
                    f"{key}_retention",
                    _("Catégorie cochée : indiquez sa durée de conservation."),
                )
        return data

    def chosen(self):
        """(category, description, retention) of the ticked lines."""
        for line in self.lines:
            key = line["category"].value
            if self.cleaned_data.get(f"{key}_on"):
                yield (
                    line["category"].value,
                    self.cleaned_data[f"{key}_description"],
                    self.cleaned_data[f"{key}_retention"].strip(),
                )

    @property
    def has_sensitive(self) -> bool:
        return any(cat in cnil.SENSITIVE_CATEGORIES for cat, _d, _r in self.chosen())


class CustomDataForm(SingleLineFields, forms.ModelForm):
    class Meta:
        model = ActivityData
        fields = ["label", "description", "retention"]
        labels = {"label": _("Autre catégorie de données")}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "retention": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["retention"].required = False

    def clean(self):
        data = super().clean()
        typed = "retention" in self.errors  # too long: its own message says so
        if data.get("label") and not typed and not (data.get("retention") or "").strip():
            self.add_error("retention", _("Catégorie ajoutée : indiquez sa durée de conservation."))
        if (
            not data.get("label")
            and "label" not in self.errors
            and (data.get("description") or data.get("retention"))
        ):
            self.add_error("label", _("Donnez un intitulé à cette catégorie."))
        return data


class TransferForm(SingleLineFields, forms.ModelForm):
    country = forms.ChoiceField(label=_("Pays"), choices=())

    class Meta:
        model = Transfer
        fields = ["recipient", "country", "guarantee", "documentation"]
        help_texts = {"guarantee": cnil.HELP["transfers"]}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("— à choisir —")), *cnil.country_choices()]
        self.fields["guarantee"].choices = [
            ("", _("— à choisir —")),
            *[c for c in cnil.Guarantee.choices if c[0] != cnil.Guarantee.PRIVACY_SHIELD],
        ]

    def clean(self):
        data = super().clean()
        country, guarantee = data.get("country"), data.get("guarantee")
        if not country:
            return data
        if cnil.is_adequate(country):
            return data
        if not guarantee:
            self.add_error(
                "guarantee",
                _("Ce pays n'a pas de décision d'adéquation : choisissez une garantie."),
            )
        elif guarantee == cnil.Guarantee.ADEQUACY:
            self.add_error(
                "guarantee",
                _("Ce pays n'a pas de décision d'adéquation : « Pays adéquat » ne convient pas."),
            )
        return data


class _PartForm(SingleLineFields, forms.ModelForm):
    pass


def _formset(model, form=_PartForm, fields=None, extra=1):
    return forms.inlineformset_factory(
        ProcessingActivity, model, form=form, fields=fields, extra=extra, can_delete=True
    )


CustomDataFormSet = forms.inlineformset_factory(
    ProcessingActivity, ActivityData, form=CustomDataForm, extra=1, can_delete=True
)
SubjectFormSet = _formset(Subject, fields=["category", "details"], extra=2)
RecipientFormSet = _formset(
    Recipient, fields=["kind", "details", "hds_certified", "dpa_signed"], extra=2
)
MeasureFormSet = _formset(SecurityMeasure, fields=["kind", "details"], extra=2)
TransferFormSet = forms.inlineformset_factory(
    ProcessingActivity, Transfer, form=TransferForm, extra=1, can_delete=True
)


# The référentiel covers professionals practising as liberals (domain.md §2.1): a centre de
# santé is outside its scope.
CENTRE_SANTE_NOTE = _(
    "Centre de santé : hors du champ du référentiel de la CNIL, qui vise l'exercice libéral "
    "(délibération n° 2020-081, vérifié le 04/12/2026) ; les traitements proposés restent "
    "indicatifs, à valider par la structure."
)


class ProfessionsForm(forms.Form):
    """ "Démarrer mon registre": which professions practise here."""

    def __init__(self, *args, **kwargs):
        from practices.models import Profession

        super().__init__(*args, **kwargs)
        self.fields["professions"] = forms.MultipleChoiceField(
            label=_("Professions exercées au cabinet"),
            choices=Profession.choices,
            widget=forms.CheckboxSelectMultiple,
            help_text=CENTRE_SANTE_NOTE,
        )
