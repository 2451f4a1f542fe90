"""Every legal statement of the shipped content names its source and the day it was
checked; ``manage.py content_sources`` lists them and fails on a gap (run here, so CI runs
it). The corrections of 4 December 2026 (issue 20) are pinned below, statement by statement."""

import re
from datetime import date

import pytest
import time_machine
import yaml
from django.core.management import CommandError, call_command

from portal import content
from portal.sources import Statement, parse, problems
from practices.checklists import content as checklists
from registry import cnil
from registry import content as presets_content
from training import content as training

CHECKED = "2026-12-04"


def run(capsys):
    call_command("content_sources")
    return capsys.readouterr().out


def unsourced():
    """A collector giving one statement without a source (see test below)."""
    return [Statement(where="test", text="Art. 9 du RGPD", sources=[])]


def short_retention():
    source = {"text": "RGPD", "article": "art. 5", "url": "", "checked": CHECKED}
    return [Statement(where="test", text="Durée courte", sources=parse(source), retention=True)]


class TestCommand:
    @time_machine.travel("2026-12-04 10:00 +01:00", tick=False)
    def test_every_statement_is_sourced_today(self, capsys):
        out = run(capsys)
        figures = re.search(r"(\d+) énoncés, (\d+) sources, (\d+) à valider, 0 en erreur", out)
        assert figures, out[-500:]
        assert int(figures[1]) >= 90 and int(figures[2]) > int(figures[1])
        assert "Source : AUCUNE" not in out
        assert "art. L252-5 CSI, vérifié le 04/12/2026" in out

    @time_machine.travel("2027-12-05 10:00 +01:00", tick=False)
    def test_a_date_checked_more_than_12_months_ago_fails(self, capsys):
        with pytest.raises(CommandError):
            run(capsys)
        assert "vérifié il y a plus de 12 mois" in capsys.readouterr().out

    @time_machine.travel("2027-12-03 10:00 +01:00", tick=False)
    def test_a_date_checked_within_12_months_passes(self, capsys):
        assert "0 en erreur" in run(capsys)

    @time_machine.travel("2026-12-04 10:00 +01:00", tick=False)
    @pytest.mark.parametrize("collector", ["unsourced", "short_retention"])
    def test_a_statement_without_source_or_figure_fails(self, capsys, monkeypatch, collector):
        real = content.collectors()
        monkeypatch.setattr(content, "collectors", lambda: [*real, globals()[collector]])
        with pytest.raises(CommandError, match="test"):
            run(capsys)
        out = capsys.readouterr().out
        assert "aucune source" in out or "sans chiffre ni champ à remplir" in out


def test_problems_of_one_statement():
    today = date(2026, 12, 4)
    good = parse({"text": "CSI", "article": "art. L252-5", "checked": CHECKED})
    assert problems(Statement("x", "1 mois au plus", good, retention=True), today) == []
    assert problems(Statement("x", "À remplir", good, retention=True, required=True), today) == []
    assert problems(Statement("x", "durée courte", good, retention=True), today) == [
        "durée de conservation sans chiffre ni champ à remplir"
    ]
    future = parse({"text": "CSI", "checked": "2027-01-01"})
    assert problems(Statement("x", "1 mois", future), today) == [
        "CSI : date de vérification dans le futur"
    ]
    undated = parse({"text": "CSI"})
    assert problems(Statement("x", "1 mois", undated), today) == [
        "CSI : date de vérification absente"
    ]


def _presets():
    return {p["key"]: p for p in yaml.safe_load(presets_content.CONTENT.read_text())["presets"]}


def _retentions(preset):
    return {row["category"]: row for row in preset["data"]}


class TestCorrectedPresets:
    def test_accounting_is_six_years_for_a_liberal_practice_ten_for_a_sel(self):
        for key in ("comptabilite", "facturation-sesam-vitale"):
            rows = _retentions(_presets()[key])
            text = rows["economic"]["retention"]
            assert "6 ans" in text and "L102 B LPF" in text, key
            assert "10 ans" in text and ("SEL" in text or "société d'exercice libéral" in text)
            articles = {s.article for s in parse(rows["economic"])}
            assert {"art. L102 B", "art. L123-22"} <= articles

    def test_patient_record_minor_rule_and_the_hospital_analogy(self):
        rows = _retentions(_presets()["dossier-patient"])
        assert "au moins jusqu'à ses 28 ans" in rows["civil"]["retention"]
        assert "suspendus" in rows["civil"]["retention"]
        health = rows["health"]["retention"]
        assert "20 ans après la dernière consultation" in health
        assert "Par analogie" in health and "10 ans après un décès" in health

    def test_cctv_is_article_l252_5(self):
        row = _retentions(_presets()["videoprotection"])["civil"]
        assert "L252-5" in row["retention"] and "L252-3" not in row["retention"]
        assert parse(row)[0].article == "art. L252-5"

    def test_the_dental_laboratory_is_a_recipient_not_a_processor(self):
        lab = _presets()["laboratoire-prothese"]
        assert [r["kind"] for r in lab["recipients"]] == ["partner"]
        assert lab["legal_basis"] == _presets()["dossier-patient"]["legal_basis"]

    def test_liberal_locums_are_in_accounting_not_payroll(self):
        presets = _presets()
        payroll = " ".join(s["details"] for s in presets["personnel-paie"]["subjects"])
        assert "remplaçants rémunérés" not in payroll
        books = " ".join(s["details"] for s in presets["comptabilite"]["subjects"])
        assert "Remplaçants libéraux" in books

    def test_no_retention_is_a_short_period_without_a_figure(self):
        for key, preset in _presets().items():
            for row in preset["data"]:
                assert "courte" not in row["retention"], key
                if not row["retention"]:
                    assert row["retention_required"] and row["retention_hint"], key

    def test_every_legal_basis_is_to_be_confirmed_by_the_practice(self):
        for key, preset in _presets().items():
            assert all(s.confirm for s in parse(preset["legal_basis_source"])), key

    def test_adequacy_list_has_brazil_and_its_date(self):
        assert "BR" in cnil.ADEQUATE_COUNTRIES and "BR" not in cnil.OTHER_COUNTRIES
        assert cnil.ADEQUACY_CHECKED == CHECKED
        label = str(cnil.country_choices()[0][0])
        assert "04/12/2026" in label

    def test_dpo_help_says_should_be_necessary(self):
        assert "devrait être nécessaire" in str(cnil.HELP["dpo"])


def _module(key):
    return next(m for m in training.modules_data() if m["key"] == key)


def _all_text(entry):
    return yaml.safe_dump(entry, allow_unicode=True)


class TestCorrectedModules:
    def test_backups_hds_is_an_obligation_and_windows_backup_is_not_onedrive(self):
        text = _all_text(_module("sauvegardes"))
        assert "de préférence" not in text and "preferably" not in text
        assert "Sauvegarder mon PC" not in text
        assert "Historique des fichiers" in text and "disque externe chiffré" in text
        assert _module("sauvegardes")["version"] == "2.0"

    def test_ai_sovereign_is_no_substitute_for_hds(self):
        module = _module("ia-generative")
        assert module["version"] == "2.0"
        assert "HDS ou souverain" not in _all_text(module)
        outil = next(q for q in module["questions"] if q["key"] == "outil")
        wrong = next(c for c in outil["choices"] if c["key"] == "souverain")
        assert not wrong.get("correct")
        lesson = next(ls for ls in module["lessons"] if ls["key"] == "adopter-un-outil")
        assert "art. 28" in lesson["body"]["fr"] and "AIPD" in lesson["body"]["fr"]
        assert "HAS" in lesson["body"]["fr"]

    def test_cert_sante_is_voluntary_for_a_practice_and_no_more_ransom_named(self):
        text = _module("logiciels-malveillants")["lessons"][1]["body"]["fr"]
        assert "volontaire pour un cabinet libéral" in text
        assert "No More Ransom" in text and "Conserver les preuves" in text
        assert "En cas de doute, notifiez" in text

    def test_passwords_carry_the_cnil_2022_recommendation(self):
        module = _module("mots-de-passe")
        text = _all_text(module)
        assert "2022-100" in text and "12 caractères" in text and "7 mots" in text
        sources = parse(module["lessons"][0])
        assert "JORFTEXT000046432885" in sources[0].url

    def test_a_lost_device_is_recorded_and_notified_only_if_risk(self):
        text = _all_text(_module("appareils-nomades"))
        assert "leur perte doit être déclarée" not in text
        assert "registre des violations" in text

    def test_illegal_says_what_is_unlawful(self):
        text = _all_text(_module("ingenierie-sociale"))
        assert "non certifié HDS" in text or "pas certifié hébergeur" in text


class TestChecklistSeedTags:
    def _items(self):
        data = yaml.safe_load(checklists.CONTENT.read_text())
        return {(t["code"], i["key"]): i for t in data["templates"] for i in t["items"]}

    def test_password_manager_is_social_4_and_mfa_social_3(self):
        items = self._items()
        assert "social-4" in items[("passwords_mfa", "manager")]["seed"]
        assert "social-6" not in items[("passwords_mfa", "manager")]["seed"]
        assert "social-3" in items[("passwords_mfa", "mfa")]["seed"]
        assert "social-5" not in items[("passwords_mfa", "mfa")]["seed"]

    def test_social_3_and_4_have_a_checklist_item(self):
        coverage = checklists.seed_coverage()
        assert coverage.get("social-3") and coverage.get("social-4")

    def test_the_illegal_reason_names_the_hds_rule(self):
        why = self._items()[("social_engineering", "mssante")]["why"]["fr"]
        assert "pas certifié HDS" in why and "L1111-8" in why and "art. 32" in why
