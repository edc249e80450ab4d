"""Highlight anchoring (filled in by its issue)."""
