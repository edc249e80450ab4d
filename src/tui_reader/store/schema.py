"""Schema migrations, applied in order; ``PRAGMA user_version`` is the number applied."""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    # 1: feeds, articles, full-text index, highlights, notes, settings.
    """
    CREATE TABLE feeds (
        id            INTEGER PRIMARY KEY,
        url           TEXT NOT NULL UNIQUE,
        title         TEXT NOT NULL DEFAULT '',
        site_url      TEXT NOT NULL DEFAULT '',
        folder        TEXT NOT NULL DEFAULT '',
        etag          TEXT,
        last_modified TEXT,
        last_status   TEXT NOT NULL DEFAULT '',
        last_error    TEXT NOT NULL DEFAULT '',
        last_fetched  REAL,
        next_fetch    REAL,
        added         REAL NOT NULL
    );

    CREATE TABLE articles (
        id           INTEGER PRIMARY KEY,
        uid          TEXT NOT NULL UNIQUE,
        feed_id      INTEGER REFERENCES feeds(id) ON DELETE SET NULL,
        guid         TEXT NOT NULL DEFAULT '',
        url          TEXT NOT NULL DEFAULT '',
        title        TEXT NOT NULL DEFAULT '',
        author       TEXT NOT NULL DEFAULT '',
        published    REAL,
        updated      REAL,
        summary      TEXT NOT NULL DEFAULT '',
        content      TEXT NOT NULL DEFAULT '',
        search_text  TEXT NOT NULL DEFAULT '',
        entry_hash   TEXT NOT NULL DEFAULT '',
        doc_json     TEXT NOT NULL DEFAULT '',
        doc_version  TEXT NOT NULL DEFAULT '',
        doc_source   TEXT NOT NULL DEFAULT '',
        doc_error    TEXT NOT NULL DEFAULT '',
        fetched_at   REAL,
        read         INTEGER NOT NULL DEFAULT 0,
        starred      INTEGER NOT NULL DEFAULT 0,
        source_title TEXT NOT NULL DEFAULT '',
        added        REAL NOT NULL
    );
    CREATE INDEX articles_feed_date ON articles(feed_id, published DESC, id DESC);
    CREATE INDEX articles_date ON articles(published DESC, id DESC);
    CREATE INDEX articles_feed_guid ON articles(feed_id, guid);
    CREATE INDEX articles_feed_url ON articles(feed_id, url);
    CREATE INDEX articles_unread ON articles(feed_id) WHERE read = 0;

    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, search_text, content='articles', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, search_text)
        VALUES (new.id, new.title, new.search_text);
    END;
    CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, search_text)
        VALUES ('delete', old.id, old.title, old.search_text);
    END;
    CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, search_text ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, search_text)
        VALUES ('delete', old.id, old.title, old.search_text);
        INSERT INTO articles_fts(rowid, title, search_text)
        VALUES (new.id, new.title, new.search_text);
    END;

    CREATE TABLE highlights (
        id         TEXT PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE RESTRICT,
        quote      TEXT NOT NULL,
        prefix     TEXT NOT NULL DEFAULT '',
        suffix     TEXT NOT NULL DEFAULT '',
        start      INTEGER,
        end_       INTEGER,
        text_hash  TEXT NOT NULL DEFAULT '',
        color      TEXT NOT NULL DEFAULT '',
        tags       TEXT NOT NULL DEFAULT '[]',
        note       TEXT NOT NULL DEFAULT '',
        created    REAL NOT NULL,
        updated    REAL NOT NULL,
        deleted    REAL
    );
    CREATE INDEX highlights_article ON highlights(article_id, start);

    CREATE VIRTUAL TABLE highlights_fts USING fts5(
        quote, note, tags, content='highlights', content_rowid='rowid',
        tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER highlights_fts_insert AFTER INSERT ON highlights BEGIN
        INSERT INTO highlights_fts(rowid, quote, note, tags)
        VALUES (new.rowid, new.quote, new.note, new.tags);
    END;
    CREATE TRIGGER highlights_fts_delete AFTER DELETE ON highlights BEGIN
        INSERT INTO highlights_fts(highlights_fts, rowid, quote, note, tags)
        VALUES ('delete', old.rowid, old.quote, old.note, old.tags);
    END;
    CREATE TRIGGER highlights_fts_update AFTER UPDATE OF quote, note, tags ON highlights BEGIN
        INSERT INTO highlights_fts(highlights_fts, rowid, quote, note, tags)
        VALUES ('delete', old.rowid, old.quote, old.note, old.tags);
        INSERT INTO highlights_fts(rowid, quote, note, tags)
        VALUES (new.rowid, new.quote, new.note, new.tags);
    END;

    CREATE TABLE article_notes (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE RESTRICT,
        body       TEXT NOT NULL,
        updated    REAL NOT NULL
    );

    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    # 2: indexes in the order lists are shown (newest first), so the first screen of a
    # 100,000-article list is an index walk, not a sort.
    """
    DROP INDEX IF EXISTS articles_feed_date;
    DROP INDEX IF EXISTS articles_date;
    CREATE INDEX articles_recent ON articles((COALESCE(published, added)) DESC, id DESC);
    CREATE INDEX articles_feed_recent
        ON articles(feed_id, (COALESCE(published, added)) DESC, id DESC);
    """,
    # 3: a feed's articles are indexed for search by the refresh that stores them, in one
    # batch per feed (Store.upsert_entries); the trigger now indexes only articles with no
    # feed (pages opened with `read`, imported notes). A trigger that reads NEW.search_text
    # walks the overflow pages of the content column stored before it: it made indexing
    # cost ~3x the work of the index itself on a cold refresh.
    """
    DROP TRIGGER IF EXISTS articles_fts_insert;
    CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles WHEN new.feed_id IS NULL BEGIN
        INSERT INTO articles_fts(rowid, title, search_text)
        VALUES (new.id, new.title, new.search_text);
    END;
    """,
    # 4: a refresh reads a feed's guids and links in one walk of articles_feed_recent
    # (Store.upsert_entries), so these two indexes only cost time on every insert.
    """
    DROP INDEX IF EXISTS articles_feed_guid;
    DROP INDEX IF EXISTS articles_feed_url;
    """,
    # 5: sync with a feed server (tui_reader.sync). Which server feed and article each local
    # one is, the state both sides had at the last sync (what a change is measured from), and
    # the journal of changes made here since, pushed in order at the next sync. sync_feeds has
    # no foreign key: a feed unsubscribed here must keep its server id until that is pushed.
    """
    CREATE TABLE IF NOT EXISTS sync_feeds (
        feed_id   INTEGER PRIMARY KEY,
        remote_id INTEGER NOT NULL UNIQUE,
        url       TEXT NOT NULL DEFAULT '',
        folder    TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE IF NOT EXISTS sync_articles (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        remote_id  INTEGER NOT NULL UNIQUE,
        read       INTEGER NOT NULL DEFAULT 0,
        starred    INTEGER NOT NULL DEFAULT 0,
        note       TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE IF NOT EXISTS sync_journal (
        seq        INTEGER PRIMARY KEY AUTOINCREMENT,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        field      TEXT NOT NULL,
        value      TEXT NOT NULL,
        created    REAL NOT NULL
    );
    CREATE INDEX IF NOT EXISTS sync_journal_article ON sync_journal(article_id);
    """,
    # 6: each feed's article and unread counts, kept by triggers, so the feed list (shown at
    # start-up) reads one row per feed instead of counting every article: 0.27 s for
    # 1,000,000 articles, and it grew with the store. A feed's row is made with the feed, so
    # the per-article triggers are plain updates by key (an upsert cost twice as much).
    """
    CREATE TABLE IF NOT EXISTS feed_counts (
        feed_id INTEGER PRIMARY KEY,
        total   INTEGER NOT NULL DEFAULT 0,
        unread  INTEGER NOT NULL DEFAULT 0
    );
    INSERT OR REPLACE INTO feed_counts(feed_id, total, unread)
        SELECT f.id, COUNT(a.id), COALESCE(SUM(a.read = 0), 0)
        FROM feeds f LEFT JOIN articles a ON a.feed_id = f.id GROUP BY f.id;
    CREATE TRIGGER IF NOT EXISTS feed_counts_feed_insert AFTER INSERT ON feeds BEGIN
        INSERT OR REPLACE INTO feed_counts(feed_id) VALUES (new.id);
    END;
    CREATE TRIGGER IF NOT EXISTS feed_counts_feed_delete AFTER DELETE ON feeds BEGIN
        DELETE FROM feed_counts WHERE feed_id = old.id;
    END;
    CREATE TRIGGER IF NOT EXISTS feed_counts_insert AFTER INSERT ON articles
    WHEN new.feed_id IS NOT NULL BEGIN
        UPDATE feed_counts SET total = total + 1, unread = unread + (new.read = 0)
        WHERE feed_id = new.feed_id;
    END;
    CREATE TRIGGER IF NOT EXISTS feed_counts_delete AFTER DELETE ON articles
    WHEN old.feed_id IS NOT NULL BEGIN
        UPDATE feed_counts SET total = total - 1, unread = unread - (old.read = 0)
        WHERE feed_id = old.feed_id;
    END;
    CREATE TRIGGER IF NOT EXISTS feed_counts_update AFTER UPDATE OF read, feed_id ON articles
    WHEN old.feed_id IS NOT new.feed_id OR old.read IS NOT new.read BEGIN
        UPDATE feed_counts SET total = total - 1, unread = unread - (old.read = 0)
        WHERE feed_id = old.feed_id;
        UPDATE feed_counts SET total = total + 1, unread = unread + (new.read = 0)
        WHERE feed_id = new.feed_id;
    END;
    """,
    # 7: a highlight imported with only a position (a W3C TextPositionSelector, no quote)
    # keeps the offsets it was given here until it is placed: they hold only in the text
    # whose hash is text_hash, which may not be stored yet (an import offline). start/end_
    # stay NULL (not placed) and quote '' until then.
    """
    ALTER TABLE highlights ADD COLUMN pos_start INTEGER;
    ALTER TABLE highlights ADD COLUMN pos_end INTEGER;
    """,
    # 8: an article's enclosures (podcast and video files), in the feed's order. Written with
    # the entry (Store.upsert_entries), gone with the article.
    """
    CREATE TABLE IF NOT EXISTS enclosures (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        position   INTEGER NOT NULL,
        url        TEXT NOT NULL,
        type       TEXT NOT NULL DEFAULT '',
        length     INTEGER,
        PRIMARY KEY (article_id, position)
    ) WITHOUT ROWID;
    """,
    # 9: the search index holds up to 4 MB of a transaction's new terms in memory before it
    # writes them out (SQLite's default is 1 MB). A refresh's batch of ~60 feeds holds more
    # than 1 MB of text: it was written as two or three small segments, which the index then
    # merged again; now as one. Measured (valgrind, the 500 feeds of bench/refresh_bench.py
    # stored in 8 batches): 4.07 G instructions before, 3.60 G after (-11 %); the same with a
    # 16 or 64 MB limit. A setting of the index, kept in articles_fts_config.
    """
    INSERT INTO articles_fts(articles_fts, rank) VALUES ('hashsize', 4194304);
    """,
    # 10: the search index merges its segments eight at a time, not four (SQLite's default;
    # FTS5's 'automerge'). A refresh writes one small segment per batch, and each merge
    # rewrites what it merges: over a store's life its text is rewritten once per level, and
    # eight at a time makes the levels log8 of the segments' count instead of log4 (a third
    # fewer rewrites). The cost is up to 7 segments per level for a search to look in, not 3.
    # Measured (valgrind, the 500 feeds of bench/refresh_bench.py stored in 8 batches): 3.59 G
    # instructions before, 3.12 G after (-13 %). Searches of a 100,000-article store written
    # in 300 batches: worst query 12.4 ms before, 10.9 ms after (the same, within noise).
    """
    INSERT INTO articles_fts(articles_fts, rank) VALUES ('automerge', 8);
    """,
    # 11: the addresses a feed moved from (a permanent redirect, stored by a refresh): a list
    # of subscriptions imported again, or an `add`, names the feed by its old address, which
    # became a second subscription to it (every article twice). Gone with the feed.
    """
    CREATE TABLE IF NOT EXISTS feed_moves (
        url     TEXT PRIMARY KEY,
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS feed_moves_feed ON feed_moves(feed_id);
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)
