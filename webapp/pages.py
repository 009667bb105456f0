"""The HTML pages people use; each view reads the request, calls a service and renders."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from webapp.services import Services

bp = Blueprint("pages", __name__)


def get_services() -> Services:
    """The services of the library this app serves."""
    services: Services = current_app.extensions["florilegium"]
    return services


@bp.get("/")
def home() -> str:
    """The home page: for now the library's references."""
    services = get_services()
    return render_template("home.html", references=services.refs.references())
