"""Outside courses (e.g. SensCyber): upload with checks, admin mapping, counted until expiry."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.models import AuditEvent
from practices.models import Membership
from tests.factories import MembershipFactory
from tests.training.conftest import url
from training import validity
from training.models import ExternalAttestation

PARIS = ZoneInfo("Europe/Paris")
PDF = b"%PDF-1.4\n%minimal\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def upload(client, cast, name="senscyber.pdf", data=PDF, **fields):
    payload = {
        "title": "SensCyber",
        "completed_on": "2026-03-10",
        "valid_until": "",
        "file": SimpleUploadedFile(name, data),
        **fields,
    }
    return client.post(url(cast, "attestations"), payload)


def standing(cast, module, now):
    membership = Membership.objects.get(practice=cast.practice, user=cast.staff)
    return next(
        c.standing
        for c in validity.person(cast.practice, membership, now).cells
        if c.module == module
    )


class TestUpload:
    def test_staff_uploads_a_pdf_stored_under_a_random_name(self, cast, modules):
        response = upload(cast.client("staff"), cast)
        assert response.status_code == 302
        attestation = ExternalAttestation.objects.get()
        assert (attestation.user, attestation.practice) == (cast.staff, cast.practice)
        assert attestation.content_type == "application/pdf"
        assert attestation.valid_until == date(2027, 3, 10)  # a year by default
        assert attestation.file.name == (
            f"training/attestations/{cast.practice.pk}/{attestation.public_id}.pdf"
        )
        assert attestation.file.read() == PDF
        assert AuditEvent.objects.filter(action="training.attestation_upload").count() == 1

    @pytest.mark.parametrize("name, data", [("scan.png", PNG), ("photo.JPG", JPEG)])
    def test_png_and_jpeg_are_accepted(self, cast, modules, name, data):
        assert upload(cast.client("staff"), cast, name=name, data=data).status_code == 302

    @pytest.mark.parametrize(
        "name, data, message",
        [
            ("grand.pdf", PDF + b"0" * (5 * 1024 * 1024), "Le fichier dépasse 5 Mo."),
            ("programme.pdf", b"MZ\x90\x00" + b"\x00" * 64, "Seuls les fichiers PDF, PNG ou JPEG"),
            ("image.pdf", PNG, "Seuls les fichiers PDF, PNG ou JPEG"),
            (
                "page.html",
                b"<html><script>alert(1)</script>",
                "Seuls les fichiers PDF, PNG ou JPEG",
            ),
        ],
    )
    def test_refused_files_keep_what_was_typed(self, cast, modules, name, data, message):
        response = upload(cast.client("staff"), cast, name=name, data=data, title="Formation URPS")
        html = response.content.decode()
        assert response.status_code == 200
        assert message in html
        assert 'value="Formation URPS"' in html
        assert not ExternalAttestation.objects.exists()

    def test_exactly_five_megabytes_is_accepted(self, cast, modules):
        data = PDF + b"0" * (5 * 1024 * 1024 - len(PDF))
        assert upload(cast.client("staff"), cast, data=data).status_code == 302

    def test_dates_are_checked(self, cast, modules):
        future = upload(cast.client("staff"), cast, completed_on="2999-01-01")
        assert "ne peut pas être à venir" in future.content.decode()
        backwards = upload(cast.client("staff"), cast, valid_until="2026-01-01")
        assert "précède la date de la formation" in backwards.content.decode()
        assert not ExternalAttestation.objects.exists()


class TestMapping:
    @pytest.fixture
    def attestation(self, cast, modules):
        upload(cast.client("staff"), cast, valid_until="2026-12-31")
        return ExternalAttestation.objects.get()

    def test_an_unmapped_attestation_counts_for_nothing(self, cast, modules, attestation):
        assert standing(cast, modules[1], datetime(2026, 4, 1, tzinfo=PARIS)).state == "todo"

    def test_the_admin_maps_modules_which_count_until_the_attestation_ends(
        self, cast, modules, attestation
    ):
        path = url(cast, "attestation_map", attestation_id=attestation.public_id)
        response = cast.client("admin").post(
            path, {"modules": [modules[1].pk, modules[6].pk], "valid_until": "2026-12-31"}
        )
        assert response.status_code == 302
        attestation.refresh_from_db()
        assert (attestation.mapped_by, attestation.mapped_at is not None) == (cast.admin, True)
        valid = standing(cast, modules[6], datetime(2026, 12, 31, 23, 59, tzinfo=PARIS))
        assert (valid.state, valid.source, valid.last_day) == (
            "expiring",
            "external",
            date(2026, 12, 31),
        )
        assert standing(cast, modules[6], datetime(2026, 6, 1, tzinfo=PARIS)).state == "valid"
        assert standing(cast, modules[2], datetime(2026, 6, 1, tzinfo=PARIS)).state == "todo"
        over = standing(cast, modules[6], datetime(2027, 1, 1, 0, 0, tzinfo=PARIS))
        assert over.state == "expired"
        event = AuditEvent.objects.get(action="training.attestation_map")
        assert event.changes["modules"] == [[], ["ingenierie-sociale", "poste-de-travail"]]

    def test_the_mapping_form_refuses_an_end_before_the_course(self, cast, modules, attestation):
        path = url(cast, "attestation_map", attestation_id=attestation.public_id)
        response = cast.client("admin").post(
            path, {"modules": [modules[1].pk], "valid_until": "2026-01-01"}
        )
        assert response.status_code == 200
        assert not attestation.modules.exists()

    def test_staff_neither_maps_nor_reads_someone_elses_file(self, cast, modules, attestation):
        mapping = url(cast, "attestation_map", attestation_id=attestation.public_id)
        assert cast.client("staff").post(mapping, {"modules": [modules[1].pk]}).status_code == 403
        file_url = url(cast, "attestation_file", attestation_id=attestation.public_id)
        colleague = MembershipFactory(practice=cast.practice).user
        from tests.conftest import verified_client

        assert verified_client(colleague).get(file_url).status_code == 404
        assert cast.client("delegate").get(file_url).status_code == 403
        own = cast.client("staff").get(file_url)
        assert own.status_code == 200 and b"".join(own.streaming_content) == PDF
        assert own["Content-Type"] == "application/pdf"
        assert "attachment" in own["Content-Disposition"]
        assert cast.client("admin").get(file_url).status_code == 200

    def test_the_list_shows_the_admin_everyone_and_staff_their_own(
        self, cast, modules, attestation
    ):
        other = MembershipFactory(practice=cast.practice).user
        from tests.conftest import verified_client

        listed = str(attestation.public_id)
        assert listed in cast.client("admin").get(url(cast, "attestations")).content.decode()
        assert listed in cast.client("staff").get(url(cast, "attestations")).content.decode()
        assert listed not in verified_client(other).get(url(cast, "attestations")).content.decode()


class TestDeletion:
    @pytest.fixture
    def attestation(self, cast, modules):
        upload(cast.client("staff"), cast, valid_until="2026-12-31")
        return ExternalAttestation.objects.get()

    def test_staff_deletes_their_own_pending_attestation_and_its_file(
        self, cast, modules, attestation, django_capture_on_commit_callbacks
    ):
        from django.core.files.storage import default_storage

        name = attestation.file.name
        assert default_storage.exists(name)
        client = cast.client("staff")
        path = url(cast, "attestation_delete", attestation_id=attestation.public_id)
        page = client.get(path)
        assert page.status_code == 200 and "définitivement" in page.content.decode()
        assert ExternalAttestation.objects.exists()  # the page only asks
        with django_capture_on_commit_callbacks(execute=True):  # the file goes after commit
            response = client.post(path)
        assert response.status_code == 302
        assert not ExternalAttestation.objects.exists()
        assert not default_storage.exists(name)
        event = AuditEvent.objects.get(action="training.attestation_delete")
        assert event.changes["title"] == ["SensCyber", None]
        trail = cast.client("admin").get(
            reverse("practices:audit", kwargs={"practice_slug": cast.practice.slug})
        )
        assert "Attestation de formation externe supprimée" in trail.content.decode()

    def test_once_validated_only_the_admin_deletes_it(self, cast, modules, attestation):
        cast.client("admin").post(
            url(cast, "attestation_map", attestation_id=attestation.public_id),
            {"modules": [modules[1].pk], "valid_until": "2026-12-31"},
        )
        path = url(cast, "attestation_delete", attestation_id=attestation.public_id)
        assert cast.client("staff").post(path).status_code == 404
        assert cast.client("delegate").post(path).status_code == 403
        assert ExternalAttestation.objects.exists()
        assert cast.client("admin").post(path).status_code == 302
        assert not ExternalAttestation.objects.exists()
        assert standing(cast, modules[1], datetime(2026, 6, 1, tzinfo=PARIS)).state == "todo"

    def test_a_colleague_cannot_delete_it(self, cast, modules, attestation):
        from tests.conftest import verified_client

        colleague = MembershipFactory(practice=cast.practice).user
        path = url(cast, "attestation_delete", attestation_id=attestation.public_id)
        assert verified_client(colleague).post(path).status_code == 404
        assert ExternalAttestation.objects.exists()
