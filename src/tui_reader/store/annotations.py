"""Highlights and article notes in the store (filled in by the annotation work)."""

from __future__ import annotations

import sqlite3


class AnnotationsMixin:
    conn: sqlite3.Connection
