"""The search index on PostgreSQL full text (`index/pg_backend.py`).

`search_documents` holds one row per passage, note and reference: what a hit shows, the
facet columns, and one `tsvector` per searched field (body, extra, author, title) made of
the project's own analysed terms with their positions, each with a GIN index, so phrases
(`<->`) and words are matched by PostgreSQL and ranked like Whoosh's index. Field lengths
are kept per row and summed in `search_state` for BM25. `search_facets` repeats each
row's facet columns in a narrow table: counting the facets of 20,000 matches read the wide
rows' pages in 250 ms, the narrow ones in 100 ms. `search_terms` is the vocabulary
with document frequencies per field: IDF, prefixes (a "C" collation, so `LIKE 'khr%'`
walks the primary key) and near spellings (`pg_trgm`'s trigram index).
`search_state.generation` grows with every write, and each term records the generation
that last changed which documents hold it, so a process knows which of the postings it
cached are stale (only the written documents' terms, not every term after any write).

Revision ID: 0002_search
Revises: 0001_initial
"""

from alembic import op

revision = "0002_search"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

TABLES = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE search_documents (
    docnum bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    group_name text NOT NULL,
    id text NOT NULL,
    kind text NOT NULL,
    citekey text NOT NULL,
    passage_id text NOT NULL DEFAULT '',
    year text NOT NULL DEFAULT '',
    tags text[] NOT NULL DEFAULT '{}',
    tag_terms text[] NOT NULL DEFAULT '{}',
    text text NOT NULL,
    authors text NOT NULL DEFAULT '',
    locator_label text,
    locator_value text,
    digest text NOT NULL,
    body tsvector NOT NULL,
    extra tsvector NOT NULL,
    author tsvector NOT NULL,
    title tsvector NOT NULL,
    body_length integer NOT NULL,
    extra_length integer NOT NULL,
    author_length integer NOT NULL,
    title_length integer NOT NULL,
    UNIQUE (group_name, id)
);
CREATE INDEX search_documents_body ON search_documents USING gin (body);
CREATE INDEX search_documents_extra ON search_documents USING gin (extra);
CREATE INDEX search_documents_author ON search_documents USING gin (author);
CREATE INDEX search_documents_title ON search_documents USING gin (title);
CREATE INDEX search_documents_tag_terms ON search_documents USING gin (tag_terms);
CREATE INDEX search_documents_citekey ON search_documents (lower(citekey));
CREATE INDEX search_documents_year ON search_documents (year);
CREATE INDEX search_documents_reference_years ON search_documents (left(year, 4))
    WHERE kind = 'reference';
CREATE TABLE search_facets (
    docnum bigint PRIMARY KEY,
    citekey text NOT NULL,
    year text NOT NULL,
    kind text NOT NULL,
    tags text[] NOT NULL
);
CREATE TABLE search_terms (
    field text NOT NULL,
    term text COLLATE "C" NOT NULL,
    documents integer NOT NULL,
    generation bigint NOT NULL,
    PRIMARY KEY (field, term)
);
CREATE INDEX search_terms_trigrams ON search_terms USING gin (term gin_trgm_ops);
CREATE TABLE search_state (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    built boolean NOT NULL DEFAULT false,
    generation bigint NOT NULL DEFAULT 0,
    documents bigint NOT NULL DEFAULT 0,
    body_length bigint NOT NULL DEFAULT 0,
    extra_length bigint NOT NULL DEFAULT 0,
    author_length bigint NOT NULL DEFAULT 0,
    title_length bigint NOT NULL DEFAULT 0
);
INSERT INTO search_state DEFAULT VALUES;
"""


def upgrade() -> None:
    """Create the search tables (and the trigram extension they use)."""
    op.execute(TABLES)


def downgrade() -> None:
    """Drop them again (the extension stays: other schemas may use it)."""
    op.execute("DROP TABLE search_state, search_terms, search_facets, search_documents")
