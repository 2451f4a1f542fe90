from django.shortcuts import render

from practices.access import practice_view
from practices.roles import Cap


@practice_view(Cap.VIEW)
def index(request):
    return render(request, "registry/index.html", {})
