"""The Flask web app for one library: `create_app` builds it; nothing runs at import time."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from webapp import pages
from webapp.services import Services, resolve_library_dir


def create_app(config: Mapping[str, Any] | None = None) -> Flask:  # Any: Flask config values
    """Build the app for one library; tests pass their own config."""
    app = Flask(__name__)
    app.config.from_prefixed_env("FLORILEGIUM")
    app.config.update(config or {})
    library_dir = resolve_library_dir(_as_path(app.config.get("LIBRARY_DIR")))
    app.extensions["florilegium"] = Services.for_library(library_dir)
    app.register_blueprint(pages.bp)
    return app


def _as_path(value: object) -> Path | None:
    return None if value is None else Path(str(value))
