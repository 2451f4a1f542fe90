from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEvent
from practices.checklists import content, schedule
from practices.checklists.models import Answer, PracticeChecklist, Run, Template

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def library(db):
    content.load()
    return Template.objects.all()


def activate(cast, code, cadence=None, starts_on=date(2026, 1, 31)):
    template = Template.objects.get(code=code)
    return PracticeChecklist.objects.create(
        practice=cast.practice,
        template=template,
        cadence=cadence or template.cadence,
        starts_on=starts_on,
    )


def test_loading_twice_changes_nothing(library):
    assert content.load() == "0 created, 0 updated"
    assert library.count() == 8


def test_every_seed_reference_exists():
    from pathlib import Path

    import yaml

    path = Path(__file__).resolve().parents[2] / "training" / "content" / "seed_bullets.yaml"
    bullets = {b["id"] for b in yaml.safe_load(path.read_text(encoding="utf-8"))["bullets"]}
    assert set(content.seed_coverage()) <= bullets
    assert len(content.seed_coverage()) >= 40


class TestGeneration:
    def test_monthly_from_the_31st_keeps_month_ends_and_runs_once(self, cast, library):
        checklist = activate(cast, "workstations", "FREQ=MONTHLY;BYMONTHDAY=-1")
        now = datetime(2026, 4, 15, 12, 0, tzinfo=PARIS)
        assert schedule.generate_runs(checklist, now) == 3
        assert schedule.generate_runs(checklist, now) == 0  # idempotent
        starts = [
            timezone.localtime(r.period_start).date() for r in Run.objects.order_by("period_start")
        ]
        assert starts == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)]

    def test_due_at_paris_midnight_across_daylight_saving(self, cast, library):
        checklist = activate(cast, "workstations", "FREQ=MONTHLY", starts_on=date(2026, 3, 1))
        schedule.generate_runs(checklist, datetime(2026, 4, 2, tzinfo=PARIS))
        march = Run.objects.get(period_start__month=3)
        due = timezone.localtime(march.due_at)
        assert (due.date(), due.hour, due.utcoffset().total_seconds()) == (
            date(2026, 4, 1),
            0,
            7200,
        )
        assert timezone.localtime(march.period_start).utcoffset().total_seconds() == 3600

    def test_quarterly_restore_test(self, cast, library):
        checklist = activate(cast, "restore_test", starts_on=date(2026, 1, 1))
        schedule.generate_runs(checklist, datetime(2026, 11, 28, tzinfo=PARIS))
        assert Run.objects.filter(checklist=checklist).count() == 4


class TestAnswers:
    @pytest.fixture(autouse=True)
    def mid_november(self):
        """A monthly list started on 1 November has exactly one period until 1 December."""
        with time_machine.travel(datetime(2026, 11, 18, 10, 0, tzinfo=PARIS)):
            yield

    def run(self, cast):
        checklist = activate(cast, "workstations", starts_on=date(2026, 11, 1))
        schedule.generate_runs(checklist, timezone.now())
        return Run.objects.get(checklist=checklist)

    def url(self, cast, run):
        return reverse(
            "checklists:run", kwargs={"practice_slug": cast.practice.slug, "run_id": run.public_id}
        )

    def test_not_done_needs_a_comment_and_becomes_an_open_action(self, cast, library):
        run = self.run(cast)
        client = cast.client("staff")
        response = client.post(
            self.url(cast, run), {"item": "privacy_filter", "privacy_filter-status": "not_done"}
        )
        assert "demande un commentaire" in response.content.decode()
        assert not Answer.objects.exists()
        client.post(
            self.url(cast, run),
            {
                "item": "privacy_filter",
                "privacy_filter-status": "not_done",
                "privacy_filter-comment": "Filtre à commander",
            },
        )
        answer = Answer.objects.get()
        page = client.get(reverse("checklists:index", kwargs={"practice_slug": cast.practice.slug}))
        assert "Filtre à commander" in page.content.decode()
        client.post(
            reverse(
                "checklists:fix",
                kwargs={"practice_slug": cast.practice.slug, "answer_id": answer.public_id},
            )
        )
        answer.refresh_from_db()
        assert answer.fixed_by == cast.staff
        assert AuditEvent.objects.filter(action="checklist.fix").exists()

    def not_done(self, cast, run, comment="Filtre à commander"):
        return cast.client("staff").post(
            self.url(cast, run),
            {
                "item": "privacy_filter",
                "privacy_filter-status": "not_done",
                "privacy_filter-comment": comment,
            },
        )

    def fix(self, cast, answer):
        return cast.client("admin").post(
            reverse(
                "checklists:fix",
                kwargs={"practice_slug": cast.practice.slug, "answer_id": answer.public_id},
            )
        )

    def test_open_action_names_the_point_and_the_period_shows_it_fixed(self, cast, library):
        run = self.run(cast)
        self.not_done(cast, run)
        index = reverse("checklists:index", kwargs={"practice_slug": cast.practice.slug})
        page = cast.client("staff").get(index).content.decode()
        actions = page.split("Actions ouvertes")[1]
        assert "Les écrans visibles du public ont un filtre de confidentialité." in actions
        assert self.url(cast, run) in actions
        self.fix(cast, Answer.objects.get())
        period = cast.client("staff").get(self.url(cast, run)).content.decode()
        assert "corrigé le" in period and cast.admin.get_full_name() in period

    def test_a_point_not_done_again_after_its_fix_is_an_open_action_again(self, cast, library):
        run = self.run(cast)
        self.not_done(cast, run)
        self.fix(cast, Answer.objects.get())
        cast.client("staff").post(
            self.url(cast, run), {"item": "privacy_filter", "privacy_filter-status": "done"}
        )
        self.not_done(cast, run, comment="Le filtre est cassé")
        answer = Answer.objects.get()
        assert (answer.fixed_at, answer.fixed_by) == (None, None)
        # Saving the same "not done" again (a better comment) keeps it fixed or open as it was.
        self.fix(cast, answer)
        self.not_done(cast, run, comment="Le filtre est cassé, commandé")
        answer.refresh_from_db()
        assert answer.fixed_at is not None

    def test_a_point_of_the_practice_shows_no_empty_why_or_evidence(self, cast, library):
        run = self.run(cast)
        checklist = run.checklist
        checklist.extra_items = [{"key": "own-1", "text": "Le fax est vidé chaque soir"}]
        checklist.save()
        page = cast.client("staff").get(self.url(cast, run)).content.decode()
        own = page.split("Le fax est vidé chaque soir")[1]
        assert "Pourquoi" not in own and "Preuve" not in own

    def test_run_completes_when_every_item_is_answered(self, cast, library):
        run = self.run(cast)
        client = cast.client("staff")
        keys = [i["key"] for i in run.checklist.items()]
        for key in keys:
            run.refresh_from_db()
            assert run.completed_at is None
            client.post(self.url(cast, run), {"item": key, f"{key}-status": "done"})
        run.refresh_from_db()
        assert run.completed_at is not None
        assert AuditEvent.objects.filter(action="checklist.answer").count() == len(keys)

    def test_delegate_reads_but_cannot_answer(self, cast, library):
        run = self.run(cast)
        delegate = cast.client("delegate")
        assert delegate.get(self.url(cast, run)).status_code == 200
        response = delegate.post(self.url(cast, run), {"item": "lock", "lock-status": "done"})
        assert response.status_code == 403
        assert not Answer.objects.exists()

    def test_admin_activates_from_the_library(self, cast, library):
        cast.client("admin").post(
            reverse("checklists:activate", kwargs={"practice_slug": cast.practice.slug}),
            {"code": "backups"},
        )
        assert PracticeChecklist.objects.filter(
            practice=cast.practice, template__code="backups"
        ).exists()
        assert (
            cast.client("staff")
            .post(
                reverse("checklists:activate", kwargs={"practice_slug": cast.practice.slug}),
                {"code": "passwords_mfa"},
            )
            .status_code
            == 403
        )

    def test_index_queries_do_not_grow_with_history(
        self, cast, library, django_assert_max_num_queries
    ):
        for code in ("workstations", "backups"):
            activate(cast, code, starts_on=date(2026, 9, 1))
        client = cast.client("admin")
        url = reverse("checklists:index", kwargs={"practice_slug": cast.practice.slug})
        client.get(url)
        with django_assert_max_num_queries(25) as few:
            client.get(url)
        budget = len(few.captured_queries)  # read now: the next request resets the log
        PracticeChecklist.objects.update(starts_on=date(2024, 9, 1))
        Run.objects.all().delete()
        schedule.generate_due(timezone.now())  # the sweep creates two years of runs
        assert Run.objects.count() > 40
        with django_assert_max_num_queries(budget):
            client.get(url)


class TestGenerationEverywhere:
    def test_the_sweep_creates_the_periods_of_practices_nobody_visits(self, cast, library):
        """No one opened the checklists page: the reminder still comes."""
        from practices.checklists import reminders

        activate(cast, "workstations", starts_on=date(2026, 10, 1))
        assert Run.objects.count() == 0
        soon = list(reminders.due_runs(datetime(2026, 10, 30, tzinfo=PARIS)))
        assert [(d.kind, d.step) for d in soon] == [("checklist.due", "d-3")]
        assert Run.objects.get().due_at == datetime(2026, 11, 1, tzinfo=PARIS)

    def test_two_queries_whatever_the_number_of_practices(
        self, cast, library, django_assert_num_queries
    ):
        from tests.factories import PracticeFactory

        now = datetime(2026, 11, 28, tzinfo=PARIS)
        activate(cast, "workstations", starts_on=date(2026, 1, 1))
        with django_assert_num_queries(3):  # read, insert, store the latest period's end
            assert schedule.generate_due(now) == 11
        with django_assert_num_queries(1):  # nothing has ended: the checklist is not read
            assert schedule.generate_due(now) == 0
        assert PracticeChecklist.objects.get(practice=cast.practice).periods_until > now
        for template in Template.objects.all():
            for _ in range(5):
                PracticeChecklist.objects.create(
                    practice=PracticeFactory(),
                    template=template,
                    cadence=template.cadence,
                    starts_on=date(2026, 1, 1),
                )
        with django_assert_num_queries(3):
            assert schedule.generate_due(now) > 40
        assert Run.objects.filter(checklist__practice=cast.practice).count() == 11

    def test_a_new_cadence_does_not_refill_the_past(self, cast, library):
        checklist = activate(cast, "workstations", starts_on=date(2026, 1, 1))
        now = datetime(2026, 11, 28, tzinfo=PARIS)
        assert schedule.generate_runs(checklist, now) == 11
        checklist.cadence = "FREQ=WEEKLY;BYDAY=MO"
        checklist.save()
        # From the end of November's period (1 December): Mondays 7 and 14 December.
        assert schedule.generate_runs(checklist, datetime(2026, 12, 15, tzinfo=PARIS)) == 2
        latest = Run.objects.order_by("-period_start")[:2]
        assert [timezone.localtime(run.period_start).date() for run in latest] == [
            date(2026, 12, 14),
            date(2026, 12, 7),
        ]

    def test_an_inactive_checklist_gets_no_period(self, cast, library):
        checklist = activate(cast, "workstations", starts_on=date(2026, 1, 1))
        checklist.active = False
        checklist.save()
        assert schedule.generate_due(datetime(2026, 11, 28, tzinfo=PARIS)) == 0


class TestRemindersAndTrend:
    def test_due_soon_then_overdue_to_the_assigned_people(self, cast, library):
        from practices.checklists import reminders

        checklist = activate(cast, "workstations", starts_on=date(2026, 10, 1))
        checklist.assigned_role = "staff"
        checklist.save()
        schedule.generate_runs(checklist, datetime(2026, 10, 2, tzinfo=PARIS))
        october = Run.objects.get()
        assert list(reminders.due_runs(datetime(2026, 10, 20, tzinfo=PARIS))) == []
        soon = list(reminders.due_runs(datetime(2026, 10, 30, tzinfo=PARIS)))
        assert [(d.kind, d.step, d.roles) for d in soon] == [("checklist.due", "d-3", ("staff",))]
        late = list(reminders.due_runs(datetime(2026, 11, 2, tzinfo=PARIS)))
        assert [(d.kind, d.step) for d in late] == [("checklist.overdue", "overdue")]
        # A period missed more than 30 days ago is no longer reminded (November's is).
        december = list(reminders.due_runs(datetime(2026, 12, 15, tzinfo=PARIS)))
        assert [d.object_key for d in december] == [
            f"checklists.run:{Run.objects.get(due_at__month=12).public_id}"
        ]
        october.completed_at = october.due_at
        october.save()
        assert list(reminders.due_runs(datetime(2026, 11, 2, tzinfo=PARIS))) == []

    def test_the_reminder_names_the_checklist_in_the_reader_language(self, cast, library):
        """From the source's context to the sentence: a title, not the content file's dict."""
        from django.utils import translation

        from portal.notifications.emails import headline
        from portal.notifications.models import SentReminder
        from practices.checklists import reminders

        activate(cast, "workstations", starts_on=date(2026, 10, 1))
        (due,) = reminders.due_runs(datetime(2026, 10, 30, tzinfo=PARIS))
        row = SentReminder(kind=due.kind, step=due.step, context=due.context)
        with translation.override("fr"), timezone.override(PARIS):
            assert headline(row) == (
                "La liste de contrôle « Postes de travail et USB » est à faire avant le 01/11/2026."
            )
        with translation.override("en"), timezone.override(PARIS):
            text = headline(row)
            assert "Workstations and USB" in text
            assert "{" not in text and "Postes" not in text

    def test_trend_over_the_last_twelve_periods(self, cast, library):
        checklist = activate(cast, "workstations", starts_on=date(2025, 1, 1))
        now = datetime(2026, 11, 28, tzinfo=PARIS)
        schedule.generate_runs(checklist, now)
        runs = list(Run.objects.order_by("period_start"))
        for run in runs[-6:-1]:
            run.completed_at = run.due_at - timedelta(days=1)
            run.save()
        trend = schedule.on_time_trend(checklist, now)
        assert len(trend) == 12
        assert [ok for _start, ok in trend] == [False] * 7 + [True] * 5  # November not due yet


@time_machine.travel(datetime(2026, 11, 18, 10, 0, tzinfo=PARIS))  # 4 periods over, 1 open
def test_index_shows_the_latest_period_and_the_trend(cast, library):
    checklist = activate(cast, "workstations", starts_on=date(2026, 7, 1))
    schedule.generate_runs(checklist, timezone.now())
    first = Run.objects.order_by("period_start").first()
    first.completed_at = first.due_at
    first.save()
    page = (
        cast.client("staff")
        .get(reverse("checklists:index", kwargs={"practice_slug": cast.practice.slug}))
        .content.decode()
    )
    latest = Run.objects.order_by("-period_start").first()
    current, late = page.split('id="late"')
    assert timezone.localtime(latest.due_at).strftime("%d/%m/%Y") in current
    assert timezone.localtime(first.due_at).strftime("%d/%m/%Y") not in current
    # The late periods are listed below, without the one completed.
    assert "3 périodes en retard" in late
    assert timezone.localtime(first.period_start).strftime("%d/%m/%Y") not in late
    finished = Run.objects.filter(due_at__lte=timezone.now()).count()
    assert f"1/{finished}" in page
