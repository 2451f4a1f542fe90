from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("fiche-reflexe/", views.crisis_card, name="crisis_card"),
    path("fiche-reflexe/contacts/", views.crisis_contacts, name="crisis_contacts"),
    path("fiche-reflexe.pdf", views.crisis_card_pdf, name="crisis_card_pdf"),
    path("information-patients/", views.notice_page, name="notice"),
    path("information-patients/paragraphe/", views.notice_paragraph, name="notice_paragraph"),
    path("information-patients/generer/", views.notice_generate, name="notice_generate"),
]
