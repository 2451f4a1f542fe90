"""A date and time a person types, in Paris time, on any day of the year.

Django refuses a wall-clock time that happens twice (the autumn night, 02:00 to 03:00 comes
round again) or never (the spring night, 02:00 jumps to 03:00), so an incident seen at 02:30
that night could not be recorded at all. This field reads such a time the way the ``zoneinfo``
default (``fold=0``) does:

* twice: its second occurrence (winter time) once that one has passed, else its first: a
  time typed about what has happened, so the latest moment it can mean that is not still to
  come (typed at 02:20 the second time round, it is that 02:20, not the hour before);
* never: with the offset before the change, so 02:30 is 03:30 summer time, what the clock on
  the wall showed once it had moved.
"""

from datetime import UTC

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class LocalDateTimeField(forms.DateTimeField):
    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as error:
            if error.code != "ambiguous_timezone":
                raise
        with timezone.override(UTC):  # parsed as is, wall clock kept
            naive = super().to_python(value).replace(tzinfo=None)
        first = naive.replace(tzinfo=timezone.get_current_timezone())  # fold=0
        second = first.replace(fold=1)  # later than first only when the hour came twice
        # Compared in UTC: between two times of one zone, Python ignores the fold.
        later = second.astimezone(UTC) > first.astimezone(UTC)
        return second if later and second <= timezone.now() else first


def local_times(model_field, **kwargs):
    """A ModelForm's ``formfield_callback``: its date-times become ``LocalDateTimeField``."""
    if isinstance(model_field, models.DateTimeField):
        kwargs.setdefault("form_class", LocalDateTimeField)
    return model_field.formfield(**kwargs)
