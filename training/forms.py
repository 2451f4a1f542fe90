from dateutil.relativedelta import relativedelta
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.single_line import SingleLineFields
from practices.models import Job
from training.models import ExternalAttestation, Module

MAX_UPLOAD = 5 * 1024 * 1024
# Accepted files, recognised by their first bytes (the name alone proves nothing).
SIGNATURES = {
    "application/pdf": (b"%PDF-", {"pdf"}),
    "image/png": (b"\x89PNG\r\n\x1a\n", {"png"}),
    "image/jpeg": (b"\xff\xd8\xff", {"jpg", "jpeg"}),
}


def sniff(upload) -> str | None:
    """The content type of an accepted file, from its first bytes and its extension."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    for content_type, (magic, extensions) in SIGNATURES.items():
        if head.startswith(magic) and extension in extensions:
            return content_type
    return None


class QuizForm(forms.Form):
    """One radio group per question, questions and answers in the order kept in the attempt."""

    def __init__(self, *args, attempt, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for number, item in enumerate(attempt.shown, start=1):
            question = questions[item["question"]]
            choices = {c.key: c for c in question.choices.all()}
            name = f"q-{question.key}"
            self.fields[name] = forms.ChoiceField(
                label=f"{number}. {question.local_text}",
                choices=[(key, choices[key].local_text) for key in item["choices"]],
                widget=forms.RadioSelect,
                error_messages={"required": _("Choisissez une réponse.")},
            )
            self.rows.append((question.key, name))

    def answers(self) -> dict[str, str]:
        return {key: self.cleaned_data[name] for key, name in self.rows}


class AttestationForm(SingleLineFields, forms.ModelForm):
    valid_until = forms.DateField(
        label=_("Valable jusqu'au"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Laissez vide : un an après la date de la formation."),
    )

    class Meta:
        model = ExternalAttestation
        fields = ["title", "completed_on", "valid_until", "file"]
        widgets = {"completed_on": forms.DateInput(attrs={"type": "date"})}
        help_texts = {
            "title": _("Par exemple : SensCyber (ANSSI), formation de l'URPS…"),
            "file": _("PDF, PNG ou JPEG, 5 Mo au plus."),
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("Le fichier dépasse 5 Mo."))
        self.content_type = sniff(upload)
        if self.content_type is None:
            raise forms.ValidationError(
                _("Seuls les fichiers PDF, PNG ou JPEG sont acceptés (vérifiez le format).")
            )
        return upload

    def clean_completed_on(self):
        day = self.cleaned_data["completed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("La date de la formation ne peut pas être à venir."))
        return day

    def clean(self):
        data = super().clean()
        completed = data.get("completed_on")
        if completed and not data.get("valid_until"):
            data["valid_until"] = completed + relativedelta(months=12)
        if completed and data["valid_until"] < completed:
            self.add_error("valid_until", _("La fin de validité précède la date de la formation."))
        return data


class AttestationMapForm(SingleLineFields, forms.Form):
    modules = forms.ModelMultipleChoiceField(
        label=_("Modules couverts par cette formation"),
        queryset=Module.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    valid_until = forms.DateField(
        label=_("Valable jusqu'au"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, attestation, **kwargs):
        kwargs.setdefault(
            "initial",
            {"modules": list(attestation.modules.all()), "valid_until": attestation.valid_until},
        )
        super().__init__(*args, **kwargs)
        self.attestation = attestation
        self.fields["modules"].label_from_instance = lambda m: f"{m.theme}. {m.local_title}"

    def clean_valid_until(self):
        day = self.cleaned_data["valid_until"]
        if day < self.attestation.completed_on:
            raise forms.ValidationError(_("La fin de validité précède la date de la formation."))
        return day


class RequirementsForm(forms.Form):
    """A job × module grid of checkboxes: checked = required (the default)."""

    def __init__(self, *args, jobs, modules, exempt, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Job.choices)
        self.grid = []
        for job in jobs:
            cells = []
            for module in modules:
                name = f"{job}__{module.pk}"
                self.fields[name] = forms.BooleanField(
                    label=f"{labels.get(job, job)} — {module.local_title}",
                    required=False,
                    initial=(job, module.pk) not in exempt,
                )
                cells.append((module, name))
            self.grid.append((job, labels.get(job, job), cells))

    def rows(self):
        for _job, label, cells in self.grid:
            yield label, [(module, self[name]) for module, name in cells]

    def exempt(self) -> set[tuple[str, int]]:
        return {
            (job, module.pk)
            for job, _label, cells in self.grid
            for module, name in cells
            if not self.cleaned_data[name]
        }
