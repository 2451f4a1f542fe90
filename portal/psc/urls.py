"""Included by allauth under /accounts/ (its provider URL discovery)."""

from django.urls import path

from portal.psc import views

urlpatterns = [
    path("psc/login/", views.login, name="psc_login"),
    path("psc/login/callback/", views.callback, name="psc_callback"),
    path("psc/lier/", views.link_required, name="psc_link_required"),
    path("psc/lier/confirmer/", views.link_confirm, name="psc_link_confirm"),
    path("psc/connecter/", views.connect, name="psc_connect"),
    path("psc/delier/", views.unlink, name="psc_unlink"),
    path("psc/au-revoir/", views.leave, name="psc_leave"),
    path("psc/confirmer-identite/", views.reauthenticate, name="psc_reauthenticate"),
]
