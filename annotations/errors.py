"""The errors the annotation store raises, each naming the file, field or id it is about."""

from __future__ import annotations


class AnnotationError(Exception):
    """Base of every error raised by the `annotations` package."""
