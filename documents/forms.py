import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from documents.models import CrisisContacts
from portal.single_line import SingleLineFields

# A French number: 0 then 9 digits (not 00), or +33 / 0033 then 9 digits; a 4-digit short
# number (3xxx, as insurers' assistance lines); separators (space . -) are ignored.
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
_NATIONAL = re.compile(r"0[1-9]\d{8}")
_INTERNATIONAL = re.compile(r"(?:\+33|0033)([1-9]\d{8})")
_SHORT = re.compile(r"3\d{3}")
# Mistyped webmail domains seen in practice, with the one meant.
_DOMAIN_TYPOS = {
    "gmail.fr": "gmail.com",
    "gmial.com": "gmail.com",
    "gamil.com": "gmail.com",
    "gmail.con": "gmail.com",
    "hotmial.com": "hotmail.com",
    "hotmail.con": "hotmail.com",
    "orange.com": "orange.fr",
    "wanadoo.com": "wanadoo.fr",
    "free.com": "free.fr",
}


def french_phone(value: str) -> str:
    """The number written « 01 23 45 67 89 » (or a short number as is); ValidationError
    with a French message when it cannot be a French phone number."""
    digits = _PHONE_SEPARATORS.sub("", value or "")
    if not digits:
        return ""
    if _SHORT.fullmatch(digits):
        return digits
    international = _INTERNATIONAL.fullmatch(digits)
    if international:
        digits = "0" + international.group(1)
    if not _NATIONAL.fullmatch(digits):
        raise ValidationError(
            _(
                "Ce numéro ne ressemble pas à un numéro français : 10 chiffres commençant "
                "par 0 (01 23 45 67 89), +33 suivi de 9 chiffres, ou un numéro court à "
                "4 chiffres commençant par 3."
            ),
            code="phone",
        )
    return " ".join(digits[i : i + 2] for i in range(0, 10, 2))


def plausible_email(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        raise ValidationError(
            _(
                "Cette adresse e-mail n'est pas valide : vérifiez le @ et le domaine "
                "(par exemple contact@prestataire.fr)."
            ),
            code="email",
        ) from None
    domain = value.rsplit("@", 1)[1].lower()
    if "." not in domain:
        raise ValidationError(
            _("Le domaine de l'adresse est incomplet (par exemple prestataire.fr)."),
            code="email_domain",
        )
    if domain in _DOMAIN_TYPOS:
        raise ValidationError(
            _("Le domaine « %(typed)s » semble mal saisi : vouliez-vous écrire « %(meant)s » ?"),
            code="email_typo",
            params={"typed": domain, "meant": _DOMAIN_TYPOS[domain]},
        )
    return value


class CrisisContactsForm(SingleLineFields, forms.ModelForm):
    class Meta:
        model = CrisisContacts
        fields = [
            "manager_name",
            "manager_phone",
            "it_name",
            "it_phone",
            "it_email",
            "dpo_name",
            "dpo_phone",
            "dpo_email",
            "insurer_name",
            "insurer_phone",
            "insurer_policy",
            "restorer_name",
            "restorer_phone",
        ]
        widgets = {
            name: forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"})
            for name in (
                "manager_phone",
                "it_phone",
                "dpo_phone",
                "insurer_phone",
                "restorer_phone",
            )
        } | {
            name: forms.TextInput(attrs={"inputmode": "email", "autocomplete": "off"})
            for name in ("it_email", "dpo_email")
        }

    PHONES = ("manager_phone", "it_phone", "dpo_phone", "insurer_phone", "restorer_phone")
    EMAILS = ("it_email", "dpo_email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.EMAILS:
            # The model's EmailField would answer first in English-like wording: ours speaks.
            self.fields[name] = forms.CharField(
                label=self.fields[name].label,
                required=False,
                max_length=254,
                widget=self.fields[name].widget,
            )
        for name in self.PHONES:
            self.fields[name].help_text = _("Exemple : 01 23 45 67 89")

    def clean(self):
        data = super().clean()
        for name in self.PHONES:
            if name in data:
                try:
                    data[name] = french_phone(data[name])
                except ValidationError as error:
                    self.add_error(name, error)
        for name in self.EMAILS:
            if name in data:
                try:
                    data[name] = plausible_email(data[name])
                except ValidationError as error:
                    self.add_error(name, error)
        return data


class PrintForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Langue"), choices=[("fr", _("Français")), ("en", _("Anglais"))]
    )


class NoticeParagraphForm(forms.Form):
    own_paragraph = forms.CharField(
        label=_("Votre paragraphe"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Ajouté tel quel à la fin de l'affiche et du texte du site (horaires d'accueil, "
            "adresse pour exercer vos droits…). N'y mettez aucune donnée de patient."
        ),
    )
    identifying_ack = forms.BooleanField(required=False, widget=forms.HiddenInput)


class NoticeGenerateForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Langue"), choices=[("fr", _("Français")), ("en", _("Anglais"))]
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[
            ("a4", _("Affiche A4 (PDF)")),
            ("a3", _("Affiche A3 (PDF)")),
            ("web", _("Texte du site internet")),
        ],
    )
