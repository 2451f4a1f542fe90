import pytest


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the on-commit callbacks (mail) of the block: ``with on_commit(execute=True):``."""
    return django_capture_on_commit_callbacks
