"""The Kubernetes manifests (deploy/k8s), rendered offline by `kubectl kustomize` and checked:
one beat, probes on /healthz, resources on every container, pinned images, the migration
Job, PgBouncer in transaction pooling, and no secret in the repository."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import need_service
from tests.test_compose import _settings_variables

ROOT = Path(__file__).resolve().parent.parent
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = sorted(p.parent.name for p in (K8S / "overlays").glob("*/kustomization.yaml"))
SECRET_NAMES = {
    "SECRET_KEY",
    "OTP_ENCRYPTION_KEYS",
    "DATABASE_URL",
    "DATABASE_DIRECT_URL",
    "POSTGRES_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "PSC_CLIENT_SECRET",
}


def render(path: str, tmp_path: Path) -> list[dict]:
    """`kubectl kustomize` over a copy of deploy/k8s, each overlay's secrets.env made from its
    example (the real one is never in the repository)."""
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        need_service("kubectl", "renders the manifests (Debian: apt-get install kubernetes-client)")
    copy = tmp_path / "k8s"
    shutil.copytree(K8S, copy, ignore=shutil.ignore_patterns("secrets.env"))
    for example in copy.glob("overlays/*/secrets.env.example"):
        shutil.copy(example, example.with_name("secrets.env"))
    result = subprocess.run(
        [kubectl, "kustomize", str(copy / path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def by_kind(docs, kind) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def pod_specs(docs):
    for doc in docs:
        if doc["kind"] in {"Deployment", "Job", "StatefulSet", "DaemonSet"}:
            yield doc["metadata"]["name"], doc["spec"]["template"]["spec"]


def containers(docs):
    for name, spec in pod_specs(docs):
        for container in spec.get("initContainers", []) + spec["containers"]:
            yield name, container


def mebibytes(quantity: str) -> float:
    number, unit = re.fullmatch(r"(\d+(?:\.\d+)?)(Mi|Gi)", quantity).groups()
    return float(number) * (1024 if unit == "Gi" else 1)


@pytest.fixture(scope="module", params=OVERLAYS)
def overlay(request, tmp_path_factory):
    return render(f"overlays/{request.param}", tmp_path_factory.mktemp(request.param))


def test_there_is_a_region_overlay_and_the_base_renders_alone(tmp_path):
    assert "region" in OVERLAYS
    names = {(d["kind"], d["metadata"]["name"]) for d in render("base", tmp_path)}
    assert {("Deployment", n) for n in ("web", "worker", "beat", "pgbouncer")} <= names
    assert {("Job", "vigie-migrate"), ("Service", "web"), ("Service", "pgbouncer")} <= names


def test_every_part_is_there(overlay):
    deployments = by_kind(overlay, "Deployment")
    assert set(deployments) >= {"web", "worker", "beat", "pgbouncer"}
    assert "vigie-migrate" in by_kind(overlay, "Job")
    assert set(by_kind(overlay, "Service")) >= {"web", "pgbouncer"}
    assert len(by_kind(overlay, "Secret")) == 1 and len(by_kind(overlay, "ConfigMap")) == 1
    assert "vigie-data" in by_kind(overlay, "PersistentVolumeClaim")


def test_one_beat_only_and_never_two_during_a_rollout(overlay):
    beat = by_kind(overlay, "Deployment")["beat"]
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"] == {"type": "Recreate"}
    scaled = {
        d["spec"]["scaleTargetRef"]["name"]
        for d in overlay
        if d["kind"] == "HorizontalPodAutoscaler"
    }
    assert "beat" not in scaled
    commands = [" ".join(c.get("command", [])) for _, c in containers(overlay)]
    assert sum(" beat" in c and "celery" in c for c in commands) == 1


def test_web_is_probed_on_healthz_with_a_host_django_accepts(overlay):
    config = next(iter(by_kind(overlay, "ConfigMap").values()))["data"]
    allowed = config["ALLOWED_HOSTS"].split(",")
    web = by_kind(overlay, "Deployment")["web"]["spec"]["template"]["spec"]["containers"][0]
    ports = {p["name"]: p["containerPort"] for p in web["ports"]}
    bind = next(a for a in web["command"] if a.startswith("--bind="))
    assert bind.endswith(f":{ports['http']}")
    for probe in ("readinessProbe", "livenessProbe"):
        get = web[probe]["httpGet"]
        assert get["path"] == "/healthz" and get["port"] in ("http", ports["http"])
        host = {h["name"]: h["value"] for h in get["httpHeaders"]}["Host"]
        assert host in allowed, f"{probe}: Django answers 400 to Host {host}"


def test_workers_and_pgbouncer_are_probed(overlay):
    deployments = by_kind(overlay, "Deployment")
    worker = deployments["worker"]["spec"]["template"]["spec"]["containers"][0]
    assert "inspect ping" in " ".join(worker["livenessProbe"]["exec"]["command"])
    pgbouncer = deployments["pgbouncer"]["spec"]["template"]["spec"]["containers"][0]
    assert pgbouncer["readinessProbe"]["tcpSocket"] and pgbouncer["livenessProbe"]["tcpSocket"]


def test_every_container_has_requests_and_a_memory_limit(overlay):
    for owner, container in containers(overlay):
        resources = container.get("resources", {})
        where = f"{owner}/{container['name']}"
        assert set(resources.get("requests", {})) >= {"cpu", "memory"}, where
        assert "memory" in resources.get("limits", {}), where
        assert mebibytes(resources["requests"]["memory"]) <= mebibytes(
            resources["limits"]["memory"]
        ), where


def test_web_memory_fits_its_gunicorn_workers(overlay):
    """The bench's peak resident memory of a gunicorn worker is 122 MiB at the region scale
    (README, Benchmark): the request covers every worker at 125 MiB, the limit twice that."""
    web = by_kind(overlay, "Deployment")["web"]["spec"]["template"]["spec"]["containers"][0]
    workers = int(next(a for a in web["command"] if a.startswith("--workers=")).split("=")[1])
    assert mebibytes(web["resources"]["requests"]["memory"]) >= workers * 125
    assert mebibytes(web["resources"]["limits"]["memory"]) >= workers * 250


def test_every_image_is_pinned(overlay):
    for owner, container in containers(overlay):
        image = container["image"]
        name, _, tag = image.rpartition(":") if "@" not in image else (image, "", "digest")
        assert name and "/" not in tag, f"{owner}: {image} has no tag"
        assert tag != "latest", f"{owner}: {image}"
        assert container.get("imagePullPolicy", "IfNotPresent") != "Always", owner


def test_migrations_run_once_in_a_job_straight_to_postgresql(overlay):
    job = by_kind(overlay, "Job")["vigie-migrate"]["spec"]
    container = job["template"]["spec"]["containers"][0]
    assert "manage.py migrate" in " ".join(container["command"])
    assert job["template"]["spec"]["restartPolicy"] == "Never"
    env = {e["name"]: e for e in container["env"]}
    assert env["DATABASE_URL"]["valueFrom"]["secretKeyRef"]["key"] == "DATABASE_DIRECT_URL"
    assert env["DATABASE_POOLER"]["value"] == ""
    # The other pods wait for it: their init container checks that nothing is left to apply.
    for name in ("web", "worker", "beat"):
        spec = by_kind(overlay, "Deployment")[name]["spec"]["template"]["spec"]
        assert "migrate --check" in " ".join(spec["initContainers"][0]["command"]), name


def test_app_pods_go_through_pgbouncer_in_transaction_pooling(overlay):
    config = next(iter(by_kind(overlay, "ConfigMap").values()))
    assert config["data"]["DATABASE_POOLER"] == "pgbouncer"
    pgbouncer = by_kind(overlay, "Deployment")["pgbouncer"]["spec"]["template"]["spec"]
    env = {e["name"]: e.get("value") for e in pgbouncer["containers"][0]["env"]}
    assert env["POOL_MODE"] == "transaction"
    secret = next(iter(by_kind(overlay, "Secret").values()))["metadata"]["name"]
    for name in ("web", "worker", "beat"):
        spec = by_kind(overlay, "Deployment")[name]["spec"]["template"]["spec"]
        sources = spec["containers"][0]["envFrom"]
        assert {"configMapRef": {"name": config["metadata"]["name"]}} in sources
        assert {"secretRef": {"name": secret}} in sources
    example = (K8S / "overlays" / "region" / "secrets.env.example").read_text()
    assert re.search(r"^DATABASE_URL=postgres://[^@]+@pgbouncer:5432/", example, re.M)


def test_settings_read_every_variable_given_and_config_holds_no_secret(overlay):
    config = next(iter(by_kind(overlay, "ConfigMap").values()))["data"]
    assert not set(config) & SECRET_NAMES
    known = _settings_variables()
    assert set(config) <= known
    example = (K8S / "overlays" / "region" / "secrets.env.example").read_text()
    keys = set(re.findall(r"^([A-Z_]+)=", example, re.M))
    assert keys - {"DATABASE_DIRECT_URL", "POSTGRES_URL"} <= known
    assert {"SECRET_KEY", "OTP_ENCRYPTION_KEYS", "DATABASE_URL"} <= keys


def test_no_secret_value_is_in_the_repository():
    tracked = subprocess.run(
        ["git", "ls-files", "deploy"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert not [p for p in tracked if p.endswith("secrets.env")]
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "deploy/k8s/overlays/region/secrets.env"], cwd=ROOT
    )
    assert ignored.returncode == 0, "secrets.env must be git-ignored"
    for example in K8S.glob("overlays/*/secrets.env.example"):
        for line in example.read_text().splitlines():
            if line.startswith("#") or "=" not in line:
                continue
            key, value = line.split("=", 1)
            if key in {"SECRET_KEY", "OTP_ENCRYPTION_KEYS", "PSC_CLIENT_SECRET"}:
                assert value == "", f"{example.name}: {key} has a value"
            if "://" in value and "@" in value:
                assert re.search(r":(PASSWORD)@", value), f"{example.name}: {key} has a password"
    for path in K8S.rglob("*.yaml"):
        docs = [d for d in yaml.safe_load_all(path.read_text()) if d]
        assert not [d for d in docs if d.get("kind") == "Secret"], f"{path}: a Secret written out"
