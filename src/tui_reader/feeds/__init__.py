"""feeds (filled in by its issue)."""
