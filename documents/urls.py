from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("fiche-reflexe/", views.crisis_card, name="crisis_card"),
    path("fiche-reflexe/contacts/", views.crisis_contacts, name="crisis_contacts"),
    path("fiche-reflexe.pdf", views.crisis_card_pdf, name="crisis_card_pdf"),
]
