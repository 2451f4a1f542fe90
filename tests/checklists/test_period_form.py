"""A period answered in one form, its states, late periods, carried actions, reminders only
for the people who were there."""

from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEvent
from practices.checklists import content, schedule
from practices.checklists.models import Answer, PracticeChecklist, Run, Template
from practices.models import Membership

from .test_checklists import PARIS, activate


@pytest.fixture
def library(db):
    content.load()
    return Template.objects.all()


@pytest.fixture
def mid_november():
    with time_machine.travel(datetime(2026, 11, 18, 10, 0, tzinfo=PARIS), tick=False):
        yield


def run_url(cast, run):
    return reverse(
        "checklists:run", kwargs={"practice_slug": cast.practice.slug, "run_id": run.public_id}
    )


def index_url(cast):
    return reverse("checklists:index", kwargs={"practice_slug": cast.practice.slug})


def november(cast, starts_on=date(2026, 11, 1)):
    checklist = activate(cast, "workstations", starts_on=starts_on)
    schedule.generate_runs(checklist, timezone.now())
    return Run.objects.filter(checklist=checklist).order_by("-period_start").first()


def keys(run):
    return [i["key"] for i in run.checklist.items()]


class TestOneForm:
    def test_one_post_answers_every_point_and_audits_each(self, cast, library, mid_november):
        run = november(cast)
        points = keys(run)
        assert len(points) == 4
        response = cast.client("staff").post(
            run_url(cast, run), {f"{key}-status": "done" for key in points}
        )
        assert response.status_code == 302
        run.refresh_from_db()
        assert run.completed_at is not None
        assert Answer.objects.filter(run=run, status="done").count() == 4
        events = AuditEvent.objects.filter(action="checklist.answer")
        assert events.count() == 4
        assert {e.actor_id for e in events} == {cast.staff.pk}
        # Saving the same answers again changes nothing and traces nothing.
        cast.client("staff").post(run_url(cast, run), {f"{key}-status": "done" for key in points})
        assert AuditEvent.objects.filter(action="checklist.answer").count() == 4

    def test_not_done_without_comment_saves_nothing_and_keeps_what_was_typed(
        self, cast, library, mid_november
    ):
        run = november(cast)
        lock, privacy, physical, gifts = keys(run)
        data = {
            f"{lock}-status": "done",
            f"{privacy}-status": "not_done",
            f"{physical}-status": "na",
            f"{physical}-comment": "Pas de local ouvert au public",
        }
        response = cast.client("staff").post(run_url(cast, run), data)
        assert response.status_code == 200
        page = response.content.decode()
        assert "« Pas fait » demande un commentaire" in page
        assert "Rien n&#x27;est enregistré" in page or "Rien n'est enregistré" in page
        assert "Pas de local ouvert au public" in page
        lock_box = page.split(f'name="{lock}-status"')[1].split(">")[0]
        assert 'value="done"' in lock_box and "checked" in lock_box
        assert not Answer.objects.exists()
        data[f"{privacy}-comment"] = "Filtre à commander"
        cast.client("staff").post(run_url(cast, run), data)
        assert Answer.objects.count() == 3
        assert Answer.objects.get(item_key=privacy).comment == "Filtre à commander"
        run.refresh_from_db()
        assert run.completed_at is None  # the fourth point is not answered yet

    def test_the_comment_is_marked_for_the_script_and_shown_without_it(
        self, cast, library, mid_november
    ):
        run = november(cast)
        page = cast.client("staff").get(run_url(cast, run)).content.decode()
        assert page.count('data-needed-when="not_done"') == 4
        main = page.split("<main")[1].split("</main>")[0]
        assert main.count("<form") == 1  # one form for the whole period
        assert " hidden" not in page.split('class="period-form"')[1].split("</form>")[0]

    def test_period_page_queries_do_not_grow_with_answers(
        self, cast, library, mid_november, django_assert_max_num_queries
    ):
        run = november(cast)
        client = cast.client("staff")
        client.get(run_url(cast, run))
        with django_assert_max_num_queries(30) as counted:
            client.get(run_url(cast, run))
        budget = len(counted.captured_queries)
        client.post(run_url(cast, run), {f"{key}-status": "done" for key in keys(run)})
        with django_assert_max_num_queries(budget):
            client.get(run_url(cast, run))


class TestStates:
    def test_a_period_with_a_point_not_done_is_not_just_finished(self, cast, library, mid_november):
        run = november(cast)
        data = {f"{key}-status": "done" for key in keys(run)}
        data |= {"privacy_filter-status": "not_done", "privacy_filter-comment": "À commander"}
        cast.client("staff").post(run_url(cast, run), data)
        gap = "Terminée avec des points non faits"
        assert gap in cast.client("staff").get(run_url(cast, run)).content.decode()
        assert gap in cast.client("staff").get(index_url(cast)).content.decode()
        history = reverse(
            "checklists:history",
            kwargs={"practice_slug": cast.practice.slug, "checklist_id": run.checklist.public_id},
        )
        assert gap in cast.client("staff").get(history).content.decode()

    def test_late_periods_are_listed_as_the_dashboard_counts_them(
        self, cast, library, mid_november
    ):
        november(cast, starts_on=date(2026, 6, 1))
        late = Run.objects.filter(completed_at=None, due_at__lt=timezone.now())
        assert late.count() == 5  # June to October
        page = cast.client("admin").get(index_url(cast)).content.decode()
        assert "5 périodes en retard" in page
        for run in late:
            assert run_url(cast, run) in page
        dashboard = cast.client("admin").get(
            reverse("dashboard", kwargs={"practice_slug": cast.practice.slug})
        )
        assert "Périodes en retard" in dashboard.content.decode()


class TestCarriedActions:
    def not_done(self, cast, run, comment):
        cast.client("staff").post(
            run_url(cast, run),
            {"privacy_filter-status": "not_done", "privacy_filter-comment": comment},
        )

    def test_a_point_not_done_again_carries_the_open_action(self, cast, library):
        from practices.checklists.figures import card

        with time_machine.travel(datetime(2026, 10, 20, 10, 0, tzinfo=PARIS), tick=False):
            october = november(cast, starts_on=date(2026, 10, 1))
            self.not_done(cast, october, "Filtre à commander")
        with time_machine.travel(datetime(2026, 11, 18, 10, 0, tzinfo=PARIS), tick=False):
            schedule.generate_due(timezone.now())
            current = Run.objects.order_by("-period_start").first()
            self.not_done(cast, current, "Toujours pas reçu")
            old, new = Answer.objects.order_by("run__period_start")
            assert (old.carried_by, new.carried_by) == (new, None)
            page = cast.client("staff").get(index_url(cast)).content.decode()
            actions = page.split("Actions ouvertes")[1]
            assert "Toujours pas reçu" in actions and "Filtre à commander" not in actions
            assert "déjà « pas fait » à la période du 01/10/2026" in actions
            figures = {f.label: f.value for f in card(cast.practice, "admin").figures}
            assert figures["Actions ouvertes"] == 1
            # Answered "done" after all: the earlier action is open again.
            cast.client("staff").post(run_url(cast, current), {"privacy_filter-status": "done"})
            old.refresh_from_db()
            assert old.carried_by is None
            self.not_done(cast, current, "Cassé de nouveau")
            old.refresh_from_db()
            new.refresh_from_db()
            assert old.carried_by == new
            # Fixing the action fixes what it carried.
            cast.client("admin").post(
                reverse(
                    "checklists:fix",
                    kwargs={"practice_slug": cast.practice.slug, "answer_id": new.public_id},
                )
            )
            old.refresh_from_db()
            assert old.fixed_at is not None and old.fixed_by == cast.admin
            assert not Answer.open_actions().exists()


class TestRemindersForThoseWhoWereThere:
    def test_a_period_ended_before_someone_joined_is_not_reminded_to_them(self, cast, library):
        from portal.notifications.sweep import recipients
        from practices.checklists import reminders

        checklist = activate(cast, "workstations", starts_on=date(2026, 10, 1))
        schedule.generate_runs(checklist, datetime(2026, 11, 20, tzinfo=PARIS))
        joined = datetime(2026, 11, 20, 9, 0, tzinfo=PARIS)
        long_ago = datetime(2026, 1, 5, tzinfo=PARIS)
        Membership.objects.filter(user=cast.admin).update(joined_at=long_ago)
        Membership.objects.filter(user=cast.staff).update(joined_at=joined)
        with time_machine.travel(datetime(2026, 11, 20, 12, 0, tzinfo=PARIS), tick=False):
            dues = [d for d in reminders.due_runs(timezone.now()) if d.step == "overdue"]
            assert len(dues) == 1  # October's period ended on 1 November
            assert recipients(dues) == [[cast.admin.pk]]
            # Assigned to the newcomer by name: still not theirs.
            PracticeChecklist.objects.update(assigned_user=cast.staff)
            dues = [d for d in reminders.due_runs(timezone.now()) if d.step == "overdue"]
            assert recipients(dues) == [[]]
            # Someone who was there when it ended is reminded.
            before = datetime(2026, 10, 5, tzinfo=PARIS)
            Membership.objects.filter(user=cast.staff).update(joined_at=before)
            assert recipients(dues) == [[cast.staff.pk]]
