from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from practices.forms import PracticeForm
from practices.services import practice_create


@login_required
def create(request):
    form = PracticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        practice = practice_create(user=request.user, request=request, **form.cleaned_data)
        return redirect(practice.get_absolute_url())
    return render(request, "practices/practice_form.html", {"form": form})
