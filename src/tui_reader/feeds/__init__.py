"""Feeds: parsing (:mod:`.parse`), refreshing (:mod:`.refresh`), finding a page's feed
(:mod:`.discover`), OPML (:mod:`.opml`) and the bundled welcome feed (:mod:`.welcome`).

Nothing is imported here, so ``import tui_reader.feeds.parse`` stays cheap for the app."""
