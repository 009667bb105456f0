"""What the search index holds of each group: the version of the rows it was built from.

A group is a .bib file (`bib:<name>`, at its `bib_files.revision`) or the passages of one
reference (`passages:<citekey>`, at its `passage_versions.version`). Comparing these
with the stores' versions tells any process which groups to index again, so a write whose
index update was lost (a crash between the two) is caught up by the next search.

Revision ID: 0003_search_sources
Revises: 0002_search
"""

from alembic import op

revision = "0003_search_sources"
down_revision = "0002_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the table of indexed versions."""
    op.execute("CREATE TABLE search_sources (group_name text PRIMARY KEY, version bigint NOT NULL)")


def downgrade() -> None:
    """Drop it again."""
    op.execute("DROP TABLE search_sources")
