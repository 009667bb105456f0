"""The team library's tables: .bib files and their entries, passages, notes, sources,
members, API tokens, settings, the trash and the audit log.

Revision ID: 0001_initial
Revises: None
"""

from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

TABLES = """
CREATE TABLE bib_files (
    name text PRIMARY KEY,
    text text NOT NULL,
    revision bigint NOT NULL DEFAULT 1,
    modified timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE bib_references (
    citekey text PRIMARY KEY,
    entry_type text NOT NULL,
    raw_text text NOT NULL,
    file_name text NOT NULL REFERENCES bib_files (name) ON DELETE CASCADE,
    position integer NOT NULL,
    fields jsonb NOT NULL
);
CREATE INDEX bib_references_file ON bib_references (file_name, position);
CREATE TABLE passage_versions (
    citekey text PRIMARY KEY,
    version bigint NOT NULL DEFAULT 1
);
CREATE TABLE passages (
    id text PRIMARY KEY,
    citekey text NOT NULL,
    text text NOT NULL,
    locator jsonb,
    quoted_in jsonb,
    tags jsonb NOT NULL DEFAULT '[]',
    anchor jsonb,
    created text NOT NULL,
    modified text NOT NULL,
    revision integer NOT NULL DEFAULT 1
);
CREATE INDEX passages_citekey ON passages (citekey, id);
CREATE TABLE notes (
    id text PRIMARY KEY,
    passage_id text NOT NULL REFERENCES passages (id) ON DELETE CASCADE,
    position integer NOT NULL,
    text text NOT NULL,
    created text NOT NULL,
    modified text NOT NULL,
    revision integer NOT NULL DEFAULT 1
);
CREATE INDEX notes_passage ON notes (passage_id, position);
CREATE TABLE sources (
    name text PRIMARY KEY,
    text text NOT NULL,
    modified timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE users (
    name text PRIMARY KEY,
    role text NOT NULL CHECK (role IN ('owner', 'editor', 'reader')),
    password_hash text,
    session_generation integer NOT NULL DEFAULT 0,
    created timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE api_tokens (
    token_hash text PRIMARY KEY,
    user_name text NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    created timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE settings (
    name text PRIMARY KEY,
    value text NOT NULL
);
CREATE TABLE trash (
    id text PRIMARY KEY,
    kind text NOT NULL,
    citekey text NOT NULL,
    deleted text NOT NULL,
    item jsonb NOT NULL
);
CREATE TABLE audit_log (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    actor text NOT NULL,
    action text NOT NULL,
    record_kind text NOT NULL,
    record_id text NOT NULL,
    before jsonb,
    after jsonb
);
CREATE INDEX audit_log_record ON audit_log (record_kind, record_id, at);
"""


def upgrade() -> None:
    """Create every table of the first schema."""
    op.execute(TABLES)


def downgrade() -> None:
    """Drop them again."""
    op.execute(
        "DROP TABLE audit_log, trash, settings, api_tokens, users, sources, notes, "
        "passages, passage_versions, bib_references, bib_files"
    )
