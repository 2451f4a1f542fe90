from django import forms
from django.utils.translation import gettext_lazy as _

from portal.identifying import NIR
from portal.plausible import ChangeReasonMixin, PlausibleTimesMixin, shown
from portal.single_line import SingleLineFields
from registry.rights import deadlines
from registry.rights.models import Outcome, RightsRequest

# A deadline can sit a year back (a late request logged afterwards): older asks to confirm.
OLD_DAYS = 365
HEALTH_HELP = _(
    "Facultatif. Ce texte peut contenir des données de santé : n'écrivez que le nécessaire, "
    "jamais le nom du patient ni son numéro de sécurité sociale."
)
# Thirteen digits or more in a row (spaces allowed): the shape of a NIR, valid key or not.
LONG_NUMBER = r"(?:\d\s?){13,}"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def refuse_nir(value: str) -> str:
    import re

    if NIR.search(value or "") or re.search(LONG_NUMBER, value or ""):
        raise forms.ValidationError(
            _(
                "Ceci ressemble à un numéro de sécurité sociale (NIR) : il ne doit jamais être "
                "saisi ici. Indiquez les initiales du patient ou la référence interne de son "
                "dossier."
            ),
            code="nir",
        )
    return value


class RequestForm(SingleLineFields, ChangeReasonMixin, PlausibleTimesMixin, forms.ModelForm):
    identifying_ack = forms.BooleanField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = RightsRequest
        fields = [
            "received_on",
            "channel",
            "kind",
            "requester",
            "person_ref",
            "identity",
            "complete_on",
            "older_than_five_years",
            "notes",
        ]
        widgets = {
            "received_on": DateInput(),
            "complete_on": DateInput(),
            "channel": forms.RadioSelect,
            "kind": forms.RadioSelect,
            "requester": forms.RadioSelect,
            "identity": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "person_ref": _(
                "Les initiales ou la référence du dossier dans votre logiciel, rien d'autre : "
                "ni nom complet, ni numéro de sécurité sociale."
            ),
            "notes": HEALTH_HELP,
        }

    TRACED = ("received_on", "complete_on")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.instance.pk is not None
        self.stored = {n: getattr(self.instance, n) for n in self.TRACED} if stored else {}
        for name in ("channel", "kind", "requester", "identity"):
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0]]

    def clean_person_ref(self):
        return refuse_nir(self.cleaned_data["person_ref"]).strip()

    def clean_notes(self):
        return refuse_nir(self.cleaned_data["notes"])

    def clean(self):
        data = super().clean()
        self.no_future("received_on", "complete_on")
        self.not_before(
            "complete_on",
            "received_on",
            _("La demande ne peut être complète avant sa réception (%(date)s)."),
        )
        self.confirm_if_old("received_on", "complete_on", days=OLD_DAYS)
        self.require_reason(*self.TRACED, stored=self.stored)
        if data.get("kind") != deadlines.MEDICAL_RECORD:
            data["older_than_five_years"] = False
        return data


class ExtensionForm(SingleLineFields, PlausibleTimesMixin, forms.ModelForm):
    class Meta:
        model = RightsRequest
        fields = ["extension_reason", "extension_letter_on"]
        widgets = {
            "extension_reason": forms.Textarea(attrs={"rows": 3}),
            "extension_letter_on": DateInput(),
        }
        help_texts = {
            "extension_reason": _(
                "Par exemple : complexité ou nombre des demandes. Elle figure dans le courrier "
                "à la personne : n'y écrivez pas de donnée de santé."
            ),
            "extension_letter_on": _(
                "Le courrier doit partir dans le premier délai d'un mois (modèle ci-dessous)."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.Meta.fields:
            self.fields[name].required = True

    def clean(self):
        data = super().clean()
        self.no_future("extension_letter_on")
        request = self.instance
        self.not_before(
            "extension_letter_on",
            request.received_on,
            _("Le courrier ne peut précéder la réception de la demande (%(date)s)."),
        )
        letter = self._valid("extension_letter_on")
        limit = deadlines.initial_deadline(request)
        if letter and letter > limit:
            self.add_error(
                "extension_letter_on",
                _(
                    "La prolongation doit être annoncée dans le premier délai, au plus tard le "
                    "%(date)s : passé cette date, elle n'est plus possible."
                )
                % {"date": shown(limit)},
            )
        return data


class AnswerForm(SingleLineFields, PlausibleTimesMixin, forms.ModelForm):
    identifying_ack = forms.BooleanField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = RightsRequest
        fields = ["answered_on", "answer_means", "outcome", "refusal_reason", "answer_notes"]
        widgets = {
            "answered_on": DateInput(),
            "answer_means": forms.RadioSelect,
            "outcome": forms.RadioSelect,
            "refusal_reason": forms.Textarea(attrs={"rows": 3}),
            "answer_notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "refusal_reason": _(
                "Requis en cas de refus, même partiel : il figure dans le courrier, avec le "
                "droit d'introduire une réclamation auprès de la CNIL."
            ),
            "answer_notes": HEALTH_HELP,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("answered_on", "answer_means", "outcome"):
            self.fields[name].required = True
        for name in ("answer_means", "outcome"):
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0]]

    def clean_answer_notes(self):
        return refuse_nir(self.cleaned_data["answer_notes"])

    def clean(self):
        data = super().clean()
        self.no_future("answered_on")
        self.not_before(
            "answered_on",
            self.instance.received_on,
            _("La réponse ne peut précéder la réception de la demande (%(date)s)."),
        )
        self.confirm_if_old("answered_on", days=OLD_DAYS)
        refused = data.get("outcome") in (Outcome.REFUSED, Outcome.PARTLY)
        if refused and not (data.get("refusal_reason") or "").strip():
            self.add_error(
                "refusal_reason",
                _("Indiquez le motif du refus : la personne doit le connaître."),
            )
        return data
