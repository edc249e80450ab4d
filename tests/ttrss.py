"""A real Tiny Tiny RSS for the sync tests: PostgreSQL in a private cluster (a temp dir, a Unix
socket only), tt-rss's own schema, PHP's built-in server on 127.0.0.1, and a feed server on
``http://[::1]/`` (port 80: tt-rss refuses to fetch feeds from 127.x, localhost or other ports).

Debian's packages (``tt-rss``, ``php-pgsql``, ``postgresql``) are installed with apt when missing
and the process may (root); :func:`unavailable` says why they cannot be, for a clear skip.

Each test gets its own tt-rss user (:meth:`TtRss.new_user`), so one instance serves a session.
The server processes are detached (double fork) so that tests counting this process's children
do not see them; :meth:`TtRss.stop` ends them by pid.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

WWW = Path("/usr/share/tt-rss/www")
SCHEMA = Path("/usr/share/tt-rss/schema/ttrss_schema_pgsql.sql")
PACKAGES = ["tt-rss", "dbconfig-no-thanks", "php-cli", "php-pgsql", "php-curl", "postgresql"]
LOCK = Path(tempfile.gettempdir()) / "tui-reader-ttrss-port80.lock"


def _pg_bin() -> Path | None:
    base = Path("/usr/lib/postgresql")
    if not base.is_dir():
        return None
    for version in sorted(base.iterdir(), key=lambda p: p.name, reverse=True):
        if (version / "bin" / "initdb").exists():
            return version / "bin"
    return None


def _present() -> bool:
    if not (WWW / "api" / "index.php").exists() or not SCHEMA.exists():
        return False
    if shutil.which("php") is None or _pg_bin() is None:
        return False
    mods = subprocess.run(["php", "-m"], capture_output=True, text=True).stdout.split()
    return "pdo_pgsql" in mods


def unavailable() -> str | None:
    """None when tt-rss can run here (installing its packages if needed); else the reason."""
    if _present():
        return None
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return "tt-rss, PHP or PostgreSQL is not installed and apt-get cannot install them here"
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    cmd = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *PACKAGES]
    run = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if run.returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], capture_output=True, env=env)
        run = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if run.returncode != 0 or not _present():
        last = (run.stderr.strip().splitlines() or ["no output"])[-1]
        return f"tt-rss could not be installed with apt-get: {last}"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _spawn(
    argv: list[str], log: Path, user: str | None, cwd: Path, env: dict[str, str] | None = None
) -> int:
    """Start ``argv`` detached from this process (reparented to init); return its pid."""
    script = 'exec "$@" >"$LOGFILE" 2>&1 </dev/null & echo $!'
    # setpriv execs the command itself (runuser would stay its parent, and a signal to
    # runuser could leave the server running).
    prefix = ["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups"] if user else []
    out = subprocess.run(
        ["sh", "-c", script, "sh", *prefix, *argv],
        capture_output=True,
        text=True,
        check=True,
        cwd=cwd,
        env=dict(os.environ, LOGFILE=str(log), **(env or {})),
        start_new_session=True,
    )
    return int(out.stdout.strip())


# -- a template (a loaded database, tt-rss's www with a config read from the environment),
# made once per machine and copied per test session: initdb alone takes seconds.

TEMPLATE_VERSION = "2"
CONFIG_PHP = """<?php
$dir = getenv('TTRSS_DIR');
define('DB_TYPE', 'pgsql');
define('DB_HOST', $dir);
define('DB_PORT', '5432');
define('DB_USER', 'postgres');
define('DB_NAME', getenv('TTRSS_DB'));
define('DB_PASS', '');
define('MYSQL_CHARSET', 'UTF8');
define('SELF_URL_PATH', getenv('TTRSS_URL'));
define('SINGLE_USER_MODE', false);
define('SIMPLE_UPDATE_MODE', false);
define('PHP_EXECUTABLE', '/usr/bin/php');
define('LOCK_DIRECTORY', "$dir/lock");
define('CACHE_DIR', "$dir/cache");
define('ICONS_DIR', 'feed-icons');
define('ICONS_URL', 'feed-icons');
define('AUTH_AUTO_CREATE', true);
define('AUTH_AUTO_LOGIN', true);
define('FORCE_ARTICLE_PURGE', 0);
define('ENABLE_REGISTRATION', false);
define('REG_NOTIFY_ADDRESS', 'user@example.org');
define('REG_MAX_USERS', 10);
define('SESSION_COOKIE_LIFETIME', 86400);
define('SMTP_FROM_NAME', 'Tiny Tiny RSS');
define('SMTP_FROM_ADDRESS', 'noreply@example.org');
define('DIGEST_SUBJECT', '[tt-rss] New headlines');
define('CHECK_FOR_UPDATES', false);
define('ENABLE_GZIP_OUTPUT', false);
define('PLUGINS', 'auth_internal, note');
define('LOG_DESTINATION', '');
define('CONFIG_VERSION', 26);
"""


def _postgres(bin_: Path, where: Path, user: str | None, cluster: Path | None = None) -> int:
    return _spawn(
        [
            *(str(bin_ / "postgres"), "-D", str(cluster or where / "pg"), "-k", str(where)),
            *("-c", "listen_addresses=", "-c", "fsync=off", "-c", "full_page_writes=off"),
            *("-c", "synchronous_commit=off"),
        ],
        where / "postgres.log",
        user,
        where,
    )


def _wait_postgres(bin_: Path, where: Path) -> None:
    deadline = time.monotonic() + 20
    while subprocess.run([str(bin_ / "pg_isready"), "-h", str(where), "-q"]).returncode != 0:
        if time.monotonic() > deadline:
            log = (where / "postgres.log").read_text(errors="replace")[-2000:]
            raise RuntimeError("PostgreSQL did not start: " + log)
        time.sleep(0.05)


def _wait_gone(path: Path, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def _end_leftovers(template: Path) -> None:
    """End the servers a test session that died (kill -9) left on the template: the pids it
    wrote, if they still run the template's own command lines."""
    try:
        pids = [int(p) for p in (template / "pids").read_text().split()]
    except (OSError, ValueError):
        return
    for pid in pids:
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if str(template).encode() in cmdline:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGINT if b"postgres" in cmdline else signal.SIGKILL)
    _wait_gone(template / "pg" / "postmaster.pid")
    (template / "pids").unlink(missing_ok=True)


def _template(bin_: Path, pg_user: str | None, www_user: str | None) -> Path:
    """The prepared template (made now if missing); call with the lock held."""
    stamp = f"{TEMPLATE_VERSION}:{bin_}:{SCHEMA.stat().st_mtime_ns}:{os.geteuid()}:"
    stamp += (WWW / "version_static.txt").read_text(errors="replace")
    key = hashlib.sha1(stamp.encode()).hexdigest()[:12]
    dest = Path(tempfile.gettempdir()) / f"tui-reader-ttrss-template-{key}"
    if (dest / "ready").exists():
        return dest
    build = dest.with_name(dest.name + ".build")
    shutil.rmtree(build, ignore_errors=True)
    shutil.rmtree(dest, ignore_errors=True)
    build.mkdir()
    if pg_user:
        shutil.chown(build, pg_user)
    build.chmod(0o755)
    as_pg = ["runuser", "-u", pg_user, "--"] if pg_user else []
    subprocess.run(
        [
            *as_pg,
            *(str(bin_ / "initdb"), "-D", str(build / "pg"), "-U", "postgres"),
            *("--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C.UTF-8"),
        ],
        capture_output=True,
        check=True,
        cwd=build,
    )
    _postgres(bin_, build, pg_user)
    try:
        _wait_postgres(bin_, build)
        psql = [str(bin_ / "psql"), "-h", str(build), "-U", "postgres", "-q"]
        subprocess.run([*psql, "-c", "CREATE DATABASE ttrss"], check=True, capture_output=True)
        subprocess.run(
            [*psql, "-d", "ttrss", "-v", "ON_ERROR_STOP=1", "-f", str(SCHEMA)],
            check=True,
            capture_output=True,
        )
    finally:
        with contextlib.suppress(OSError, ValueError, IndexError):
            pid = int((build / "pg" / "postmaster.pid").read_text().split()[0])
            os.kill(pid, signal.SIGINT)
        _wait_gone(build / "pg" / "postmaster.pid")
    www = build / "www"
    shutil.copytree(WWW, www, symlinks=True)
    (www / "config.php").unlink()
    (www / "feed-icons").unlink()
    for link in [p for p in www.rglob("*") if p.is_symlink()]:
        target = (WWW / link.relative_to(www)).resolve()  # relative links point back
        link.unlink()
        link.symlink_to(target)
    (www / "config.php").write_text(CONFIG_PHP)
    (build / "feed-icons").mkdir()
    (www / "feed-icons").symlink_to(dest / "feed-icons")
    if www_user:
        shutil.chown(build / "feed-icons", www_user)
    (build / "postgres.log").unlink(missing_ok=True)
    (build / "ready").touch()
    build.rename(dest)
    return dest


# -- feeds on http://[::1]/ ------------------------------------------------------------------


@dataclass
class Feeds:
    """The feed server tt-rss fetches from: path -> (content type, body)."""

    routes: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    hits: int = 0  # requests answered
    httpd: ThreadingHTTPServer | None = None

    def url(self, path: str) -> str:
        return f"http://[::1]/{path.lstrip('/')}"

    def put(self, path: str, body: str, content_type: str = "application/rss+xml") -> str:
        self.routes["/" + path.lstrip("/")] = (content_type, body.encode())
        return self.url(path)


def rss(title: str, items: list[dict[str, str]], link: str = "http://example.org/") -> str:
    """A small RSS 2.0 document (values are trusted test text, escaped anyway)."""
    from xml.sax.saxutils import escape

    parts = [
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>',
        f"<title>{escape(title)}</title><link>{escape(link)}</link>",
        "<description>test</description>",
    ]
    for it in items:
        parts.append("<item>")
        for key in ("title", "link", "guid", "description", "pubDate"):
            if key in it:
                attr = ' isPermaLink="false"' if key == "guid" else ""
                parts.append(f"<{key}{attr}>{escape(it[key])}</{key}>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "".join(parts)


class _V6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6
    daemon_threads = True


def _start_feeds(feeds: Feeds) -> None:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body are written apart: with Nagle on, the body waited for the
        # client's delayed ACK, ~40 ms per answer.
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            feeds.hits += 1
            route = feeds.routes.get(self.path.split("?")[0])
            ctype, body = route if route else ("text/plain", b"not found")
            self.send_response(200 if route else 404)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    feeds.httpd = _V6Server(("::1", 80), Handler)
    threading.Thread(target=feeds.httpd.serve_forever, daemon=True).start()


# -- the instance ----------------------------------------------------------------------------


@dataclass
class User:
    login: str
    password: str
    uid: int


class TtRss:
    __test__ = False

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="tui-reader-ttrss-"))
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.pids: list[int] = []
        self.feeds = Feeds()
        self.www_user = "www-data" if os.geteuid() == 0 else None
        self.pg_user = "postgres" if os.geteuid() == 0 else None
        self._lock: Any = None
        self.db = ""
        self.cluster = self.dir / "pg"
        self._users = 0

    # SQL through psql on the private socket.
    def sql(self, statement: str) -> str:
        return self._psql(self.db, statement)

    def _psql(self, db: str, statement: str) -> str:
        bin_ = _pg_bin()
        assert bin_ is not None
        run = subprocess.run(
            [
                str(bin_ / "psql"),
                "-h",
                str(self.dir),
                "-U",
                "postgres",
                "-d",
                db,
                "-v",
                "ON_ERROR_STOP=1",
                "-qAt",
                "-c",
                statement,
            ],
            capture_output=True,
            text=True,
        )
        if run.returncode != 0:
            raise RuntimeError(f"psql failed: {run.stderr.strip()}")
        return run.stdout.strip()

    def start(self) -> TtRss:
        bin_ = _pg_bin()
        assert bin_ is not None
        LOCK.touch(exist_ok=True)
        self._lock = LOCK.open("r")
        fcntl.flock(self._lock, fcntl.LOCK_EX)  # port 80 is one per machine
        template = _template(bin_, self.pg_user, self.www_user)
        if self.pg_user:
            shutil.chown(self.dir, self.pg_user)
        self.dir.chmod(0o755)
        # The template's cluster itself (sessions take turns: the lock), with a fresh copy
        # of its loaded database: copying a whole cluster takes seconds on a busy disk.
        self.cluster = template / "pg"
        _end_leftovers(template)
        self.pids.append(_postgres(bin_, self.dir, self.pg_user, self.cluster))
        (template / "pids").write_text(" ".join(map(str, self.pids)))
        _wait_postgres(bin_, self.dir)
        self.db = f"t{os.getpid()}"
        for name in self._psql("postgres", "SELECT datname FROM pg_database").split():
            if name.startswith("t") and name[1:].isdigit():  # left by a session that died
                self._psql("postgres", f"DROP DATABASE {name}")
        self._psql("postgres", f"CREATE DATABASE {self.db} TEMPLATE ttrss")
        for sub in ("lock", "cache", "cache/images", "cache/upload", "cache/export"):
            (self.dir / sub).mkdir(parents=True, exist_ok=True)
        if self.www_user:
            subprocess.run(["chown", "-R", self.www_user, str(self.dir / "lock")], check=True)
            subprocess.run(["chown", "-R", self.www_user, str(self.dir / "cache")], check=True)
        env = {"TTRSS_DIR": str(self.dir), "TTRSS_URL": self.url, "TTRSS_DB": self.db}
        self.pids.append(
            _spawn(
                [
                    *("php", "-d", "display_errors=stderr", "-S", f"127.0.0.1:{self.port}"),
                    *("-t", str(template / "www")),
                ],
                self.dir / "php.log",
                self.www_user,
                template / "www",
                env,
            )
        )
        (template / "pids").write_text(" ".join(map(str, self.pids)))
        _start_feeds(self.feeds)
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(self.url + "api/", timeout=2) as r:
                    r.read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("tt-rss did not start: " + self._log("php.log")) from None
                time.sleep(0.05)
        return self

    def _log(self, name: str) -> str:
        with contextlib.suppress(OSError):
            return (self.dir / name).read_text(errors="replace")[-2000:]
        return ""

    def stop(self) -> None:
        if len(self.pids) > 1:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pids[-1], signal.SIGKILL)  # PHP first: its connections go
        if self.pids and self.db:
            with contextlib.suppress(RuntimeError):
                self._psql("postgres", f"DROP DATABASE IF EXISTS {self.db} WITH (FORCE)")
        for pid in reversed(self.pids):  # PHP, then PostgreSQL (a fast shutdown)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGINT if pid == self.pids[0] else signal.SIGKILL)
        _wait_gone(self.cluster / "postmaster.pid")
        if self.pids:
            (self.cluster.parent / "pids").unlink(missing_ok=True)
        self.pids.clear()
        if self.feeds.httpd is not None:
            self.feeds.httpd.shutdown()
            self.feeds.httpd.server_close()
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- accounts and server-side changes (what another device would do) --------------------

    def new_user(self, password: str = "secret") -> User:
        self._users += 1
        login = f"u{os.getpid()}x{self._users}"
        digest = "SHA1:" + hashlib.sha1(password.encode()).hexdigest()
        uid = int(
            self.sql(
                "INSERT INTO ttrss_users (login, pwd_hash, access_level) "
                f"VALUES ('{login}', '{digest}', 0) RETURNING id"
            ).splitlines()[0]
        )
        self.sql(
            "INSERT INTO ttrss_user_prefs (owner_uid, pref_name, profile, value) "
            f"VALUES ({uid}, 'ENABLE_API_ACCESS', NULL, 'true')"
        )
        return User(login, password, uid)

    def add_category(self, user: User, title: str) -> int:
        title_sql = title.replace("'", "''")
        return int(
            self.sql(
                "INSERT INTO ttrss_feed_categories (owner_uid, title) "
                f"VALUES ({user.uid}, '{title_sql}') RETURNING id"
            ).splitlines()[0]
        )


class Api:
    """A second device: tt-rss's API, driven raw (what another client would send)."""

    def __init__(self, server: TtRss, user: User) -> None:
        self.base = server.url + "api/"
        self.sid = ""
        self.sid = str(self.call("login", user=user.login, password=user.password)["session_id"])

    def call(self, op: str, **params: Any) -> Any:
        body = json.dumps({"op": op, "sid": self.sid, **params}).encode()
        req = urllib.request.Request(
            self.base, body, {"Content-Type": "application/json", "User-Agent": "other-device"}
        )
        with urllib.request.urlopen(req, timeout=30) as r:
            answer = json.loads(r.read())
        if answer.get("status") != 0:
            raise RuntimeError(f"{op}: {answer}")
        return answer["content"]

    def subscribe(self, url: str, category_id: int = 0) -> int:
        self.call("subscribeToFeed", feed_url=url, category_id=category_id)
        for f in self.call("getFeeds", cat_id=-3):
            if f["feed_url"] == url:
                return int(f["id"])
        raise RuntimeError(f"not subscribed: {url}")

    def update(self, feed_id: int) -> None:
        self.call("updateFeed", feed_id=feed_id, force_refetch=True)

    def headlines(self, feed_id: int = -4) -> list[dict[str, Any]]:
        return list(self.call("getHeadlines", feed_id=feed_id, limit=200, view_mode="all_articles"))


@contextlib.contextmanager
def running() -> Iterator[TtRss]:
    server = TtRss()
    try:
        yield server.start()
    finally:
        server.stop()


if __name__ == "__main__":
    t0 = time.monotonic()
    with running() as srv:
        print(f"started in {time.monotonic() - t0:.2f} s at {srv.url}")
        u = srv.new_user()
        api = Api(srv, u)
        print("api level", api.call("getApiLevel"))
        url = srv.feeds.put(
            "f1.xml", rss("F1", [{"title": "a", "link": "http://x/a", "guid": "g1"}])
        )
        fid = api.subscribe(url)
        api.update(fid)
        print(api.headlines(fid))
