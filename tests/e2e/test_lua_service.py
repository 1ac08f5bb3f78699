"""The service keeps answering while Lua plugins misbehave.

Test-only plugins (tests/fixtures/lua/, copied into a temporary plugin
directory next to the build's own plugins) loop forever, loop inside
pcall, allocate without end, reach for io, os.execute and require, loop
while loading, fail in init(), and a notifier loops on every event. Their
reports answer a JSON error that names the reason while API requests on
the loop thread keep being answered in well under a second; the
well-behaved report still works afterwards, the plugins stay usable, and
`rollin plugins` shows what took the load-time failures out of service.
The looping notifier does not hold up the webhook's deliveries."""

import datetime
import glob
import json
import os
import shutil
import tempfile
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from harness import ROLLIN_BIN, Server, run_rollin

API = "/api/v1"
FIXTURES = os.path.normpath(os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "lua"))
BUILD_PLUGINS = os.path.join(os.path.dirname(os.path.abspath(ROLLIN_BIN)),
                             "plugins")
FAST = 1.0      # seconds an API request may take while plugins misbehave
# The looping notifier's budget: about 1 to 3 s of Lua per attempt. Lua
# notifiers run on a thread of their own, so API requests meanwhile are
# answered far faster than one attempt lasts (on the loop thread, every
# request would wait for the attempt under way).
NOTIFIER_INSTRUCTIONS = 300000000
NOTIFIER_FAST = 0.5


class Receiver:
    """A webhook receiver on loopback that records event ids in order."""

    def __init__(self):
        self.ids = []
        self.lock = threading.Lock()
        rx = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers["Content-Length"]))
                with rx.lock:
                    rx.ids.append(int(self.headers["X-Rollin-Delivery"]))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = "http://127.0.0.1:%d/hook" % self.httpd.server_address[1]

    def got(self):
        with self.lock:
            return list(self.ids)

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def parse_ts(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ")


def wait_for(pred, timeout=20, what="a condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError("timed out after %s s waiting for %s"
                         % (timeout, what))


class LuaServiceTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="rollin-e2e-lua-")
        plugins = os.path.join(cls.tmp.name, "plugins")
        os.mkdir(plugins)
        for f in glob.glob(os.path.join(FIXTURES, "*.lua")):
            shutil.copy(f, plugins)
        cls.rx = Receiver()
        cls.cfg = os.path.join(cls.tmp.name, "rollin.yaml")
        with open(cls.cfg, "w", encoding="utf-8") as f:
            f.write("plugin_dirs: \"%s:%s\"\n"
                    "plugins:\n"
                    "  runaway-load:\n"
                    # Limits apply by file name while a script loads.
                    "    instructions: 2000000\n"
                    "  runaway-notifier:\n"
                    "    instructions: %d\n"
                    "    backoff_base: \"0.2\"\n"
                    "    max_attempts: 2\n"
                    "  webhook:\n"
                    "    url: \"%s\"\n"
                    "    secret: \"geheim\"\n"
                    % (plugins, BUILD_PLUGINS, NOTIFIER_INSTRUCTIONS,
                       cls.rx.url))
        cls.s = Server(args=["--config", cls.cfg]).start()
        s = cls.s
        s.cli("org", "add", "betrieb", "--name", "Betrieb", "--kind",
              "provider")
        cls.admin = s.token("admin", "betrieb")
        r = s.post(API + "/solutions", {"slug": "wohngeld", "name":
                                        "Wohngeld online",
                                        "owner": "betrieb",
                                        "maturity": "pilot"},
                   token=cls.admin)
        assert r.status == 201, r

    @classmethod
    def tearDownClass(cls):
        cls.s.stop()
        cls.s.dir.cleanup()
        cls.rx.stop()
        cls.tmp.cleanup()
        cls.s.check_sanitizers()

    # -- helpers -------------------------------------------------------------

    def while_running(self, work):
        """Runs work() in a thread and meanwhile GETs a solution again and
        again; returns (work's result, latencies of those GETs)."""
        out, done = {}, threading.Event()

        def run():
            try:
                out["result"] = work()
            except BaseException as e:     # re-raised below
                out["error"] = e
            finally:
                done.set()

        t = threading.Thread(target=run)
        t.start()
        latencies = []
        while not latencies or not done.is_set():
            start = time.monotonic()
            r = self.s.get(API + "/solutions/wohngeld", timeout=10)
            latencies.append(time.monotonic() - start)
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json["name"], "Wohngeld online")
            time.sleep(0.02)
        t.join()
        if "error" in out:
            raise out["error"]
        return out["result"], latencies

    def assert_report_error(self, name, *reasons):
        start = time.monotonic()
        r, latencies = self.while_running(
            lambda: self.s.get(API + "/reports/" + name, timeout=60))
        took = time.monotonic() - start
        self.assertEqual(r.status, 500, r)
        self.assertTrue(r.header("Content-Type").startswith(
            "application/json"), r.headers)
        self.assertEqual(r.error["code"], "report_failed", r)
        for reason in reasons:
            self.assertIn(reason, r.error["message"])
        self.assertTrue(latencies)
        self.assertLess(max(latencies), FAST,
                        "%s: API requests took %s while the report ran "
                        "%.2f s" % (name, latencies, took))
        return r, latencies, took

    # -- reports -------------------------------------------------------------

    def test_endless_loop_is_stopped_and_the_api_keeps_answering(self):
        r, latencies, took = self.assert_report_error(
            "runaway-loop", "instruction budget exceeded",
            "plugins.runaway-loop.instructions")
        # The loop ran long enough for many requests to be answered.
        if took > 0.5:
            self.assertGreaterEqual(len(latencies), 5, latencies)
        # The plugin stays loaded: the next call is stopped the same way.
        r = self.s.get(API + "/reports/runaway-loop", timeout=60)
        self.assertEqual(r.status, 500, r)
        self.assertIn("instruction budget exceeded", r.error["message"])
        self.assertTrue(any("plugin runaway-loop: run() failed: instruction "
                            "budget exceeded" in line for line in self.s.log))

    def test_loop_inside_pcall_is_stopped(self):
        self.assert_report_error("runaway-pcall",
                                 "instruction budget exceeded")

    def test_memory_bomb_is_stopped(self):
        self.assert_report_error("runaway-memory", "memory cap exceeded",
                                 "plugins.runaway-memory.memory_mb")

    def test_escapes_find_nothing(self):
        self.assert_report_error("escape-io",
                                 "attempt to index a nil value (global 'io')")
        marker = os.path.join(self.tmp.name, "escaped")
        r = self.s.get(API + "/reports/escape-os?file=" + marker)
        self.assertEqual(r.status, 500, r)
        self.assertIn("attempt to call a nil value (field 'execute')",
                      r.error["message"])
        self.assertFalse(os.path.exists(marker))
        r = self.s.get(API + "/reports/escape-require")
        self.assertEqual(r.status, 500, r)
        self.assertIn("attempt to call a nil value (global 'require')",
                      r.error["message"])

    def test_well_behaved_report_works_after_the_runaways(self):
        for name in ("runaway-loop", "runaway-memory", "escape-io"):
            self.assertEqual(self.s.get(API + "/reports/" + name,
                                        timeout=60).status, 500)
        r = self.s.get(API + "/reports/solutions-count")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["columns"], ["maturity", "solutions"])
        self.assertEqual(r.json["rows"], [["pilot", 1]])
        r = self.s.get(API + "/reports/solutions-count?format=csv")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.raw.split(), ["maturity,solutions", "pilot,1"])

    def test_a_report_without_parameters_runs_once_per_request(self):
        # It does not answer describe=parameters; after the first request
        # has found that out, every request runs it exactly once.
        def runs():
            return sum("solutions-count ran" in line for line in self.s.log)

        def settled(at_least):
            # The server writes the line before it answers, but the test
            # reads the log on another thread: wait until the count has
            # reached at_least and then stayed put for half a second.
            deadline = time.time() + 10
            count, since = runs(), time.time()
            while time.time() < deadline:
                time.sleep(0.05)
                now = runs()
                if now != count:
                    count, since = now, time.time()
                elif count >= at_least and time.time() - since >= 0.5:
                    break
            return count

        start = settled(0)
        self.assertEqual(self.s.get(API + "/reports/solutions-count").status,
                         200)
        before = settled(start + 1)
        for _ in range(3):
            self.assertEqual(
                self.s.get(API + "/reports/solutions-count").status, 200)
        self.assertEqual(settled(before + 3), before + 3)

    def test_plugins_that_fail_to_start_say_why(self):
        # The service: a report whose init() failed answers why.
        r = self.s.get(API + "/reports/escape-init")
        self.assertEqual(r.status, 409, r)
        self.assertIn("attempt to index a nil value (global 'io')",
                      r.error["message"])
        # A script that never finished loading is no report at all.
        self.assertEqual(self.s.get(API + "/reports/runaway-load").status,
                         404)
        # `rollin plugins` lists both with the reason, the others loaded.
        p = run_rollin("plugins", "--json", "--config", self.cfg)
        self.assertEqual(p.returncode, 0, p.stderr)
        plugins = {x["name"]: x for x in json.loads(p.stdout)}
        self.assertEqual(plugins["escape-init"]["state"], "failed")
        self.assertIn("init failed", plugins["escape-init"]["last_error"])
        self.assertIn("attempt to index a nil value (global 'io')",
                      plugins["escape-init"]["last_error"])
        self.assertEqual(plugins["runaway-load"]["state"], "refused")
        self.assertIn("instruction budget exceeded",
                      plugins["runaway-load"]["last_error"])
        for name in ("runaway-loop", "runaway-pcall", "runaway-memory",
                     "escape-io", "escape-os", "escape-require",
                     "solutions-count", "runaway-notifier"):
            self.assertEqual((plugins[name]["state"],
                              plugins[name]["language"]),
                             ("loaded", "lua"), plugins[name])

    # -- notifiers -----------------------------------------------------------

    def test_looping_notifier_does_not_hold_up_deliveries_or_the_api(self):
        s = self.s
        first = s.last_event_id(self.admin)

        def writes():
            for i in range(3):
                r = s.post(API + "/organisations",
                           {"slug": "stadt-%d" % i, "name": "Stadt %d" % i,
                            "kind": "municipal"}, token=self.admin)
                self.assertEqual(r.status, 201, r)
            ids = [e["id"] for e in s.events(self.admin, after=first)]
            # Meanwhile: every event reaches the webhook, in order, and
            # the looping notifier's attempts end as dead letters.
            wait_for(lambda: set(ids) <= set(self.rx.got()),
                     what="the webhook's deliveries")
            wait_for(lambda: len(self.dead(ids)) == len(ids),
                     timeout=90, what="the looping notifier's dead letters")
            return ids

        ids, latencies = self.while_running(writes)
        got = [i for i in self.rx.got() if i in ids]
        self.assertEqual(got, ids)
        # Each attempt ran for well over NOTIFIER_FAST; no request waited.
        self.assertLess(max(latencies), NOTIFIER_FAST, latencies)
        for d in self.dead(ids).values():
            self.assertEqual(d["attempts"], 2)
            self.assertIn("instruction budget exceeded", d["last_error"])
            # From the first attempt's start to the second's end: two
            # attempts, each far longer than any request took.
            took = (parse_ts(d["updated_at"]) -
                    parse_ts(d["created_at"])).total_seconds()
            self.assertGreater(took, 4 * max(latencies), (d, latencies))
        r = s.get(API + "/deliveries/status", token=self.admin)
        status = {i["subscriber"]: i for i in r.json["items"]}
        self.assertTrue(status["runaway-notifier"]["running"])
        self.assertGreaterEqual(status["runaway-notifier"]["dead"], len(ids))
        self.assertGreaterEqual(status["webhook"]["delivered"], len(ids))

    def dead(self, ids):
        r = self.s.get(API + "/deliveries?subscriber=runaway-notifier"
                       "&state=dead&limit=500", token=self.admin)
        self.assertEqual(r.status, 200, r)
        return {d["event_id"]: d for d in r.json["items"]
                if d["event_id"] in ids}


class LuaNotifierShutdownTest(unittest.TestCase):
    """SIGTERM while a Lua notifier's attempt runs on the notifier thread:
    the service waits for it (its budget bounds the wait), exits cleanly,
    and the attempt, not recorded, is made again after the restart."""

    def setUp(self):
        tmp = tempfile.TemporaryDirectory(prefix="rollin-e2e-lua-stop-")
        self.addCleanup(tmp.cleanup)
        plugins = os.path.join(tmp.name, "plugins")
        os.mkdir(plugins)
        shutil.copy(os.path.join(FIXTURES, "runaway-notifier.lua"), plugins)
        cfg = os.path.join(tmp.name, "rollin.yaml")
        with open(cfg, "w", encoding="utf-8") as f:
            f.write("plugin_dirs: \"%s\"\n"
                    "plugins:\n"
                    "  runaway-notifier:\n"
                    "    instructions: %d\n"
                    "    backoff_base: \"0.2\"\n"
                    "    max_attempts: 2\n"
                    % (plugins, NOTIFIER_INSTRUCTIONS))
        self.s = Server(args=["--config", cfg]).start()
        self.addCleanup(self.s.dir.cleanup)
        self.addCleanup(self.s.stop)
        self.s.cli("org", "add", "betrieb", "--name", "Betrieb", "--kind",
                   "provider")
        self.admin = self.s.token("admin", "betrieb")

    def status(self):
        r = self.s.get(API + "/deliveries/status", token=self.admin)
        self.assertEqual(r.status, 200, r)
        return {i["subscriber"]: i for i in r.json["items"]}[
            "runaway-notifier"]

    def delivery(self, event, state):
        r = self.s.get(API + "/deliveries?subscriber=runaway-notifier"
                       "&state=" + state, token=self.admin)
        self.assertEqual(r.status, 200, r)
        return [d for d in r.json["items"] if d["event_id"] == event]

    def test_sigterm_waits_for_the_lua_attempt_and_it_is_made_again(self):
        s = self.s
        r = s.post(API + "/organisations", {"slug": "stadt", "name": "Stadt",
                                            "kind": "municipal"},
                   token=self.admin)
        self.assertEqual(r.status, 201, r)
        event = s.last_event_id(self.admin)
        wait_for(lambda: self.status()["in_flight"] == event,
                 what="the attempt under way")
        start = time.monotonic()
        self.assertEqual(s.stop(), 0)
        took = time.monotonic() - start
        # At most one attempt's budget (and the rest of the shutdown).
        self.assertLess(took, 10, took)
        # The Lua call under way ended by its budget, after the signal.
        term = [i for i, line in enumerate(s.log) if "received" in line]
        self.assertTrue(term, s.log)
        self.assertTrue(any("budget exceeded" in line
                            for line in s.log[term[0]:]), s.log)
        s.check_sanitizers()
        r_log = len(s.log)

        s.start()
        # The attempt cut off by the stop did not count: two more made.
        [d] = wait_for(lambda: self.delivery(event, "dead"), timeout=60,
                       what="the event's attempts after the restart")
        self.assertEqual(d["attempts"], 2, d)
        self.assertIn("instruction budget exceeded", d["last_error"])
        self.assertIn("event %d, attempt 1 of 2 failed" % event,
                      "\n".join(s.log[r_log:]))
        s.stop()
        s.check_sanitizers()


if __name__ == "__main__":
    unittest.main()
