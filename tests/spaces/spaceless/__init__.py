"""An app of the project without a space.py: ``manage.py check`` must refuse it."""
