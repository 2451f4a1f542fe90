"""``make bench``: seed a synthetic Vigie, serve it with gunicorn, measure every role's pages.

The command recreates its own PostgreSQL database (its name must contain "bench"), then
runs again inside it (``--in-database``) under ``portal.bench.settings``: migrate, load
the content, seed, serve, measure, time the reminder sweep, print a table and write JSON.
Latencies are reported, never asserted; query counts per page come from the server.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import django
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from portal.bench import seed as seeding
from portal.bench.measure import Browser, measure
from portal.bench.server import Server

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/vigie_bench"


class Command(BaseCommand):
    help = "Seed a synthetic dataset, serve it with gunicorn and measure the main pages."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(seeding.SCALES), default="default")
        parser.add_argument("--practices", type=int, help="override the scale's practices")
        parser.add_argument("--staff", type=int, help="override the scale's people")
        parser.add_argument("--answers", type=int, help="override the scale's answers")
        parser.add_argument(
            "--database",
            default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE),
            help="PostgreSQL URL of the benchmark database (recreated; name must contain "
            "'bench'). Default: $BENCH_DATABASE_URL or " + DEFAULT_DATABASE,
        )
        parser.add_argument("--requests", type=int, default=40, help="timed requests per page")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
        parser.add_argument(
            "--json", default=str(settings.BASE_DIR / "test-artifacts" / "bench.json")
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="keep the database if it was seeded at the same scale: migrate it, clear the "
            "sent-log and measure again (a region-scale seed takes tens of minutes)",
        )
        parser.add_argument("--in-database", action="store_true", help="(internal)")

    def handle(self, **options):
        scale = seeding.SCALES[options["scale"]]
        scale = seeding.Scale(
            practices=options["practices"] or scale.practices,
            staff=options["staff"] or scale.staff,
            answers=options["answers"] if options["answers"] is not None else scale.answers,
            delegate_span=scale.delegate_span,
        )
        if options["in_database"]:
            return self.run_inside(scale, options)
        url = options["database"]
        name = urlparse(url).path.lstrip("/")
        if urlparse(url).scheme not in {"postgres", "postgresql"} or "bench" not in name:
            raise CommandError("--database must be a PostgreSQL URL whose name contains 'bench'.")
        if not (options["reuse"] and database_exists(url)):
            recreate_database(url)
        env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DEBUG"}}
        env.update(
            DATABASE_URL=url,
            DJANGO_SETTINGS_MODULE="portal.bench.settings",
            VIGIE_ENV=os.environ.get("VIGIE_ENV", "development"),
            DEBUG="0",
        )
        argv = [a for a in sys.argv[1:] if a != "--in-database"]
        if argv[:1] != ["bench"]:  # called through call_command: rebuild the arguments
            argv = ["bench", *self.arguments(options)]
        manage = str(settings.BASE_DIR / "manage.py")
        result = subprocess.run([sys.executable, manage, *argv, "--in-database"], env=env)  # noqa: S603
        if result.returncode:
            raise CommandError(f"the benchmark failed (exit {result.returncode})")

    @staticmethod
    def arguments(options) -> list[str]:
        args = ["--scale", options["scale"], "--requests", str(options["requests"])]
        args += ["--workers", str(options["workers"]), "--json", options["json"]]
        if options["reuse"]:
            args.append("--reuse")
        for name in ("practices", "staff", "answers"):
            if options[name] is not None:
                args += [f"--{name}", str(options[name])]
        return args

    def run_inside(self, scale, options):
        started = time.monotonic()
        seeded = seeding.stored(scale) if options["reuse"] else None
        if seeded is None:
            self.stdout.write(f"Seeding {scale} into {connection.settings_dict['NAME']}…")
            call_command("migrate", verbosity=0, interactive=False)
            call_command("load_content", verbosity=0)
            seeded = seeding.seed(scale)
            seeding.reset_reminders()
            seeded.seconds["total"] = round(time.monotonic() - started, 1)
            seeding.store(scale, seeded)
            vacuum = "VACUUM ANALYZE"
        else:
            self.stdout.write(f"Reusing {scale} in {connection.settings_dict['NAME']}…")
            call_command("migrate", verbosity=0, interactive=False)
            seeding.reset_reminders()
            vacuum = "ANALYZE"
        secrets_ = {email: enrol(email) for email in (seeded.admin, seeded.staff, seeded.delegate)}
        with connection.cursor() as cursor:
            cursor.execute(vacuum)
            cursor.execute("SELECT pg_database_size(current_database())")
            database_mib = round(cursor.fetchone()[0] / 2**20)
        self.stdout.write(
            f"seeded in {seeded.seconds['total']} s (this run: "
            f"{round(time.monotonic() - started, 1)} s); database {database_mib} MiB"
        )
        plan = pages(seeded)
        results, rss = [], {}
        sweep = sweep_timing()  # before the server: the sweep has the machine to itself
        with Server(workers=options["workers"], env={}) as server:
            anonymous = Browser(server.url)
            for name, path in plan["anonymous"]:
                results.append(measure(anonymous, "anonymous", name, path, **_n(options)))
            for role, email in (
                ("admin", seeded.admin),
                ("staff", seeded.staff),
                ("delegate", seeded.delegate),
            ):
                browser = Browser(server.url)
                browser.log_in(email, seeding.PASSWORD, secrets_[email])
                for name, path in plan[role]:
                    results.append(measure(browser, role, name, path, **_n(options)))
            rss = server.peak_rss_mib()
        report = {
            "generated_at": timezone.now().isoformat(),
            "scale": {"name": options["scale"], **scale.__dict__},
            "rows": seeded.counts,
            "seed_seconds": seeded.seconds,
            "database_mib": database_mib,
            "reused": vacuum == "ANALYZE",
            "notes": seeded.notes,
            "server": {
                "workers": options["workers"],
                "peak_rss_mib": max(rss.values(), default=None),
                "peak_rss_mib_per_worker": list(rss.values()),
            },
            "pages": with_ratios([r.summary() for r in results]),
            "sweep": sweep,
            "environment": environment(),
        }
        self.print_table(report)
        path = Path(options["json"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report, indent=2, ensure_ascii=False))
        self.stdout.write(f"JSON: {path}")

    def print_table(self, report):
        out = self.stdout.write
        out("")
        out(f"{'role':<10} {'page':<28} {'p50 ms':>8} {'p95 ms':>8} {'× floor':>8} {'queries':>8}")
        for row in report["pages"]:
            if "p50_ms" in row:
                queries = f"{row['queries']}{'' if row['queries_constant'] else '*'}"
                out(
                    f"{row['role']:<10} {row['page']:<28} {row['p50_ms']:>8} "
                    f"{row['p95_ms']:>8} {row.get('ratio_to_floor', '?'):>8} {queries:>8}"
                )
            else:
                out(f"{row['role']:<10} {row['page']:<28} {row.get('error', '?'):>26}")
        server, sweep = report["server"], report["sweep"]
        out(f"peak RSS of a web worker: {server['peak_rss_mib']} MiB ({server['workers']} workers)")
        for label in ("first", "again"):
            run = sweep.get(label)
            if run:
                out(
                    f"reminder sweep, {label}: {run['seconds']} s, {run['due']} due items read, "
                    f"{run['rows']} sent-log rows; by source: "
                    f"{json.dumps(run.get('by_source', {}), ensure_ascii=False)}"
                )
        if sweep.get("again_over_first") is not None:
            out(f"reminder sweep, again / first: {sweep['again_over_first']}")
        if "skipped" in sweep:
            out(f"reminder sweep skipped: {sweep['skipped']}")
        seconds = report["seed_seconds"]
        out(f"seeding: {seconds.get('total')} s ({json.dumps(seconds, ensure_ascii=False)})")
        out(f"database size: {report['database_mib']} MiB")
        out(f"rows: {json.dumps(report['rows'], ensure_ascii=False)}")
        for note in report["notes"]:
            out(f"note: {note}")


def with_ratios(rows: list[dict]) -> list[dict]:
    """Each page's p50 divided by the floor's (a bare Django view through the middleware)."""
    floor = next((r.get("p50_ms") for r in rows if r["page"].startswith("floor")), None)
    for row in rows:
        if floor and row.get("p50_ms") is not None:
            row["ratio_to_floor"] = round(row["p50_ms"] / floor, 1)
    return rows


def _n(options) -> dict:
    return {"requests": options["requests"]}


def database_exists(url: str) -> bool:
    import psycopg

    parsed = urlparse(url)
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as admin:
        found = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [parsed.path.lstrip("/")]
        ).fetchone()
    return found is not None


def recreate_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def enrol(email: str) -> bytes:
    """A confirmed authenticator with a known secret: the benchmark computes its codes."""
    from portal.mfa.models import EncryptedTOTPDevice
    from portal.models import User

    user = User.objects.get(email=email)
    EncryptedTOTPDevice.objects.filter(user=user).delete()  # --reuse: the previous run's
    secret = EncryptedTOTPDevice.new_secret()
    device = EncryptedTOTPDevice(user=user, name="bench", confirmed=True)
    device.set_secret(secret)
    device.save()
    return secret


def pages(seeded) -> dict[str, list[tuple[str, str]]]:
    """What each role opens: the main pages of every space, in the measured practice."""
    from practices.checklists.models import Run
    from registry.incidents.models import Incident

    slug = seeded.practice_slug
    p = f"/p/{slug}"
    run = Run.objects.filter(practice__slug=slug, completed_at=None).order_by("-due_at").first()
    incident = Incident.objects.filter(practice__slug=slug).order_by("-noticed_at").first()
    admin = [
        ("dashboard", f"{p}/"),
        ("checklists", f"{p}/controles/"),
        ("checklist period", f"{p}/controles/periodes/{run.public_id}/"),
        ("incidents", f"{p}/incidents/"),
        ("incident", f"{p}/incidents/{incident.public_id}/"),
        ("breach register", f"{p}/incidents/registre/"),
        ("registry", f"{p}/registre/"),
        ("training", f"{p}/formation/"),
        ("team", f"{p}/equipe/"),
        ("audit trail", f"{p}/journal/"),
    ]
    return {
        "anonymous": [("floor (bare Django view)", "/bench/floor/"), ("healthz", "/healthz")],
        "admin": admin,
        "staff": [
            ("dashboard", f"{p}/"),
            ("checklists", f"{p}/controles/"),
            ("training", f"{p}/formation/"),
        ],
        "delegate": [("console", "/delegue/"), ("practice dashboard", f"{p}/")],
    }


def sweep_timing() -> dict:
    """The reminder sweep over the whole dataset: first run (writes the sent-log), then again."""
    try:
        from portal.notifications.sweep import run_sweep
    except ImportError as error:
        return {"skipped": str(error)}
    timings = {}
    for label in ("first", "again"):
        started = time.monotonic()
        stats = run_sweep(enqueue=len)
        timings[label] = {
            "seconds": round(time.monotonic() - started, 2),
            "due": getattr(stats, "due", None),
            "rows": getattr(stats, "rows", None),
            "rows_by_kind": dict(getattr(stats, "by_kind", {}) or {}),
            "by_source": dict(getattr(stats, "by_source", {}) or {}),
        }
    if timings["first"]["seconds"]:
        timings["again_over_first"] = round(
            timings["again"]["seconds"] / timings["first"]["seconds"], 3
        )
    return timings


def environment() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": postgres,
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "machine": platform.machine(),
    }
