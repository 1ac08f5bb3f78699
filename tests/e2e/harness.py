"""Shared harness for end-to-end tests: starts the real `rollin serve` on a
free loopback port with a temporary database, talks HTTP to it, and stops it.

ROLLIN_BIN names the binary under test (CTest sets it)."""

import http.client
import json
import os
import signal
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

    def __init__(self, demo=False, args=(), env=None, db=None):
        self.dir = tempfile.TemporaryDirectory(prefix="rollin-e2e-")
        self.db = db or os.path.join(self.dir.name, "rollin.db")
        self.demo = demo
        self.args = list(args)
        self.env = dict(os.environ)
        self.env.update(env or {})
        self.proc = None
        self.port = None
        self.log = []
        self._reader = None

    # -- process -----------------------------------------------------------

    def start(self, timeout=30):
        cmd = [ROLLIN_BIN, "serve", "--listen", "127.0.0.1:0",
               "--db", self.db] + self.args
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
        self.proc = None
        return rc

    def restart(self):
        rc = self.stop()
        self.demo = False
        self.start()
        return rc

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        self.dir.cleanup()

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


class ServerTest(unittest.TestCase):
    """A test case with one server per class (demo data if DEMO)."""

    DEMO = False
    server = None

    @classmethod
    def setUpClass(cls):
        cls.server = Server(demo=cls.DEMO).start()

    @classmethod
    def tearDownClass(cls):
        if cls.server is not None:
            cls.server.stop()
            cls.server.dir.cleanup()

    def assertError(self, resp, status, field=None, code=None):
        """The response is a JSON error with this status (and field)."""
        self.assertEqual(resp.status, status, resp)
        self.assertIsNotNone(resp.error, resp)
        self.assertTrue(resp.error.get("message"), resp)
        if field is not None:
            self.assertEqual(resp.error.get("field"), field, resp)
        if code is not None:
            self.assertEqual(resp.error.get("code"), code, resp)
