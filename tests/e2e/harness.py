"""Shared harness for end-to-end tests: starts the real `rollin serve` on a
free loopback port with a temporary database, talks HTTP to it, and stops it.

ROLLIN_BIN names the binary under test (CTest sets it)."""

import glob
import hashlib
import http.client
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
import unittest

ROLLIN_BIN = os.environ.get("ROLLIN_BIN", os.path.join(
    os.path.dirname(__file__), "..", "..", "build", "rollin"))


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.raw = body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    @property
    def error(self):
        """The JSON error object, or None."""
        if isinstance(self.json, dict):
            return self.json.get("error")
        return None

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def __repr__(self):
        return "<%d %s>" % (self.status, self.raw[:300])


class Server:
    """One `rollin serve` process. Use as a context manager or call
    start()/stop(). The database lives in a temporary directory that
    outlives restarts of the same Server object."""

    def __init__(self, demo=False, args=(), env=None, db=None,
                 listen="127.0.0.1:0", demo_template=False):
        self.dir = tempfile.TemporaryDirectory(prefix="rollin-e2e-")
        self.db = db or os.path.join(self.dir.name, "rollin.db")
        self.demo = demo
        # demo_template: start from a copy of a database that `--demo`
        # filled once (per binary, clock and day) instead of loading the
        # demo data again; see demo_template().
        self.demo_template = demo_template
        self.extra_env = dict(env or {})
        self.args = list(args)
        self.listen = listen    # None: no --listen flag (config decides)
        self.env = dict(os.environ)
        self.env.update(env or {})
        self.proc = None
        self.port = None
        self.log = []
        self._reader = None
        self._tokens = {}
        self._event_hint = 0

    # -- process -----------------------------------------------------------

    def start(self, timeout=30):
        if self.demo and self.demo_template and not os.path.exists(self.db):
            shutil.copyfile(demo_template(self.extra_env), self.db)
        cmd = [ROLLIN_BIN, "serve"]
        if self.listen is not None:
            cmd += ["--listen", self.listen]
        if self.db is not None:
            cmd += ["--db", self.db]
        cmd += self.args
        if self.demo:
            cmd.append("--demo")
        self.proc = subprocess.Popen(cmd, stderr=subprocess.PIPE,
                                     stdout=subprocess.DEVNULL, env=self.env,
                                     text=True)
        self.port = None
        ready = threading.Event()

        def read():
            for line in self.proc.stderr:
                self.log.append(line.rstrip("\n"))
                if self.port is None and "listening on http://" in line:
                    self.port = int(line.rsplit(":", 1)[1].strip(" /\n"))
                    ready.set()
            ready.set()

        self._reader = threading.Thread(target=read, daemon=True)
        self._reader.start()
        if not ready.wait(timeout) or self.port is None:
            self.proc.kill()
            raise RuntimeError("rollin did not start:\n" +
                               "\n".join(self.log))
        return self

    def stop(self, sig=signal.SIGTERM, timeout=30):
        """Sends sig and waits; returns the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self._reader.join(5)
        if self.proc.stderr is not None:
            self.proc.stderr.close()
        self.proc = None
        return rc

    def restart(self):
        rc = self.stop()
        self.demo = False
        self.start()
        return rc

    def __enter__(self):
        return self.start()

    def __exit__(self, exc_type, *exc):
        self.stop()
        self.dir.cleanup()
        if exc_type is None:
            self.check_sanitizers()

    SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                       "runtime error:")

    def sanitizer_reports(self):
        """Lines of the server's log where a sanitizer reported an error."""
        return [line for line in self.log
                if any(m in line for m in self.SANITIZER_MARKS)]

    def check_sanitizers(self):
        """Fails if AddressSanitizer or UBSan reported anything."""
        if self.sanitizer_reports():
            raise AssertionError("the server reported memory or undefined "
                                 "behaviour errors:\n" + "\n".join(self.log))

    # -- CLI ---------------------------------------------------------------

    def cli(self, *args, check=True):
        """Runs `rollin ARGS --db <this db>`; returns CompletedProcess."""
        p = subprocess.run([ROLLIN_BIN] + list(args) + ["--db", self.db],
                           capture_output=True, text=True, env=self.env,
                           timeout=60)
        if check and p.returncode != 0:
            raise RuntimeError("rollin %s failed: %s" % (args, p.stderr))
        return p

    def token(self, role, org, label="e2e"):
        return self.cli("token", "create", "--role", role, "--org", org,
                        "--label", label).stdout.strip()

    def token_for(self, role, org):
        """A token for role at org, created once per Server."""
        if (role, org) not in self._tokens:
            self._tokens[role, org] = self.token(role, org)
        return self._tokens[role, org]

    def token_id(self, label):
        """The id `rollin token list` shows for the token with label."""
        tokens = json.loads(self.cli("token", "list").stdout)
        ids = [t["id"] for t in tokens if t["label"] == label]
        assert len(ids) == 1, tokens
        return ids[0]

    # -- HTTP --------------------------------------------------------------

    def request(self, method, path, body=None, token=None, headers=None,
                raw=None, timeout=30):
        conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                          timeout=timeout)
        h = dict(headers or {})
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        if token:
            h["Authorization"] = "Bearer " + token
        conn.request(method, path, body=data, headers=h)
        r = conn.getresponse()
        resp = Response(r.status, r.getheaders(), r.read().decode("utf-8",
                                                                 "replace"))
        conn.close()
        return resp

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body, **kw):
        return self.request("POST", path, body=body, **kw)

    def patch(self, path, body, etag=None, **kw):
        headers = kw.pop("headers", {})
        if etag is not None:
            headers["If-Match"] = etag
        return self.request("PATCH", path, body=body, headers=headers, **kw)

    def delete(self, path, etag=None, **kw):
        headers = kw.pop("headers", {})
        if etag is not None:
            headers["If-Match"] = etag
        return self.request("DELETE", path, headers=headers, **kw)

    def events(self, token, after=0, limit=1000):
        """Every event after id `after`, oldest first."""
        items = []
        while True:
            r = self.get("/api/v1/events?after=%d&limit=%d" % (after, limit),
                         token=token)
            assert r.status == 200, r
            items += r.json["items"]
            if not r.json.get("next"):
                return items
            after = int(r.json["next"])

    def last_event_id(self, token):
        """The id of the newest event (0 if there is none). Event ids only
        grow, so only the events after the last id seen are read."""
        events = self.events(token, after=self._event_hint)
        if events:
            self._event_hint = events[-1]["id"]
        return self._event_hint

    def all_items(self, path, token=None):
        """Follows `next` cursors and returns every item of a list."""
        items, sep = [], "&" if "?" in path else "?"
        r = self.get(path, token=token)
        while True:
            assert r.status == 200, r
            items += r.json["items"]
            if not r.json.get("next"):
                return items
            r = self.get(path + sep + "cursor=" + r.json["next"],
                         token=token)


def demo_template(env=None):
    """The path of a database holding the demo data as `rollin serve --demo`
    loaded it, made once per binary, ROLLIN_NOW (or day) and kept in the
    temporary directory: loading the demo takes seconds under sanitizers,
    copying it does not."""
    env = env or {}
    st = os.stat(ROLLIN_BIN)
    day = env.get("ROLLIN_NOW") or time.strftime("%Y-%m-%d", time.gmtime())
    key = hashlib.sha1(("%s|%d|%d|%s" % (os.path.realpath(ROLLIN_BIN),
                                         st.st_mtime_ns, st.st_size,
                                         day)).encode()).hexdigest()[:16]
    path = os.path.join(tempfile.gettempdir(), "rollin-e2e-demo-%s.db" % key)
    if os.path.exists(path):
        return path
    for old in glob.glob(os.path.join(tempfile.gettempdir(),
                                      "rollin-e2e-demo-*.db*")):
        try:
            if time.time() - os.path.getmtime(old) > 2 * 86400:
                os.unlink(old)
        except OSError:
            pass
    s = Server(demo=True, env=env)
    try:
        s.start()
        s.get("/api/v1")    # in its loop, so that SIGTERM is handled
        rc = s.stop()
        s.check_sanitizers()
        if rc != 0:
            raise RuntimeError("loading the demo data ended with %d:\n%s"
                               % (rc, "\n".join(s.log)))
        if os.path.exists(s.db + "-wal"):
            # Normally gone after a clean stop; fold it in if not, so that
            # the template is one self-contained file.
            con = sqlite3.connect(s.db)
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            con.close()
        tmp = "%s.%d" % (path, os.getpid())
        shutil.copyfile(s.db, tmp)
        os.replace(tmp, path)
    finally:
        s.stop()
        s.dir.cleanup()
    return path


def free_port():
    """A TCP port on the loopback interface that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_rollin(*args, env=None, timeout=60):
    """Runs the rollin binary once; returns CompletedProcess (text)."""
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([ROLLIN_BIN] + list(args), capture_output=True,
                          text=True, env=e, timeout=timeout)


class ServerTest(unittest.TestCase):
    """A test case with one server per class (demo data if DEMO)."""

    DEMO = False
    DEMO_TEMPLATE = False   # copy the demo data instead of loading it
    ENV = None      # extra environment, e.g. {"ROLLIN_NOW": "2026-01-01"}
    server = None

    @classmethod
    def setUpClass(cls):
        cls.server = Server(demo=cls.DEMO, env=cls.ENV,
                            demo_template=cls.DEMO_TEMPLATE).start()

    @classmethod
    def tearDownClass(cls):
        if cls.server is not None:
            cls.server.stop()
            cls.server.dir.cleanup()
            cls.server.check_sanitizers()

    def assertError(self, resp, status, field=None, code=None):
        """The response is a JSON error with this status (and field)."""
        self.assertEqual(resp.status, status, resp)
        self.assertIsNotNone(resp.error, resp)
        self.assertTrue(resp.error.get("message"), resp)
        if field is not None:
            self.assertEqual(resp.error.get("field"), field, resp)
        if code is not None:
            self.assertEqual(resp.error.get("code"), code, resp)
