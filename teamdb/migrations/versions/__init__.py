"""The schema's revisions, oldest first: `0001_initial`, then each one naming the one before.

Each file is named after its revision id, numbered in order (`0003_search_sources.py` is
revision `0003_search_sources`), so a command can tell that a database is at the newest
revision by listing this folder, without loading Alembic (`teamdb.revision.check_current`).
"""
