"""The console with the real registry and training spaces: their figures follow the
contract the console reads, for granted practices only."""

from portal import console


def test_real_figures_follow_the_contract(cast):
    from registry import content as registry_content
    from registry.models import Preset
    from registry.services import adopt_preset

    registry_content.load()
    adopt_preset(practice=cast.practice, preset_key=Preset.objects.first().key, user=cast.admin)
    adopt_preset(practice=cast.other_practice, preset_key=Preset.objects.first().key)
    (row,) = console.rows(cast.delegate)
    assert row.registry["entries"] == 1  # the other practice's entry is not counted
    assert 0 <= row.registry["completeness"] <= 1
    assert isinstance(row.registry["review_overdue"], int)
    assert set(row.training) >= {"coverage", "staff", "valid_staff"}
    assert row.training["staff"] == 2  # the admin and the staff member; not the delegate
    assert row.score is not None


def test_the_page_renders_with_the_real_spaces(cast):
    response = cast.client("delegate").get("/delegue/")
    assert response.status_code == 200
    assert cast.practice.name in response.content.decode()
