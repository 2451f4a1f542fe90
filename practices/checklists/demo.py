"""Demo checklists: a few months of monthly runs, one open action."""

from datetime import date

from django.utils import timezone

from practices.checklists import schedule
from practices.checklists.content import load
from practices.checklists.models import Answer, PracticeChecklist, Template


def seed(cast) -> None:
    load()
    for slug in ("cabinet-des-lilas", "msp-des-calanques"):
        practice = cast.practices[slug]
        for code in ("workstations", "backups", "restore_test", "passwords_mfa"):
            template = Template.objects.get(code=code)
            checklist, _ = PracticeChecklist.objects.get_or_create(
                practice=practice,
                template=template,
                defaults={"cadence": template.cadence, "starts_on": date(2026, 7, 1)},
            )
            schedule.generate_runs(checklist, timezone.now())
    lilas = cast.practices["cabinet-des-lilas"]
    first = PracticeChecklist.objects.get(practice=lilas, template__code="workstations")
    run = first.runs.order_by("period_start").first()
    staff = cast.users["sophie.bernard@demo.vigie.fr"]
    for item in first.items():
        status = "not_done" if item["key"] == "privacy_filter" else "done"
        Answer.objects.get_or_create(
            practice=lilas,
            run=run,
            item_key=item["key"],
            defaults={
                "status": status,
                "answered_by": staff,
                "comment": "Filtre à commander pour l'accueil" if status == "not_done" else "",
            },
        )
    if run.completed_at is None:
        run.completed_at = run.due_at
        run.save(update_fields=["completed_at"])
    seed_backups(cast)


def seed_backups(cast) -> None:
    from datetime import timedelta

    from practices.checklists.models import BackupCopy, RestoreTest

    lilas = cast.practices["cabinet-des-lilas"]
    copies = [
        ("Serveur du cabinet", "production", False, "en continu"),
        ("Disque externe (armoire fermée)", "disk", False, "chaque soir"),
        ("Sauvegarde chez un hébergeur HDS", "cloud", True, "chaque nuit"),
    ]
    for name, medium, off_site, frequency in copies:
        BackupCopy.objects.get_or_create(
            practice=lilas,
            name=name,
            defaults={"medium": medium, "off_site": off_site, "frequency": frequency},
        )
    if not RestoreTest.objects.filter(practice=lilas).exists():
        RestoreTest.objects.create(
            practice=lilas,
            tested_on=timezone.localdate() - timedelta(days=20),
            restored="Agenda de la semaine",
            success=True,
            copy=BackupCopy.objects.get(practice=lilas, medium="cloud"),
            tested_by=cast.users["claire.martin@demo.vigie.fr"],
        )
