from django import forms
from django.utils.translation import gettext_lazy as _

from portal.single_line import SingleLineFields


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code de vérification"),
        max_length=20,
        help_text=_("Les 6 chiffres affichés par votre application, ou un code de secours."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


class NewDeviceCodeForm(CodeForm):
    code = forms.CharField(
        label=_("Code affiché par l'application"),
        max_length=8,
        help_text=_("Saisissez le code à 6 chiffres que l'application affiche maintenant."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class SignupNamesForm(SingleLineFields, forms.Form):
    """Added to allauth's sign-up form: the new admin's name, shown to the team, on the
    registry's header and on training certificates (the address alone said nothing)."""

    first_name = forms.CharField(
        label=_("Prénom"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Nom"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )

    def clean(self):
        data = super().clean()
        for name in ("first_name", "last_name"):
            if name in data:
                data[name] = data[name].strip()
        return data

    def signup(self, request, user):
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.save(update_fields=["first_name", "last_name"])
