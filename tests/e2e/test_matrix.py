"""The shipped Matrix notifier (scripts/matrix.lua) against a loopback
homeserver that implements the client-server API's send endpoint
(PUT /_matrix/client/v3/rooms/{roomId}/send/m.room.message/{txnId}) and
checks each request: method, path with the room id percent-encoded, the
bearer token, and the message (m.text, German body, HTML formatted_body).
A release published through the API arrives in the room; an answer 500
makes the delivery engine send the message again with the same
transaction id, so the homeserver keeps it once."""

import json
import os
import tempfile
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from harness import Server, run_rollin

API = "/api/v1"
SCRIPTS = os.path.normpath(os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
ROOM = "!rollinRaum:example.org"
ROOM_PATH = "%21rollinRaum%3Aexample.org"
TOKEN = "syt_cm9sbGlu_geheim"
SEND = "/_matrix/client/v3/rooms/%s/send/m.room.message/" % ROOM_PATH


class Homeserver:
    """The send endpoint of a Matrix homeserver, on loopback. Requests are
    recorded; answers(n) gives the status of the n-th request (from 0) of
    a transaction id. A transaction id seen before with success is
    answered with the same event id and not stored again, as Synapse
    does."""

    def __init__(self):
        self.requests = []
        self.room = []          # messages the room shows, once each
        self.lock = threading.Lock()
        self.answers = lambda n: 200
        hs = self

        class Handler(BaseHTTPRequestHandler):
            def do_PUT(self):
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                entry = {"method": "PUT", "path": self.path,
                         "headers": self.headers, "raw": raw,
                         "at": time.monotonic()}
                problems = hs.check(self.path, self.headers, raw)
                with hs.lock:
                    txn = self.path.rsplit("/", 1)[-1]
                    seen = [r for r in hs.requests if r.get("txn") == txn]
                    entry["txn"] = txn
                    hs.requests.append(entry)
                    if problems:
                        status = 400
                    else:
                        status = hs.answers(len(seen))
                    if status == 200 and txn not in [m["txn"]
                                                     for m in hs.room]:
                        hs.room.append({"txn": txn,
                                        "content": json.loads(raw)})
                entry["status"] = status
                entry["problems"] = problems
                body = (json.dumps({"event_id": "$" + txn}) if status == 200
                        else json.dumps({"errcode": "M_UNKNOWN",
                                         "error": "Interner Fehler"
                                         if status == 500 else
                                         "; ".join(problems)})).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                self.send_response(405)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @staticmethod
    def check(path, headers, raw):
        """What is wrong with a send request, as the homeserver sees it."""
        problems = []
        if not path.startswith(SEND):
            problems.append("path %s" % path)
        if headers.get("Authorization") != "Bearer " + TOKEN:
            problems.append("token %r" % headers.get("Authorization"))
        if not (headers.get("Content-Type") or "").startswith(
                "application/json"):
            problems.append("content type")
        try:
            body = json.loads(raw)
        except ValueError:
            return problems + ["body is not JSON"]
        if body.get("msgtype") != "m.text" or not body.get("body"):
            problems.append("msgtype/body")
        if body.get("format") != "org.matrix.custom.html" or \
                not body.get("formatted_body"):
            problems.append("format/formatted_body")
        return problems

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.httpd.server_address[1]

    def all(self):
        with self.lock:
            return list(self.requests)

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def wait_for(pred, timeout=15, what="a condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError("timed out after %s s waiting for %s"
                         % (timeout, what))


class MatrixTest(unittest.TestCase):

    def setUp(self):
        self.hs = Homeserver()
        self.addCleanup(self.hs.stop)
        cfgdir = tempfile.TemporaryDirectory(prefix="rollin-e2e-matrix-")
        self.addCleanup(cfgdir.cleanup)
        self.cfg = os.path.join(cfgdir.name, "rollin.yaml")
        with open(self.cfg, "w", encoding="utf-8") as f:
            f.write("plugin_dirs: \"%s\"\n"
                    "plugins:\n"
                    "  matrix:\n"
                    "    homeserver: \"%s/\"\n"
                    "    room: \"%s\"\n"
                    "    token: \"%s\"\n"
                    "    event_types: \"release.published\"\n"
                    "    base_url: \"https://rollin.example.de\"\n"
                    "    backoff_base: \"0.2\"\n"
                    % (SCRIPTS, self.hs.url, ROOM, TOKEN))
        self.s = Server(args=["--config", self.cfg]).start()
        self.addCleanup(self.s.dir.cleanup)
        self.addCleanup(self.s.stop)
        self.s.cli("org", "add", "betrieb", "--name", "Betrieb",
                   "--kind", "provider")
        self.admin = self.s.token("admin", "betrieb")
        r = self.s.post(API + "/solutions",
                        {"slug": "wohngeld", "name":
                         "Wohngeld \"digital\" & <mehr>", "owner": "betrieb",
                         "maturity": "pilot"}, token=self.admin)
        self.assertEqual(r.status, 201, r)

    def publish(self, version):
        r = self.s.post(API + "/solutions/wohngeld/releases",
                        {"version": version, "status": "released",
                         "date": "2026-01-15"}, token=self.admin)
        self.assertEqual(r.status, 201, r)
        ids = [e["id"] for e in self.s.events(self.admin)
               if e["type"] == "release.published"
               and e["payload"].get("version") == version]
        self.assertEqual(len(ids), 1)
        return ids[0]

    def deliveries(self):
        r = self.s.get(API + "/deliveries?subscriber=matrix",
                       token=self.admin)
        self.assertEqual(r.status, 200, r)
        return {d["event_id"]: d for d in r.json["items"]}

    def test_a_published_release_arrives_in_the_room(self):
        event_id = self.publish("2.4.0")
        got = wait_for(lambda: self.hs.room, what="the message")
        self.assertEqual(len(got), 1)
        [req] = self.hs.all()
        self.assertEqual(req["problems"], [], req)
        self.assertEqual(req["method"], "PUT")
        txn = req["path"][len(SEND):]
        self.assertRegex(txn, r"^[A-Za-z0-9._~-]+$")
        self.assertIn(str(event_id), txn)

        msg = got[0]["content"]
        self.assertEqual(msg["msgtype"], "m.text")
        body = msg["body"]
        self.assertTrue(body.startswith(
            "[Rollin] Neue Version veröffentlicht: "
            "Wohngeld \"digital\" & <mehr> (wohngeld) 2.4.0"), body)
        self.assertIn("Version: 2.4.0", body)
        self.assertIn("Ausgelöst von: admin@betrieb", body)
        self.assertIn("Ereignis-Nr. %d (release.published)" % event_id, body)
        self.assertIn("Link: https://rollin.example.de/api/v1/solutions/"
                      "wohngeld/releases/", body)
        html = msg["formatted_body"]
        self.assertIn("<strong>Neue Version veröffentlicht</strong>", html)
        # The solution's name is text, not markup.
        self.assertIn("Wohngeld &quot;digital&quot; &amp; &lt;mehr&gt;", html)
        self.assertNotIn("<mehr>", html)
        self.assertIn('<a href="https://rollin.example.de/api/v1/solutions/'
                      'wohngeld/releases/', html)

        # Only the configured event types: the solution and release
        # records' own events did not go to the room.
        wait_for(lambda: self.deliveries().get(event_id, {}).get("state")
                 == "delivered", what="the delivery recorded")
        self.assertEqual(list(self.deliveries()), [event_id])

    def test_a_500_is_retried_with_the_same_transaction_id(self):
        self.hs.answers = lambda n: 500 if n == 0 else 200
        event_id = self.publish("3.0.0")
        wait_for(lambda: self.hs.room, what="the message after a retry")
        reqs = self.hs.all()
        self.assertEqual([r["status"] for r in reqs], [500, 200])
        self.assertEqual(reqs[0]["path"], reqs[1]["path"])
        self.assertEqual(json.loads(reqs[0]["raw"]), json.loads(reqs[1]["raw"]))
        # backoff_base 0.2 s: the second try came after about that.
        self.assertGreaterEqual(reqs[1]["at"] - reqs[0]["at"], 0.15)
        d = wait_for(lambda: self.deliveries().get(event_id, {}).get("state")
                     == "delivered" and self.deliveries()[event_id],
                     what="the delivery recorded")
        self.assertEqual(d["attempts"], 2)

        # Another event: another transaction, another message.
        self.hs.answers = lambda n: 200
        second = self.publish("3.0.1")
        wait_for(lambda: len(self.hs.room) == 2, what="the second message")
        self.assertNotEqual(self.hs.room[0]["txn"], self.hs.room[1]["txn"])
        self.assertIn(str(second), self.hs.room[1]["txn"])

    def test_refusals_name_the_reason(self):
        # The homeserver refuses a wrong token: the delivery says why.
        self.hs.answers = lambda n: 200
        self.hs.check = lambda path, headers, raw: ["M_UNKNOWN_TOKEN"]
        event_id = self.publish("4.0.0")
        d = wait_for(lambda: self.deliveries().get(event_id, {}).get(
            "last_error") and self.deliveries()[event_id],
            what="a failed attempt")
        self.assertEqual(d["state"], "retrying")
        self.assertIn("400", d["last_error"])
        self.assertIn("M_UNKNOWN", d["last_error"])


class SettingsTest(unittest.TestCase):
    """`rollin plugins` shows what is missing or wrong in the settings."""

    def plugin(self, settings):
        with tempfile.TemporaryDirectory(prefix="rollin-e2e-matrix-") as d:
            cfg = os.path.join(d, "rollin.yaml")
            with open(cfg, "w", encoding="utf-8") as f:
                f.write("plugin_dirs: \"%s\"\nplugins:\n  matrix:\n%s"
                        % (SCRIPTS, settings))
            p = run_rollin("plugins", "--json", "--config", cfg)
        self.assertEqual(p.returncode, 0, p.stderr)
        return {x["name"]: x for x in json.loads(p.stdout)}["matrix"]

    def test_settings_are_checked_when_the_service_starts(self):
        m = self.plugin("    homeserver: \"http://127.0.0.1:1\"\n")
        self.assertEqual(m["state"], "failed")
        self.assertIn("room, token", m["last_error"])
        m = self.plugin("    homeserver: \"http://127.0.0.1:1\"\n"
                        "    room: \"#rollin:example.org\"\n"
                        "    token: \"t\"\n")
        self.assertEqual(m["state"], "failed")
        self.assertIn("Raum-ID", m["last_error"])
        m = self.plugin("    homeserver: \"http://127.0.0.1:1\"\n"
                        "    room: \"%s\"\n    token: \"t\"\n" % ROOM)
        self.assertEqual((m["state"], m["kind"], m["language"]),
                         ("loaded", "notifier", "lua"))


if __name__ == "__main__":
    unittest.main()
