from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from practices.access import owned, practice_view
from practices.roles import Cap, can
from registry.models import ProcessingActivity
from registry.processors import rules, services
from registry.processors.forms import ProcessorForm
from registry.processors.models import Processor


def _processors(practice):
    return Processor.objects.filter(practice=practice).prefetch_related("activities")


@practice_view(Cap.VIEW)
def index(request):
    today = timezone.localdate()
    processors = list(_processors(request.practice))
    for p in processors:
        p.flag_hds = p.hds_missing(today)
        p.contract_days = (p.contract_ends_on - today).days if p.contract_ends_on else None
        p.hds_days = (p.hds_expires_on - today).days if p.hds_expires_on else None
    return render(
        request,
        "processors/index.html",
        {
            "processors": processors,
            "hds_missing": sum(p.flag_hds for p in processors),
            "warn_days": rules.STEPS[0],
            "can_edit": can(request.role, Cap.EDIT_REGISTRY),
        },
    )


@practice_view(Cap.VIEW)
def detail(request, processor_id):
    processor = owned(_processors(request.practice), request.practice, public_id=processor_id)
    return render(
        request,
        "processors/detail.html",
        {
            "processor": processor,
            "hds_missing": processor.hds_missing(),
            "missing_clauses": processor.missing_clauses(),
            "help": rules.HELP,
            "can_edit": can(request.role, Cap.EDIT_REGISTRY),
        },
    )


def _edit(request, processor):
    before = services.snapshot(processor)  # before validation writes on the instance
    initial = {}
    activity = request.GET.get("fiche")
    if processor.pk is None and activity:
        found = ProcessingActivity.objects.filter(
            practice=request.practice, public_id__in=[activity] if _uuid(activity) else []
        )
        initial["activities"] = list(found)
    form = ProcessorForm(
        request.POST or None,
        request.FILES or None,
        instance=processor,
        practice=request.practice,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        processor = services.save(
            form=form, practice=request.practice, before=before, request=request
        )
        messages.success(request, _("Le sous-traitant est enregistré."))
        return redirect(
            "processors:detail",
            practice_slug=request.practice.slug,
            processor_id=processor.public_id,
        )
    return render(
        request,
        "processors/edit.html",
        {"form": form, "processor": processor, "title": before.get("name", "")},
        status=400 if form.errors else 200,
    )


def _uuid(value) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


@practice_view(Cap.EDIT_REGISTRY)
def create(request):
    return _edit(request, Processor(practice=request.practice))


@practice_view(Cap.EDIT_REGISTRY)
def edit(request, processor_id):
    return _edit(request, owned(Processor, request.practice, public_id=processor_id))


@practice_view(Cap.EDIT_REGISTRY)
@require_http_methods(["GET", "POST"])
def delete(request, processor_id):
    processor = owned(Processor, request.practice, public_id=processor_id)
    if request.method == "POST":
        services.delete(processor=processor, request=request)
        messages.success(request, _("Le sous-traitant est supprimé, avec son contrat."))
        return redirect("processors:index", practice_slug=request.practice.slug)
    return render(request, "processors/delete.html", {"processor": processor})


@practice_view(Cap.EDIT_REGISTRY)
@require_GET
def contract_file(request, processor_id):
    """The contract, for the practice's admins only (never a public media URL)."""
    processor = owned(Processor, request.practice, public_id=processor_id)
    if not processor.contract_file:
        raise Http404
    return FileResponse(
        processor.contract_file.open("rb"),
        as_attachment=True,
        filename=f"contrat-{processor.name[:40]}.pdf",
        content_type="application/pdf",
    )
