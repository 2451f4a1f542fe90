from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal import pdf
from practices.access import owned, practice_view
from practices.models import Job, Membership
from practices.roles import Cap, can
from training import services, validity
from training.forms import AttestationForm, AttestationMapForm, QuizForm, RequirementsForm
from training.models import Attempt, Certificate, ExternalAttestation, Module, ModuleExemption


def _url(name, practice, **kwargs):
    return reverse(f"training:{name}", kwargs={"practice_slug": practice.slug, **kwargs})


def _attempt(request, attempt_id):
    """The user's own attempt in this practice; anyone else's is a 404."""
    return owned(
        Attempt.objects.select_related("module"),
        request.practice,
        public_id=attempt_id,
        user=request.user,
    )


@practice_view(Cap.VIEW)
@require_GET
def index(request):
    """My training for members; the practice's counts (never a person) for delegates."""
    practice, now = request.practice, timezone.now()
    if not can(request.role, Cap.TAKE_TRAINING):
        return render(request, "training/summary.html", {"matrix": validity.matrix(practice, now)})
    membership = Membership.objects.get(practice=practice, user=request.user)
    row = validity.person(practice, membership, now)
    open_attempts, last_finished = _open_and_last(practice, request.user)
    lessons = dict(Module.objects.annotate(n=Count("lessons")).values_list("pk", "n"))
    cells = [
        {
            "cell": cell,
            "open": open_attempts.get(cell.module.pk),
            "last": last_finished.get(cell.module.pk),
            "steps": lessons.get(cell.module.pk, 0) + 1,
        }
        for cell in row.cells
    ]
    required = [c for c in cells if c["cell"].required]
    return render(
        request,
        "training/index.html",
        {
            "required": required,
            "optional": [c for c in cells if not c["cell"].required],
            "done": sum(c["cell"].standing.good for c in required),
            "expiring": [c for c in required if c["cell"].standing.state == "expiring"],
            "certificates": Certificate.objects.filter(
                practice=practice, attempt__user=request.user
            ).select_related("attempt__module")[:50],
            "now": now,
        },
    )


def _open_and_last(practice, user) -> tuple[dict, dict]:
    """Per module: the attempt in progress, and the last finished one (one query).

    An attempt left open on an earlier version of a module is not "in progress": taking
    the module again starts on the current version. Only the light columns are read.
    """
    open_attempts, last_finished = {}, {}
    attempts = (
        Attempt.objects.filter(practice=practice, user=user)
        .select_related("module")
        .only(
            "public_id",
            "module_id",
            "module_version",
            "lesson_reached",
            "finished_at",
            "score",
            "passed",
            "module__version",
        )
        .order_by("started_at")
    )
    for attempt in attempts:
        if attempt.finished_at is None:
            if attempt.module_version == attempt.module.version:
                open_attempts[attempt.module_id] = attempt
        else:
            last_finished[attempt.module_id] = attempt
    return open_attempts, last_finished


@practice_view(Cap.TAKE_TRAINING)
@require_POST
def start(request):
    module = Module.objects.filter(key=request.POST.get("module", "")).first()
    if module is None:
        raise Http404
    attempt = services.attempt_start(practice=request.practice, user=request.user, module=module)
    if request.POST.get("then") == "quiz":  # a retake from the explanations just read
        return redirect(_url("quiz", request.practice, attempt_id=attempt.public_id))
    return redirect(_url("lesson", request.practice, attempt_id=attempt.public_id, position=1))


@practice_view(Cap.TAKE_TRAINING)
@require_GET
def lesson(request, attempt_id, position):
    attempt = _attempt(request, attempt_id)
    if attempt.finished:
        return redirect(_url("result", request.practice, attempt_id=attempt.public_id))
    lessons = list(attempt.module.lessons.all())
    if not 1 <= position <= len(lessons):
        raise Http404
    services.lesson_seen(attempt=attempt, position=position)
    return render(
        request,
        "training/lesson.html",
        {
            "attempt": attempt,
            "module": attempt.module,
            "lesson": lessons[position - 1],
            "position": position,
            "count": len(lessons),
            "previous": position - 1 if position > 1 else None,
            "next": position + 1 if position < len(lessons) else None,
        },
    )


def _restart_if_outdated(request, attempt):
    """Content revised since the attempt began: start over on the current version."""
    if attempt.module_version == attempt.module.version:
        return None
    messages.info(request, _("Ce module vient d'être mis à jour : reprenez-le depuis le début."))
    fresh = services.attempt_start(
        practice=request.practice, user=request.user, module=attempt.module
    )
    return redirect(_url("lesson", request.practice, attempt_id=fresh.public_id, position=1))


@practice_view(Cap.TAKE_TRAINING)
def quiz(request, attempt_id):
    attempt = _attempt(request, attempt_id)
    if attempt.finished:
        return redirect(_url("result", request.practice, attempt_id=attempt.public_id))
    outdated = _restart_if_outdated(request, attempt)
    if outdated is not None:
        return outdated
    questions = services.questions_of(attempt.module)
    form = QuizForm(request.POST or None, attempt=attempt, questions=questions)
    if request.method == "POST" and form.is_valid():
        done = services.attempt_submit(attempt=attempt, answers=form.answers(), request=request)
        if done.passed:
            messages.success(request, _("Bravo, module réussi !"))
        else:
            messages.warning(request, _("Pas tout à fait : relisez les explications et réessayez."))
        return redirect(_url("result", request.practice, attempt_id=attempt.public_id))
    return render(
        request, "training/quiz.html", {"attempt": attempt, "module": attempt.module, "form": form}
    )


@practice_view(Cap.TAKE_TRAINING)
@require_GET
def result(request, attempt_id):
    attempt = _attempt(request, attempt_id)
    if not attempt.finished:
        return redirect(_url("quiz", request.practice, attempt_id=attempt.public_id))
    questions = services.questions_of(attempt.module)
    review = []
    for item in attempt.shown:
        question = questions.get(item["question"])
        if question is None:  # removed from the content since: nothing left to explain
            continue
        choices = {c.key: c for c in question.choices.all()}
        chosen = attempt.answered.get(question.key)
        shown = [choices[key] for key in item["choices"] if key in choices]
        if not attempt.passed:
            # Before a retake, only the person's own answer and why it is right or not to
            # be kept: the right option of a missed question is not given away.
            shown = [choice for choice in shown if choice.key == chosen]
        review.append({"question": question, "chosen": chosen, "choices": shown})
    certificate = Certificate.objects.filter(attempt=attempt).first()
    return render(
        request,
        "training/result.html",
        {
            "attempt": attempt,
            "module": attempt.module,
            "review": review,
            "certificate": certificate,
        },
    )


@practice_view(Cap.VIEW)
@require_GET
def certificate_pdf(request, certificate_id):
    """The holder's certificate; the admin may download their team's (for an inspection)."""
    certificates = Certificate.objects.select_related("attempt__module", "attempt__user")
    if not can(request.role, Cap.MANAGE_TRAINING):
        if not can(request.role, Cap.TAKE_TRAINING):
            raise PermissionDenied
        certificates = certificates.filter(attempt__user=request.user)
    certificate = owned(certificates, request.practice, public_id=certificate_id)
    pdf = certificate_document(certificate, request.practice)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="attestation-{certificate.attempt.module.key}.pdf"'
    )
    return response


def certificate_document(certificate, practice) -> bytes:
    from django.conf import settings

    html = render_to_string(
        "training/certificate_pdf.html",
        {
            "certificate": certificate,
            "attempt": certificate.attempt,
            "module": certificate.attempt.module,
            "holder": certificate.attempt.user,
            "practice": practice,
            "verify_url": settings.SITE_URL
            + reverse("verify:code", kwargs={"code": certificate.code}),
        },
    )
    return pdf.render(html)


@practice_view(Cap.MANAGE_TRAINING)
@require_GET
def team(request):
    now = timezone.now()
    return render(
        request,
        "training/matrix.html",
        {"matrix": validity.matrix(request.practice, now), "now": now},
    )


@practice_view(Cap.MANAGE_TRAINING)
def requirements(request):
    practice = request.practice
    modules = list(Module.objects.all())
    exempt = set(ModuleExemption.objects.filter(practice=practice).values_list("job", "module_id"))
    form = RequirementsForm(request.POST or None, jobs=Job.values, modules=modules, exempt=exempt)
    if request.method == "POST" and form.is_valid():
        services.requirements_set(practice=practice, exempt=form.exempt(), request=request)
        messages.success(request, _("Modules obligatoires enregistrés."))
        return redirect(_url("team", practice))
    return render(request, "training/requirements.html", {"form": form, "modules": modules})


@practice_view(Cap.TAKE_TRAINING)
def attestations(request):
    practice = request.practice
    form = AttestationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        services.attestation_upload(
            practice=practice,
            user=request.user,
            title=form.cleaned_data["title"],
            file=form.cleaned_data["file"],
            content_type=form.content_type,
            completed_on=form.cleaned_data["completed_on"],
            valid_until=form.cleaned_data["valid_until"],
            request=request,
        )
        messages.success(
            request,
            _("Attestation déposée : l'administrateur indiquera les modules qu'elle couvre."),
        )
        return redirect(_url("attestations", practice))
    listed = ExternalAttestation.objects.filter(practice=practice).select_related("user")
    if not can(request.role, Cap.MANAGE_TRAINING):
        listed = listed.filter(user=request.user)
    listed = listed.prefetch_related(Prefetch("modules", queryset=Module.objects.order_by("theme")))
    return render(
        request,
        "training/attestations.html",
        {"form": form, "attestations": listed, "today": timezone.localdate()},
    )


@practice_view(Cap.MANAGE_TRAINING)
def attestation_map(request, attestation_id):
    attestation = owned(
        ExternalAttestation.objects.select_related("user"),
        request.practice,
        public_id=attestation_id,
    )
    form = AttestationMapForm(request.POST or None, attestation=attestation)
    if request.method == "POST" and form.is_valid():
        services.attestation_map(
            attestation=attestation,
            modules=list(form.cleaned_data["modules"]),
            valid_until=form.cleaned_data["valid_until"],
            user=request.user,
            request=request,
        )
        messages.success(request, _("Attestation prise en compte."))
        return redirect(_url("attestations", request.practice))
    return render(
        request, "training/attestation_map.html", {"form": form, "attestation": attestation}
    )


def deletable(request):
    """Attestations this person may delete: any of the practice's for the admin, their own
    not yet validated for the others (a validated one has counted: only the admin undoes it)."""
    attestations = ExternalAttestation.objects.select_related("user")
    if can(request.role, Cap.MANAGE_TRAINING):
        return attestations
    return attestations.filter(user=request.user, mapped_at=None)


@practice_view(Cap.TAKE_TRAINING)
@require_http_methods(["GET", "POST"])
def attestation_delete(request, attestation_id):
    """Confirm, then delete the attestation and its file (the audit trail keeps its title)."""
    attestation = owned(deletable(request), request.practice, public_id=attestation_id)
    if request.method == "POST":
        services.attestation_delete(attestation=attestation, user=request.user, request=request)
        messages.success(request, _("Attestation supprimée, avec son fichier."))
        return redirect(_url("attestations", request.practice))
    return render(request, "training/attestation_delete.html", {"attestation": attestation})


@practice_view(Cap.TAKE_TRAINING)
@require_GET
def attestation_file(request, attestation_id):
    """The uploaded file, for its owner and the practice admin only."""
    attestations = ExternalAttestation.objects.all()
    if not can(request.role, Cap.MANAGE_TRAINING):
        attestations = attestations.filter(user=request.user)
    attestation = owned(attestations, request.practice, public_id=attestation_id)
    extension = attestation.file.name.rsplit(".", 1)[-1]
    return FileResponse(
        attestation.file.open("rb"),
        as_attachment=True,
        filename=f"attestation-{attestation.completed_on:%Y-%m-%d}.{extension}",
        content_type=attestation.content_type,
    )


# Public verification: no login, no second factor, and nothing but validity.


@never_cache
@require_GET
def verify_form(request):
    typed = request.GET.get("code", "").strip()
    if not typed:
        return render(request, "training/verify_form.html")
    code = services.normalise_code(typed)
    if code:
        return redirect("verify:code", code=code)
    # Not even the shape of a code: the neutral answer, with what was typed kept to correct.
    return _verify_page(request, None, typed[:100])


@never_cache
@require_GET
def verify(request, code):
    """Valid or not, the module, until when, the holder's first name and initial.

    An unknown, malformed, expired or superseded code gets the very same page.
    """
    normalised = services.normalise_code(code)
    certificate = (
        Certificate.objects.select_related("attempt__module", "attempt__user")
        .filter(code=normalised)
        .first()
        if normalised
        else None
    )
    shown = None
    if certificate is not None and services.certificate_valid(certificate, timezone.now()):
        user = certificate.attempt.user
        initial = f" {user.last_name[:1].upper()}." if user.last_name else ""
        shown = {
            "module": certificate.attempt.module.local_title,
            "until": certificate.attempt.expires_at,
            "holder": f"{user.first_name}{initial}".strip() or "—",
        }
    return _verify_page(request, shown, code[:100])


def _verify_page(request, shown, typed):
    response = render(request, "training/verify.html", {"shown": shown, "typed": typed})
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
