from django import forms
from django.utils.translation import gettext_lazy as _

from portal.plausible import ChangeReasonMixin, PlausibleTimesMixin, shown
from portal.single_line import SingleLineFields
from portal.timefields import LocalDateTimeField, local_times
from registry.incidents import breach, notification
from registry.incidents.models import (
    CnilFiling,
    Incident,
    Kind,
    NotificationDetails,
    Risk,
    Status,
)
from registry.models import ProcessingActivity


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


YES_NO = [("", _("— à décider —")), ("true", _("Oui")), ("false", _("Non"))]
YES_NO_FIELDS = ("personal_data", "cnil_required", "inform_required")


def yes_no_initial(value) -> str:
    """The choice showing a stored True / False / None (the select's values are text)."""
    return {True: "true", False: "false"}.get(value, "")


def yes_no(label, **kwargs):
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        required=False,
        empty_value=None,
        coerce=lambda v: v == "true",
        **kwargs,
    )


class ReportForm(SingleLineFields, PlausibleTimesMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Type d'incident"), choices=Kind.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=_("Que s'est-il passé ?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Quelques phrases suffisent. Ne nommez pas de patient : écrivez « Patient X »."
        ),
    )
    noticed_at = LocalDateTimeField(label=_("Constaté le"), widget=DateTimeInput())
    identifying_ack = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        self.no_future("noticed_at")
        self.confirm_if_old("noticed_at")
        return data


class AssessmentForm(SingleLineFields, ChangeReasonMixin, PlausibleTimesMixin, forms.ModelForm):
    personal_data = yes_no(_("Des données personnelles sont-elles concernées ?"))
    cnil_required = yes_no(
        _("La notification à la CNIL est-elle requise ?"),
        help_text=_("Requise dès qu'il y a un risque pour les personnes."),
    )
    inform_required = yes_no(
        _("Faut-il informer les personnes concernées ?"),
        help_text=_("Requis en cas de risque élevé, sauf exception de l'article 34(3)."),
    )

    identifying_ack = forms.BooleanField(required=False, widget=forms.HiddenInput)

    activities = forms.ModelMultipleChoiceField(
        label=_("Traitements du registre concernés"),
        queryset=ProcessingActivity.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Cochez les activités du registre touchées par l'incident."),
    )

    class Meta:
        model = Incident
        fields = breach.ASSESSMENT_FIELDS
        formfield_callback = local_times
        widgets = {
            "aware_at": DateTimeInput(),
            "persons_informed_at": DateTimeInput(),
            "data_categories": forms.Textarea(attrs={"rows": 2}),
            "consequences": forms.Textarea(attrs={"rows": 2}),
            "measures": forms.Textarea(attrs={"rows": 2}),
            "cnil_reason": forms.Textarea(attrs={"rows": 2}),
            "inform_reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        practice = self.instance.practice
        # Only this practice's entries can be chosen: a foreign id is an invalid choice.
        self.fields["activities"].queryset = ProcessingActivity.objects.filter(
            practice=practice
        ).exclude(status="archived")
        self.fields["activities"].initial = list(self.instance.activities.all())
        # A stored True would render as "True", which matches no choice: the select would
        # show "to decide" and saving the form again would erase the decision.
        for name in YES_NO_FIELDS:
            self.initial[name] = yes_no_initial(getattr(self.instance, name))

    def clean(self):
        data = super().clean()
        self.no_future("aware_at", "persons_informed_at")
        self.not_before(
            "aware_at",
            self.instance.noticed_at,
            _("La connaissance de la violation ne peut pas précéder sa constatation (%(date)s)."),
        )
        self.not_before(
            "persons_informed_at",
            "aware_at",
            _(
                "Les personnes ne peuvent pas avoir été informées avant la connaissance de la "
                "violation (%(date)s)."
            ),
        )
        self.confirm_if_old("aware_at", "persons_informed_at")
        if self.instance.assessed_at is not None:
            # The 72 hours' start, once recorded, moves only with a reason (traced).
            self.require_reason("aware_at", stored={"aware_at": self.instance.aware_at})
        if data.get("personal_data") and not data.get("risk"):
            suggested = breach.suggested_risk(
                personal_data=True, health_data=bool(data.get("health_data")), unintelligible=False
            )
            self.add_error(
                "risk",
                _("Choisissez un niveau de risque (suggestion : %(risk)s).")
                % {"risk": Risk(suggested).label},
            )
        if data.get("personal_data") is False:
            data["cnil_required"] = False
            data["risk"] = Risk.NONE
        if data.get("risk"):
            # Guided decisions: left "to decide", they follow the risk level (a reason is
            # still required below).
            required, inform = breach.decisions_for(data["risk"])
            if data.get("cnil_required") is None:
                data["cnil_required"] = required
            if data.get("inform_required") is None:
                data["inform_required"] = inform
        if data.get("cnil_required") is not None and not data.get("cnil_reason", "").strip():
            self.add_error("cnil_reason", _("Écrivez la raison de la décision, dans les deux cas."))
        if data.get("risk") and data.get("cnil_required") is False:
            required, _inform = breach.decisions_for(data["risk"])
            if required:
                self.add_error(
                    "cnil_required", _("Avec ce niveau de risque, la notification est requise.")
                )
        waiver = data.get("inform_waiver")
        if data.get("risk") == Risk.HIGH and data.get("inform_required") is False and not waiver:
            self.add_error(
                "inform_waiver",
                _(
                    "Risque élevé : informez les personnes ou "
                    "choisissez une exception de l'article 34(3)."
                ),
            )
        if waiver and not data.get("inform_reason", "").strip():
            self.add_error("inform_reason", _("Justifiez l'exception retenue."))
        return data


# The assessment's free texts, checked for a patient's identity before they are saved.
ASSESSMENT_TEXTS = ("data_categories", "consequences", "measures", "cnil_reason", "inform_reason")


class FilingForm(SingleLineFields, PlausibleTimesMixin, forms.ModelForm):
    class Meta:
        model = CnilFiling
        fields = ["type", "filed_at", "reference", "delay_reason"]
        formfield_callback = local_times
        widgets = {"filed_at": DateTimeInput(), "delay_reason": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, incident=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.incident = incident

    def clean(self):
        data = super().clean()
        self.no_future("filed_at")
        self.not_before(
            "filed_at",
            self.incident.aware_at,
            _("Une notification ne peut pas précéder la connaissance de la violation (%(date)s)."),
        )
        if data.get("type") == CnilFiling.Type.COMPLEMENTARY:
            initial = self.incident.filings.filter(type=CnilFiling.Type.INITIAL).first()
            if initial is None:
                self.add_error("type", _("Enregistrez d'abord la notification initiale à la CNIL."))
            else:
                self.not_before(
                    "filed_at",
                    initial.filed_at,
                    _(
                        "Une notification complémentaire suit la notification initiale "
                        "(déposée le %(date)s)."
                    ),
                )
        self.confirm_if_old("filed_at")
        filed_at = self._valid("filed_at")
        late = filed_at and breach.filing_is_late(self.incident, filed_at)
        if late and not data.get("delay_reason", "").strip():
            self.add_error(
                "delay_reason",
                _(
                    "Notification après 72 heures : indiquez la raison "
                    "du retard (article 33.1 du RGPD)."
                ),
            )
        return data


class FilingCorrectionForm(ChangeReasonMixin, FilingForm):
    """A recorded CNIL filing corrected by the admin: its date, reference or delay reason,
    with the reason of the correction (traced)."""

    reason_always = True

    class Meta(FilingForm.Meta):
        fields = ["filed_at", "reference", "delay_reason"]

    def clean(self):
        data = super().clean()
        if self.instance.type == CnilFiling.Type.COMPLEMENTARY:
            initial = self.incident.filings.filter(type=CnilFiling.Type.INITIAL).first()
            if initial is not None:
                self.not_before(
                    "filed_at",
                    initial.filed_at,
                    _(
                        "Une notification complémentaire suit la notification initiale "
                        "(déposée le %(date)s)."
                    ),
                )
        self.require_reason("filed_at", stored={"filed_at": self.instance.filed_at})
        return data


class CorrectionForm(SingleLineFields, ChangeReasonMixin, PlausibleTimesMixin, forms.ModelForm):
    """The admin corrects the facts of a report: its date, kind and description."""

    reason_always = True

    class Meta:
        model = Incident
        fields = ["noticed_at", "kind", "description"]
        formfield_callback = local_times
        widgets = {
            "noticed_at": DateTimeInput(),
            "kind": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def clean(self):
        data = super().clean()
        self.no_future("noticed_at")
        if self.instance.assessed_at is not None:
            noticed = self._valid("noticed_at")
            aware = self.instance.aware_at
            if noticed is not None and noticed > aware:
                self.add_error(
                    "noticed_at",
                    _(
                        "La constatation ne peut pas suivre la connaissance de la violation "
                        "(%(date)s) : corrigez d'abord celle-ci dans l'évaluation."
                    )
                    % {"date": shown(aware)},
                )
        self.confirm_if_old("noticed_at")
        self.require_reason("noticed_at", stored={"noticed_at": self.instance.noticed_at})
        return data


class WithdrawalForm(SingleLineFields, forms.Form):
    """Withdrawing an incident (an error or a duplicate), or reinstating it: a reason."""

    reason = forms.CharField(
        label=_("Raison"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Indiquez la raison : elle reste tracée dans l'historique.")},
    )


class FollowUpForm(SingleLineFields, PlausibleTimesMixin, forms.ModelForm):
    class Meta:
        model = Incident
        fields = [
            "status",
            "shared_with_delegate",
            "ars_reported_at",
            "ars_reference",
            "police_at",
            "police_reference",
        ]
        widgets = {"ars_reported_at": DateTimeInput(), "police_at": DateTimeInput()}
        formfield_callback = local_times

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Withdrawing has its own page, with a required reason.
        self.fields["status"].choices = [
            c for c in self.fields["status"].choices if c[0] != Status.WITHDRAWN
        ]

    def clean(self):
        data = super().clean()
        self.no_future("ars_reported_at", "police_at")
        for name in ("ars_reported_at", "police_at"):
            self.not_before(
                name,
                self.instance.noticed_at,
                _("Cette date ne peut pas précéder la constatation de l'incident (%(date)s)."),
            )
        return data

    def clean_status(self):
        status = self.cleaned_data["status"]
        # Closed undecided, a breach would never reach the register (GDPR Art. 33.5).
        if status == Status.CLOSED and self.instance.personal_data is None:
            raise forms.ValidationError(
                _(
                    "Avant de clore, indiquez dans l'évaluation si des données "
                    "personnelles sont concernées."
                )
            )
        return status


class NotificationForm(SingleLineFields, PlausibleTimesMixin, forms.ModelForm):
    """What the CNIL's online notification asks beyond the assessment (its own form: the
    assessment form is left as it is). Dates must be plausible (portal/plausible.py): none
    in the future, the end not before the start, the start not after the practice became
    aware of the breach, no end while it is still ongoing."""

    processor_involved = yes_no(_("Un sous-traitant est-il en cause ?"))

    class Meta:
        model = NotificationDetails
        fields = notification.FIELDS
        formfield_callback = local_times
        widgets = {
            "started_at": DateTimeInput(),
            "ended_at": DateTimeInput(),
            "circumstances": forms.Textarea(attrs={"rows": 3}),
            "discovered_how": forms.Textarea(attrs={"rows": 2}),
            "persons_categories": forms.Textarea(attrs={"rows": 2}),
            "informed_what": forms.Textarea(attrs={"rows": 2}),
            "other_authorities": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.incident = incident
        self.initial["processor_involved"] = yes_no_initial(self.instance.processor_involved)

    def clean(self):
        data = super().clean()
        self.no_future("started_at", "ended_at")
        self.not_before(
            "ended_at", "started_at", _("La fin ne peut pas précéder le début (%(date)s).")
        )
        started = self._valid("started_at")
        if started is not None and started > self.incident.aware_at:
            self.add_error(
                "started_at",
                _(
                    "Le début ne peut pas suivre la découverte de la violation "
                    "(connaissance le %(date)s)."
                )
                % {"date": shown(self.incident.aware_at)},
            )
        if data.get("ongoing") and self._valid("ended_at"):
            self.add_error(
                "ended_at", _("Une violation toujours en cours n'a pas encore de date de fin.")
            )
        if data.get("processor_involved") and not data.get("processor_name", "").strip():
            self.add_error("processor_name", _("Nommez le sous-traitant en cause."))
        return data
