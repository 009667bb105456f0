"""The Flask web app and the command line of Florilegium.

`create_app` lives in `webapp.application`; it is offered here too, imported only when
asked for, so that the command line (`webapp.cli`) starts without importing Flask.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from webapp.application import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> object:
    """`from webapp import create_app`, importing Flask at that moment and not before."""
    if name == "create_app":
        from webapp.application import create_app

        return create_app
    raise AttributeError(f"module 'webapp' has no attribute {name!r}")
