"""Single-line text fields refuse control characters (line breaks, tabs, NUL…).

A line break typed or pasted into a practice's name went into the subject of every
invitation mail, which Django refuses (a header injection): the invitation was saved and
the page failed. Names, references, addresses on one line and the like never need one.
``SingleLineFields`` adds ``validate_single_line`` to every text field of a form that is
not a textarea (nor a password); multi-line text keeps its line breaks.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def validate_single_line(value) -> None:
    if isinstance(value, str) and CONTROL.search(value):
        raise ValidationError(
            _(
                "Ce champ tient sur une ligne : retirez les retours à la ligne, tabulations "
                "et autres caractères invisibles."
            ),
            code="control_characters",
        )


def single_line(field: forms.Field) -> bool:
    return isinstance(field, forms.CharField) and not isinstance(
        field.widget, forms.Textarea | forms.PasswordInput | forms.HiddenInput
    )


class SingleLineFields:
    """Form mixin (put it first): every one-line text field refuses control characters."""

    def full_clean(self):
        # At cleaning time, so fields a form adds in its own __init__ are covered too.
        for field in self.fields.values():
            if single_line(field) and validate_single_line not in field.validators:
                field.validators = [*field.validators, validate_single_line]
        super().full_clean()
