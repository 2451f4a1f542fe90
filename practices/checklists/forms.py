from django import forms
from django.utils.translation import gettext_lazy as _

from practices.checklists.models import Answer


class AnswerForm(forms.Form):
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
