"""The Flask app factory: `create_app` builds the app for one library; nothing runs on import."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, current_app, request

from webapp import api, pages
from webapp.config import DefaultConfig, complete_config
from webapp.errors import register_error_handlers
from webapp.requesttext import refuse_unstorable_text
from webapp.security import init_security
from webapp.services import Services, resolve_library_dir


def create_app(config: Mapping[str, Any] | None = None) -> Flask:  # Any: Flask config values
    """Build the app for one library; tests pass their own config.

    `SERVICES` in `config` hands in ready-made services (tests use it to wire fakes);
    otherwise they are opened from `LIBRARY_DIR`.
    """
    app = Flask(__name__)
    app.config.from_object(DefaultConfig)
    app.config.from_prefixed_env("FLORILEGIUM")
    app.config.update(config or {})
    services = app.config.get("SERVICES")
    if not isinstance(services, Services):
        library_dir = resolve_library_dir(_as_path(app.config.get("LIBRARY_DIR")))
        services = Services.for_library(library_dir)
    app.config["LIBRARY_DIR"] = services.library_dir
    if services.database is not None and not app.config.get("SECRET_KEY"):
        from webapp.team_services import TeamServices  # psycopg only for a team library

        assert isinstance(services, TeamServices)
        app.config["SECRET_KEY"] = services.secret_key()
    complete_config(app.config, services.library_dir)
    app.extensions["florilegium"] = services
    init_security(app)
    app.before_request(refuse_unstorable_text)
    app.before_request(_catch_up_with_disk)
    for blueprint in pages.BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.register_blueprint(api.bp)
    register_error_handlers(app)
    logging.getLogger(__name__).debug("app ready for %s", services.library_dir)
    return app


def _catch_up_with_disk() -> None:
    """Before each page or API request (not static files): see .bib files edited by hand."""
    if request.endpoint != "static":
        current_app.extensions["florilegium"].catch_up_with_disk()


def _as_path(value: object) -> Path | None:
    return None if value is None else Path(str(value))
