"""`manage.py seed_coverage`: every seed bullet is covered by a checklist item or a question."""

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.training.test_content import copy_of_modules
from training import content

ROOT = Path(__file__).resolve().parents[2]


def run(**paths) -> str:
    out = io.StringIO()
    call_command("seed_coverage", stdout=out, **paths)
    return out.getvalue()


def test_the_shipped_content_covers_every_bullet():
    output = run()
    assert "60/60 points couverts." in output
    assert "NON COUVERT" not in output
    for bullet in content.bullets():
        assert f"{bullet['id']}  " in output
    # Both sources are listed: malware-1 only by a question, usb-1 by both.
    block = output.split("malware-1  ")[1].split("malware-2  ")[0]
    assert "quiz     : Logiciels malveillants" in block and "contrôle" not in block
    usb = output.split("usb-1  ")[1].split("usb-2  ")[0]
    assert "contrôle : " in usb and "quiz     : " in usb


def test_a_new_bullet_nobody_covers_fails(tmp_path):
    bullets = tmp_path / "seed_bullets.yaml"
    data = yaml.safe_load(content.BULLETS.read_text(encoding="utf-8"))
    data["bullets"].append({"id": "usb-5", "section": "USB", "text": "Un nouveau conseil."})
    bullets.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CommandError, match="Points non couverts : usb-5"):
        run(bullets=bullets)


def test_removing_the_only_questions_covering_a_bullet_fails(tmp_path):
    directory = copy_of_modules(tmp_path)
    for path in directory.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for question in data["questions"]:
            question["seed"] = [b for b in question.get("seed", []) if b != "malware-1"]
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CommandError, match="Points non couverts : malware-1$"):
        run(modules=directory)


def test_a_bullet_covered_by_a_checklist_alone_is_enough(tmp_path):
    directory = copy_of_modules(tmp_path)
    for path in directory.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for question in data["questions"]:
            question["seed"] = [b for b in question.get("seed", []) if b != "usb-3"]
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert "60/60 points couverts." in run(modules=directory)


def test_an_unknown_bullet_named_by_content_fails(tmp_path):
    directory = copy_of_modules(tmp_path)
    path = sorted(directory.glob("*.yaml"))[0]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["questions"][0]["seed"].append("usb-99")
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CommandError, match="usb-99"):
        run(modules=directory)


def test_the_command_exits_non_zero_from_the_shell(tmp_path):
    bullets = tmp_path / "seed_bullets.yaml"
    shutil.copy(content.BULLETS, bullets)
    with bullets.open("a", encoding="utf-8") as file:
        file.write('  - id: gdpr-3\n    section: "RGPD"\n    text: "Nouveau."\n')
    command = [sys.executable, "manage.py", "seed_coverage", "--settings=tests.settings"]
    failing = subprocess.run(
        [*command, f"--bullets={bullets}"], cwd=ROOT, capture_output=True, text=True
    )
    assert failing.returncode == 1 and "gdpr-3" in failing.stderr
    passing = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert passing.returncode == 0, passing.stderr
