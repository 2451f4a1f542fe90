from django import forms
from django.utils.translation import gettext_lazy as _

from portal.notifications.kinds import allowed_modes
from portal.notifications.models import Mode


def field_name(kind_key: str) -> str:
    return "kind_" + kind_key.replace(".", "_")


class PreferencesForm(forms.Form):
    """The default mode, then one choice per non-urgent kind (urgent kinds get no field)."""

    default = forms.ChoiceField(
        label=_("Pour tous les rappels, sauf choix ci-dessous"),
        choices=Mode.choices,
        initial=Mode.IMMEDIATE,
    )

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind_fields: dict[str, str] = {}
        for kind in kinds:
            if kind.urgent:
                continue
            choices = [("", _("Comme pour tous les rappels"))] + [
                (mode, Mode(mode).label) for mode in allowed_modes(kind)
            ]
            name = field_name(kind.key)
            self.fields[name] = forms.ChoiceField(label=kind.label, choices=choices, required=False)
            self.kind_fields[name] = kind.key

    def modes(self) -> dict[str, str]:
        """``{kind or "": mode or ""}`` from the cleaned data."""
        chosen = {"": self.cleaned_data["default"]}
        for name, kind_key in self.kind_fields.items():
            chosen[kind_key] = self.cleaned_data.get(name, "")
        return chosen
