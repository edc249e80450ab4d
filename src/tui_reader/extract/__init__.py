"""extract (filled in by its issue)."""
