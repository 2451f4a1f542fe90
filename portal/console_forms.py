from django import forms
from django.utils.translation import gettext_lazy as _

from portal import console
from portal.models import Suggestion
from portal.single_line import SingleLineFields
from practices.models import Profession, Region

SORT_CHOICES = [(key, key) for key in console.SORT_KEYS] + [
    (f"-{key}", f"-{key}") for key in console.SORT_KEYS
]


class ConsoleFilterForm(forms.Form):
    """The console's filters (GET). An invalid value is ignored, never an error page."""

    profession = forms.ChoiceField(
        label=_("Profession"),
        required=False,
        choices=[("", _("Toutes"))] + list(Profession.choices),
    )
    region = forms.ChoiceField(label=_("Région"), required=False)
    score = forms.ChoiceField(
        label=_("Score"),
        required=False,
        choices=[("", _("Tous"))] + [(k, v[0]) for k, v in console.SCORE_BANDS.items()],
    )
    attention = forms.BooleanField(label=_("Seulement les cabinets à surveiller"), required=False)
    tri = forms.ChoiceField(required=False, choices=SORT_CHOICES, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("Toutes"))] + [
            (r.code, r.name) for r in Region.objects.order_by("name")
        ]

    def filters(self) -> dict:
        """The valid filters, with the sort under ``sort``."""
        self.is_valid()
        data = {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v}
        if "tri" in data:
            data["sort"] = data.pop("tri")
        return data


class SuggestionForm(SingleLineFields, forms.Form):
    """What to suggest (one checklist or preset), to which granted practices, and why."""

    item = forms.ChoiceField(label=_("Élément suggéré"))
    practices = forms.ModelMultipleChoiceField(
        label=_("Cabinets"),
        queryset=None,
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choisissez au moins un cabinet."),
            "invalid_choice": _("Ce cabinet ne vous donne pas accès."),
        },
    )
    note = forms.CharField(
        label=_("Message aux cabinets"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Pourquoi cette suggestion ? Sans donnée de patient."),
    )

    def __init__(self, *args, practices, offered, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["practices"].queryset = practices
        labels = dict(Suggestion.Kind.choices)
        self.fields["item"].choices = [("", _("Choisir…"))] + [
            (str(labels[kind]), [(f"{kind}:{key}", title) for key, title in items])
            for kind, items in offered.items()
        ]

    def clean_item(self):
        kind, _sep, key = self.cleaned_data["item"].partition(":")
        return kind, key
