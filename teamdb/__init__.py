"""The team edition's database: connections to PostgreSQL and its schema (Alembic).

The lowest layer of the team edition: `refs.pgstore`, `annotations.pgstore` and the search
backend import it for their connections; it imports none of them.
"""
