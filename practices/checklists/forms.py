from django import forms
from django.utils.translation import gettext_lazy as _

from portal.plausible import PlausibleTimesMixin
from portal.single_line import SingleLineFields
from practices.checklists.models import Answer, BackupCopy, PracticeChecklist, RestoreTest


class AnswerForm(SingleLineFields, forms.Form):
    status = forms.ChoiceField(
        label=_("Réponse"), choices=Answer.Status.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Commentaire"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if data.get("status") == Answer.Status.NOT_DONE and not data.get("comment", "").strip():
            self.add_error(
                "comment",
                _("« Pas fait » demande un commentaire : que manque-t-il, qui s'en occupe ?"),
            )
        return data


class PeriodAnswerForm(AnswerForm):
    """One point of a period answered with the others in one form: a point left without an
    answer is simply not answered yet."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].required = False
        self.fields["comment"].widget.attrs["data-needed-when"] = Answer.Status.NOT_DONE


CADENCES = [
    ("FREQ=MONTHLY", _("Tous les mois")),
    ("FREQ=MONTHLY;INTERVAL=3", _("Tous les trimestres")),
    ("FREQ=MONTHLY;INTERVAL=6", _("Tous les six mois")),
    ("FREQ=YEARLY", _("Tous les ans")),
    ("custom", _("Règle personnalisée (RRULE)")),
]


class ChecklistSettingsForm(SingleLineFields, forms.ModelForm):
    frequency = forms.ChoiceField(label=_("Fréquence"), choices=CADENCES)
    custom_rule = forms.CharField(
        label=_("Règle RRULE"),
        required=False,
        help_text=_("Pour les experts, par exemple FREQ=WEEKLY;INTERVAL=2."),
    )
    disabled = forms.MultipleChoiceField(
        label=_("Points qui ne s'appliquent pas au cabinet"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    own_items = forms.CharField(
        label=_("Points propres au cabinet (un par ligne)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = PracticeChecklist
        fields = ["assigned_role", "assigned_user", "active"]

    # What the admin comes to change first: how often, then which points, then who.
    field_order = [
        "frequency",
        "custom_rule",
        "disabled",
        "own_items",
        "assigned_role",
        "assigned_user",
        "active",
    ]

    def __init__(self, *args, practice=None, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        checklist = self.instance
        self.fields["assigned_user"].queryset = get_user_model().objects.filter(
            memberships__practice=practice
        )
        self.fields["disabled"].choices = [
            (i["key"], i["text"]) for i in checklist.template.local_items()
        ]
        known = dict(CADENCES)
        self.initial.setdefault(
            "frequency", checklist.cadence if checklist.cadence in known else "custom"
        )
        self.initial.setdefault("custom_rule", checklist.cadence)
        self.initial.setdefault("disabled", checklist.disabled_items)
        self.initial.setdefault("own_items", "\n".join(i["text"] for i in checklist.extra_items))

    def clean(self):
        from dateutil.rrule import rrulestr

        data = super().clean()
        rule = (
            data.get("custom_rule", "").strip()
            if data.get("frequency") == "custom"
            else (data.get("frequency"))
        )
        try:
            rrulestr(rule or "")
            if not rule or "FREQ=" not in rule.upper():
                raise ValueError
        except (ValueError, TypeError):
            self.add_error("custom_rule", _("Cette règle n'est pas une RRULE valable."))
        data["cadence"] = rule
        lines = [line.strip() for line in data.get("own_items", "").splitlines()]
        data["extra_items"] = self._own_items(filter(None, lines))
        return data

    def _own_items(self, texts) -> list[dict]:
        """The practice's own points with stable keys: a point kept (same text) keeps its
        key, wherever it moves in the list; a new or reworded point gets a key never used by
        this checklist, so past answers never land on another point."""
        from practices.checklists.models import Answer

        checklist = self.instance
        existing = {item["text"]: item["key"] for item in checklist.extra_items}
        used = {item["key"] for item in checklist.extra_items}
        if checklist.pk:
            used |= set(
                Answer.objects.filter(run__checklist=checklist, item_key__startswith="own-")
                .values_list("item_key", flat=True)
                .distinct()
            )
        numbers = [int(k[4:]) for k in used if k[4:].isdigit()]
        following = max(numbers, default=0) + 1
        items = []
        for text in texts:
            key = existing.pop(text, None)
            if key is None:
                key, following = f"own-{following}", following + 1
            items.append({"key": key, "text": text})
        return items


class BackupCopyForm(SingleLineFields, forms.ModelForm):
    class Meta:
        model = BackupCopy
        fields = ["name", "medium", "off_site", "frequency"]


class RestoreTestForm(SingleLineFields, PlausibleTimesMixin, forms.ModelForm):
    class Meta:
        model = RestoreTest
        fields = ["tested_on", "restored", "copy", "success"]
        widgets = {"tested_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, practice=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["copy"].queryset = BackupCopy.objects.filter(practice=practice)

    def clean(self):
        data = super().clean()
        # A test dated ahead would keep the 3-2-1 badge green until that date.
        self.no_future("tested_on")
        self.confirm_if_old("tested_on", days=365)
        return data
