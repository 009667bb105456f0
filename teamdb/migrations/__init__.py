"""Alembic's environment and revisions of the team database's schema."""
