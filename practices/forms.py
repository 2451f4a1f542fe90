import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.single_line import SingleLineFields
from practices.models import Invitation, Job, Membership, Oversight, Practice, Profession
from practices.roles import Role
from practices.validators import validate_finess, validate_siret


def _sort_key(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()


class PracticeForm(SingleLineFields, forms.ModelForm):
    professions = forms.MultipleChoiceField(
        label=_("Profession(s) exercée(s) au cabinet"),
        choices=Profession.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Cochez toutes les professions présentes : le registre en dépend. Un centre de "
            "santé est hors du champ du référentiel de la CNIL, qui vise l'exercice libéral."
        ),
    )

    # Spaces are allowed while typing; the cleaned value has none.
    siret = forms.CharField(
        label=_("SIRET"),
        max_length=20,
        required=False,
        help_text=_("Facultatif. 14 chiffres, vérifiés avec leur clé."),
    )
    finess = forms.CharField(
        label=_("FINESS"),
        max_length=12,
        required=False,
        help_text=_("Facultatif. 9 caractères, pour les structures enregistrées au FINESS."),
    )

    class Meta:
        model = Practice
        fields = ["name", "professions", "address", "postcode", "city", "region", "siret", "finess"]
        widgets = {"address": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # In alphabetical order as a French reader expects it: Île-de-France after
        # Hauts-de-France, not after Provence-Alpes-Côte d'Azur (a byte sort puts "Î" last).
        region = self.fields["region"]
        regions = sorted(region.queryset, key=lambda r: _sort_key(r.name))
        region.choices = [("", region.empty_label)] + [(r.pk, r.name) for r in regions]

    def clean_postcode(self):
        postcode = self.cleaned_data["postcode"].replace(" ", "")
        if postcode and not (len(postcode) == 5 and postcode.isdigit()):
            raise forms.ValidationError(_("Le code postal compte 5 chiffres."))
        return postcode

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


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role", "job"]


class InvitationForm(SingleLineFields, forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail de la personne invitée"))
    role = forms.ChoiceField(
        label=_("Rôle"),
        choices=Role.choices,
        initial=Role.STAFF,
        help_text=_(
            "Un délégué numérique en santé voit le cabinet en lecture seule, et vous pouvez "
            "lui retirer l'accès à tout moment."
        ),
    )
    job = forms.ChoiceField(
        label=_("Fonction"),
        choices=Job.choices,
        initial=Job.SECRETARY,
        help_text=_("Sans objet pour un délégué."),
    )

    def __init__(self, *args, practice=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.practice = practice

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if Membership.objects.filter(practice=self.practice, user__email__iexact=email).exists():
            raise forms.ValidationError(_("Cette personne fait déjà partie du cabinet."))
        pending = Invitation.objects.filter(
            practice=self.practice, email__iexact=email, status=Invitation.Status.PENDING
        )
        if pending.exists():
            raise forms.ValidationError(
                _("Une invitation est déjà en attente pour cette adresse : renvoyez-la.")
            )
        return email

    def clean(self):
        data = super().clean()
        if data.get("role") == Role.DELEGATE and data.get("email"):
            granted = Oversight.objects.filter(
                practice=self.practice, delegate__email__iexact=data["email"], revoked_at=None
            )
            if granted.exists():
                self.add_error("email", _("Ce délégué a déjà accès au cabinet."))
        return data


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Type d'action"), required=False)
    person = forms.ChoiceField(label=_("Personne"), required=False)
    start = forms.DateField(
        label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, actions=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Toutes"))] + list(actions)
        self.fields["person"].choices = [("", _("Tout le monde"))] + list(people)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("La date de fin doit suivre la date de début."))
        return data


class NewAccountForm(SingleLineFields, forms.Form):
    # The invited address, shown and never typed (a disabled field ignores what is posted):
    # the account is made for the address the link reached.
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        disabled=True,
        required=False,
        help_text=_("L'adresse à laquelle l'invitation a été envoyée."),
        widget=forms.EmailInput(attrs={"autocomplete": "username", "readonly": True}),
    )
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
    password1 = forms.CharField(
        label=_("Mot de passe"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Mot de passe (confirmation)"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email="", **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        self.fields["email"].initial = email

    def clean(self):
        from django.contrib.auth import get_user_model, password_validation

        data = super().clean()
        if data.get("password1") != data.get("password2"):
            self.add_error("password2", _("Les deux mots de passe ne correspondent pas."))
        elif data.get("password1"):
            user = get_user_model()(
                email=self.email,
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                password_validation.validate_password(data["password1"], user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data
