from urllib.parse import urlencode

from allauth.account.utils import perform_login
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from portal import audit_chain
from practices import audit_log as audit_log_rules
from practices import invitations, services
from practices.access import owned, practice_view
from practices.forms import (
    AuditFilterForm,
    InvitationForm,
    MembershipForm,
    NewAccountForm,
    PracticeForm,
)
from practices.models import Invitation, Membership, Oversight
from practices.roles import Cap, Role
from practices.services import practice_create

RESET_ELSEWHERE = gettext_lazy(
    "Cette personne a aussi accès à un autre cabinet ou est déléguée : seul l'opérateur de "
    "la plateforme Vigie peut réinitialiser sa double authentification, après avoir vérifié "
    "son identité. Elle peut le lui demander en répondant à un e-mail de Vigie."
)


@login_required
def create(request):
    form = PracticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        practice = practice_create(user=request.user, request=request, **form.cleaned_data)
        messages.success(request, _("Votre cabinet est créé. Invitez maintenant votre équipe."))
        return redirect(practice.get_absolute_url())
    return render(request, "practices/practice_form.html", {"form": form})


@practice_view(Cap.MANAGE_PRACTICE)
def settings_view(request):
    practice = request.practice
    form = PracticeForm(request.POST or None, instance=practice)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        practice.refresh_from_db()
        services.practice_update(practice=practice, request=request, **fields)
        messages.success(request, _("Les informations du cabinet sont enregistrées."))
        return redirect("practices:settings", practice_slug=practice.slug)
    return render(request, "practices/settings.html", {"form": form, "editing": True})


def _members_url(practice):
    return reverse("practices:members", kwargs={"practice_slug": practice.slug})


@practice_view(Cap.VIEW)
def members(request):
    practice = request.practice
    memberships = (
        Membership.objects.filter(practice=practice)
        .select_related("user")
        .annotate(
            # Another practice or a live delegate grant: the platform operator resets them.
            shared=Exists(
                Membership.objects.filter(user=OuterRef("user")).exclude(practice=practice)
            )
            | Exists(Oversight.objects.filter(delegate=OuterRef("user"), revoked_at=None))
        )
    )
    context = {
        "memberships": memberships,
        "reset_elsewhere": RESET_ELSEWHERE,
        "invitations": Invitation.objects.filter(
            practice=practice, status=Invitation.Status.PENDING
        ).select_related("invited_by"),
        "now": timezone.now(),
        "oversights": Oversight.objects.filter(practice=practice, revoked_at=None).select_related(
            "delegate", "granted_by"
        ),
        "invite_form": InvitationForm(practice=practice),
    }
    return render(request, "practices/members.html", context)


def _mail_failed(request, invitation) -> bool:
    """Tell the admin when the invitation is saved but its mail could not leave."""
    if not invitation.delivery.failed:
        return False
    messages.error(
        request,
        _(
            "L'invitation de %(email)s est enregistrée, mais l'e-mail n'a pas pu partir. "
            "Réessayez avec « Renvoyer » dans quelques minutes ; si cela recommence, "
            "contactez l'opérateur de la plateforme."
        )
        % {"email": invitation.email},
    )
    return True


# Outside the request's transaction: the invitation is committed before its mail is
# sent, so the page can say whether the mail left.
@transaction.non_atomic_requests
@practice_view(Cap.MANAGE_MEMBERS)
def invite(request):
    practice = request.practice
    form = InvitationForm(request.POST or None, practice=practice)
    if request.method == "POST" and form.is_valid():
        invitation = invitations.invitation_create(
            practice=practice, invited_by=request.user, request=request, **form.cleaned_data
        )
        if not _mail_failed(request, invitation):
            messages.success(
                request,
                _("Invitation envoyée à %(email)s.") % {"email": form.cleaned_data["email"]},
            )
        return redirect(_members_url(practice))
    return render(request, "practices/invite.html", {"invite_form": form})


@transaction.non_atomic_requests
@practice_view(Cap.MANAGE_MEMBERS)
@require_POST
def invitation_action(request, invitation_id, action):
    invitation = owned(
        Invitation, request.practice, public_id=invitation_id, status=Invitation.Status.PENDING
    )
    if action == "resend":
        invitations.invitation_resend(invitation=invitation, request=request)
        if not _mail_failed(request, invitation):
            messages.success(request, _("Invitation renvoyée (l'ancien lien ne marche plus)."))
    else:
        invitations.invitation_revoke(invitation=invitation, request=request)
        messages.success(request, _("Invitation annulée."))
    return redirect(_members_url(request.practice))


@practice_view(Cap.MANAGE_MEMBERS)
def member_edit(request, member_id):
    membership = owned(
        Membership.objects.select_related("user"), request.practice, public_id=member_id
    )
    form = MembershipForm(request.POST or None, instance=membership)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_update(membership=membership, request=request, **form.cleaned_data)
        except services.LastAdminError:
            form.add_error("role", _("Le cabinet doit garder au moins un administrateur."))
        else:
            messages.success(request, _("Modification enregistrée."))
            return redirect(_members_url(request.practice))
    return render(request, "practices/member_edit.html", {"form": form, "membership": membership})


@practice_view(Cap.MANAGE_MEMBERS)
@require_POST
def member_remove(request, member_id):
    membership = owned(Membership, request.practice, public_id=member_id)
    try:
        services.membership_remove(membership=membership, request=request)
    except services.LastAdminError:
        messages.error(request, _("Le cabinet doit garder au moins un administrateur."))
    else:
        messages.success(request, _("La personne a été retirée du cabinet."))
    return redirect(_members_url(request.practice))


@practice_view(Cap.MANAGE_MEMBERS)
@require_POST
def member_reset_mfa(request, member_id):
    membership = owned(
        Membership.objects.select_related("user"), request.practice, public_id=member_id
    )
    try:
        services.member_second_factor_reset(membership=membership, request=request)
    except services.SecondFactorResetRefused:
        messages.error(request, str(RESET_ELSEWHERE))
        return redirect(_members_url(request.practice))
    messages.success(
        request,
        _("La double authentification de %(name)s est réinitialisée ; un e-mail l'en informe.")
        % {"name": membership.user.display_name},
    )
    return redirect(_members_url(request.practice))


@practice_view(Cap.VIEW)  # any member; the door refuses a delegate's POST
@require_POST
def leave(request):
    membership = owned(Membership, request.practice, user=request.user)
    try:
        services.membership_remove(membership=membership, request=request, leaving=True)
    except services.LastAdminError:
        messages.error(
            request, _("Vous êtes le dernier administrateur : nommez-en un autre avant de partir.")
        )
        return redirect(_members_url(request.practice))
    messages.success(request, _("Vous avez quitté le cabinet."))
    return redirect("home")


@practice_view(Cap.MANAGE_MEMBERS)
@require_POST
def oversight_revoke(request, oversight_id):
    oversight = owned(Oversight, request.practice, public_id=oversight_id, revoked_at=None)
    services.oversight_revoke(oversight=oversight, request=request)
    messages.success(request, _("L'accès du délégué est retiré."))
    return redirect(_members_url(request.practice))


@practice_view(Cap.VIEW_AUDIT)
@require_GET
def audit_log(request):
    actions, people = audit_log_rules.filter_choices(request.practice)
    form = AuditFilterForm(request.GET or None, actions=actions, people=people)
    data = form.cleaned_data if form.is_valid() else {}
    events = audit_log_rules.filtered(request.practice, data)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    rows = [
        {
            "event": event,
            "label": audit_log_rules.action_label(event.action, event.target_type),
            "changes": audit_log_rules.readable_changes(event),
        }
        for event in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        # The chain's last check (nightly, or the button below): one row, not the whole chain.
        "chain": audit_chain.head_of(request.practice),
    }
    return render(request, "practices/audit.html", context)


@practice_view(Cap.VIEW_AUDIT)
@require_POST
def audit_verify(request):
    """Walk this practice's chain now (it reads every event once) and show the result."""
    results = audit_chain.run_check(timezone.now(), practice_id=request.practice.pk, only=True)
    if all(result.ok for result in results):
        messages.success(request, _("Vérification faite : la chaîne est intègre."))
    else:
        messages.error(request, _("Vérification faite : la chaîne est rompue."))
    return redirect("practices:audit", practice_slug=request.practice.slug)


def _invalid(request, reason: str, status: int = 410, invitation=None):
    """Why the link cannot be used, and the way forward: who to ask for a new link (the
    sender, by mail), signing in, or one's own practices."""
    context = {
        "reason": reason,
        "wrong_account": status == 403,
        "days": settings.VIGIE_INVITATION_DAYS,
        "invitation": invitation,
        "sender": invitation.invited_by if invitation is not None else None,
    }
    return render(request, "practices/invitation_invalid.html", context, status=status)


def _welcome(request, invitation):
    messages.success(request, _("Bienvenue dans %(p)s.") % {"p": invitation.practice.name})
    if invitation.role == Role.DELEGATE:
        return redirect("delegate_console")
    return redirect(invitation.practice.get_absolute_url())


def invitation_accept(request, token):
    """The link from the invitation e-mail: sign up or log in (second factor included), join.

    Anonymous visitors are sent through the normal login; the token is kept in the session
    so that the end of a first login (enrolment, then the home page) comes back here.
    """
    try:
        invitation = invitations.invitation_from_token(token)
    except invitations.AlreadyAccepted as error:
        if error.invitation.accepted_by_id == request.user.pk:
            return _welcome(request, error.invitation)  # its acceptor, back by the link
        return _invalid(request, str(error), invitation=error.invitation)
    except invitations.InvitationError as error:
        return _invalid(request, str(error), invitation=error.invitation)
    if not request.user.is_authenticated:
        invitations.remember(request.session, token)
        return _invitation_anonymous(request, invitation)
    try:
        invitations.check_recipient(invitation, request.user)
    except invitations.WrongAccount as error:
        return _invalid(request, str(error), status=403)
    if request.method != "POST":
        return render(request, "practices/invitation_accept.html", {"invitation": invitation})
    return _invitation_join(request, invitation)


def _invitation_join(request, invitation):
    try:
        invitations.invitation_accept(invitation=invitation, user=request.user, request=request)
    except invitations.InvitationError as error:
        return _invalid(request, str(error), invitation=invitation)
    return _welcome(request, invitation)


def _invitation_anonymous(request, invitation):
    User = get_user_model()
    login_url = reverse("account_login") + "?" + urlencode({"next": request.path})
    if User.objects.filter(email__iexact=invitation.email).exists():
        context = {"invitation": invitation, "login_url": login_url}
        return render(request, "practices/invitation_login.html", context)
    form = NewAccountForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        user = invitations.invitee_sign_up(invitation=invitation, **form.cleaned_data)
        # Signed in at once (no e-mail and password typed again): the login goes through
        # the forced second-factor enrolment, and joins the practice as it completes.
        request.session[invitations.ACCEPT_ON_LOGIN_KEY] = request.resolver_match.kwargs["token"]
        return perform_login(request, user, redirect_url=request.path)
    context = {"invitation": invitation, "form": form}
    return render(request, "practices/invitation_signup.html", context)
