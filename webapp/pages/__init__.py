"""The HTML pages people use, one blueprint per area."""

from __future__ import annotations

from webapp.pages import (
    auth,
    export,
    imports,
    passages,
    refedit,
    refs,
    search,
    sources,
    trash,
)

BLUEPRINTS = (
    search.bp,
    refs.bp,
    refedit.bp,
    imports.bp,
    passages.bp,
    sources.bp,
    export.bp,
    trash.bp,
    auth.bp,
)
