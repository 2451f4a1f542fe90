from django.urls import path

from practices import views

app_name = "practices"

urlpatterns = []

# Outside any practice: mounted at the top level by portal.urls, without namespace.
account_urlpatterns = [
    path("cabinets/nouveau/", views.create, name="practice_create"),
]
