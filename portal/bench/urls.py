from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_GET


@require_GET
def floor(request):
    """The cheapest page Django can serve through Vigie's middleware: the benchmark's floor."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/floor/", floor, name="bench_floor"),
    path("", include("portal.urls")),
]
