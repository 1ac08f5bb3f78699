"""Delivery of the event log to the webhook notifier, against a real
receiver on loopback: events arrive in the log's order, signed with
HMAC-SHA256 over the exact body; a failing receiver gets retries with a
doubling backoff, then the event is a dead letter that an admin can send
back; a slow receiver never slows the API; and after kill -9 in the middle
of a delivery, a restart on the same database sends what was in flight
again, so every event arrives at least once (X-Rollin-Delivery tells
duplicates apart)."""

import hashlib
import hmac
import json
import os
import signal
import tempfile
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from harness import ROLLIN_BIN, Server

API = "/api/v1"
SECRET = "geheim-Schlüssel-123"
# Only the build's plugins: no other notifier takes part.
PLUGIN_DIR = os.path.join(os.path.dirname(os.path.abspath(ROLLIN_BIN)),
                          "plugins")
BODY_KEYS = ("id", "type", "subject", "time", "actor", "solution", "payload")


class Receiver:
    """A webhook receiver in a thread that records every request when it
    arrives. status_for(body) and delay_for(body) decide the answer; while
    `hold` is cleared, requests wait before they are answered."""

    def __init__(self):
        self.requests = []
        self.lock = threading.Lock()
        self.status_for = lambda body: 200
        self.delay_for = lambda body: 0
        self.hold = threading.Event()
        self.hold.set()
        rx = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                entry = {"path": self.path, "headers": self.headers,
                         "body": body, "at": time.monotonic(),
                         "id": int(self.headers.get("X-Rollin-Delivery",
                                                    "0")),
                         "status": None, "answered": None}
                with rx.lock:
                    rx.requests.append(entry)
                rx.hold.wait(60)
                time.sleep(rx.delay_for(body))
                status = rx.status_for(body)
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                    entry["status"] = status
                except OSError:
                    pass    # the sender is gone (killed)
                entry["answered"] = time.monotonic()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       daemon=True)
        self.thread.start()

    @property
    def url(self):
        return "http://127.0.0.1:%d/hook" % self.httpd.server_address[1]

    def stop(self):
        self.hold.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def all(self):
        with self.lock:
            return list(self.requests)

    def of(self, event_id):
        return [r for r in self.all() if r["id"] == event_id]

    def acknowledged(self):
        """Event ids the receiver answered with 2xx."""
        return {r["id"] for r in self.all()
                if r["status"] is not None and 200 <= r["status"] < 300}


def wait_for(pred, timeout=20, what="a condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError("timed out after %s s waiting for %s"
                         % (timeout, what))


class WebhookCase(unittest.TestCase):
    """A receiver, and a server whose webhook points at it."""

    SETTINGS = ""   # extra YAML lines under plugins.webhook

    def setUp(self):
        self.rx = Receiver()
        self.addCleanup(self.rx.stop)
        cfgdir = tempfile.TemporaryDirectory(prefix="rollin-e2e-cfg-")
        self.addCleanup(cfgdir.cleanup)
        self.cfg = os.path.join(cfgdir.name, "rollin.yaml")
        with open(self.cfg, "w", encoding="utf-8") as f:
            f.write("plugin_dirs: \"%s\"\n"
                    "plugins:\n"
                    "  webhook:\n"
                    "    url: \"%s\"\n"
                    "    secret: \"%s\"\n%s"
                    "  email:\n"
                    "    enabled: false\n" % (PLUGIN_DIR, self.rx.url,
                                              SECRET, self.SETTINGS))
        self.s = Server(args=["--config", self.cfg]).start()
        self.addCleanup(self.stop_server)
        self.s.cli("org", "add", "betrieb", "--name", "Betrieb", "--kind",
                   "provider")
        self.admin = self.s.token("admin", "betrieb")

    def stop_server(self):
        self.rx.hold.set()
        self.s.stop()
        self.s.dir.cleanup()
        self.s.check_sanitizers()

    def create_org(self, slug, name):
        r = self.s.post(API + "/organisations", {"slug": slug, "name": name,
                                                 "kind": "municipal"},
                        token=self.admin)
        self.assertEqual(r.status, 201, r)
        return self.newest_event("organisation.created",
                                 "organisations/" + slug)

    def newest_event(self, typ, subject):
        ids = [e["id"] for e in self.s.events(self.admin)
               if e["type"] == typ and e["subject"] == subject]
        self.assertTrue(ids, (typ, subject))
        return ids[-1]

    def deliveries(self, **query):
        q = "&".join("%s=%s" % kv for kv in sorted(query.items()))
        r = self.s.get(API + "/deliveries" + ("?" + q if q else ""),
                       token=self.admin)
        self.assertEqual(r.status, 200, r)
        return r.json["items"]

    def status(self):
        r = self.s.get(API + "/deliveries/status", token=self.admin)
        self.assertEqual(r.status, 200, r)
        return {i["subscriber"]: i for i in r.json["items"]}


class InOrderTest(WebhookCase):

    def test_writes_arrive_in_order_signed_and_complete(self):
        s, t = self.s, self.admin
        for i in range(4):
            self.create_org("wh-%d" % i, "Stadt Nummer %d" % i)
        r = s.post(API + "/solutions", {"slug": "wh-sol", "name":
                                        "Wohngeld \"digital\" – Ä",
                                        "owner": "wh-0",
                                        "maturity": "pilot"}, token=t)
        self.assertEqual(r.status, 201, r)
        r = s.post(API + "/solutions/wh-sol/releases",
                   {"version": "1.0.0", "status": "released",
                    "date": "2026-01-15"}, token=t)
        self.assertEqual(r.status, 201, r)
        events = s.events(t)
        ids = [e["id"] for e in events]
        self.assertIn("release.published", [e["type"] for e in events])
        wait_for(lambda: set(ids) <= self.rx.acknowledged(),
                 what="every event at the receiver")

        got = self.rx.all()
        # Each once, in the log's order, nothing else.
        self.assertEqual([g["id"] for g in got], ids)
        for g, ev in zip(got, events):
            h = g["headers"]
            self.assertEqual(g["path"], "/hook")
            self.assertEqual(h["Content-Type"], "application/json")
            self.assertEqual(h["X-Rollin-Event"], ev["type"])
            self.assertEqual(h["X-Rollin-Delivery"], str(ev["id"]))
            mac = hmac.new(SECRET.encode(), g["body"],
                           hashlib.sha256).hexdigest()
            self.assertEqual(h["X-Rollin-Signature"], "sha256=" + mac)
            body = json.loads(g["body"])
            self.assertEqual(sorted(body), sorted(BODY_KEYS))
            for k in BODY_KEYS:
                self.assertEqual(body[k], ev.get(k), (k, ev))
        sol = [json.loads(g["body"]) for g in got
               if g["headers"]["X-Rollin-Event"] == "solution.created"][0]
        self.assertEqual(sol["payload"]["solution"]["name"],
                         "Wohngeld \"digital\" – Ä")

        st = self.status()["webhook"]
        self.assertTrue(st["running"])
        self.assertEqual(st["cursor"], ids[-1])
        self.assertEqual(st["last_event_id"], ids[-1])
        self.assertEqual((st["pending"], st["dead"]), (0, 0))
        self.assertEqual(st["delivered"], len(ids))
        delivered = self.deliveries(state="delivered", subscriber="webhook")
        self.assertEqual([d["event_id"] for d in delivered], ids)
        self.assertEqual({d["attempts"] for d in delivered}, {1})

    def test_deliveries_need_sign_in_and_valid_parameters(self):
        s = self.s
        self.assertEqual(s.get(API + "/deliveries").status, 401)
        self.assertEqual(s.get(API + "/deliveries/status").status, 401)
        self.assertEqual(s.post(API + "/deliveries/1/retry", None).status,
                         401)
        r = s.get(API + "/deliveries?state=lost", token=self.admin)
        self.assertEqual(r.status, 400, r)
        self.assertEqual(r.json["error"]["field"], "state")
        r = s.get(API + "/deliveries?colour=red", token=self.admin)
        self.assertEqual(r.status, 400, r)
        r = s.get(API + "/deliveries?limit=0", token=self.admin)
        self.assertEqual(r.status, 400, r)


class RetryTest(WebhookCase):
    SETTINGS = ("    backoff_base: \"0.3\"\n"
                "    backoff_max: 5\n"
                "    max_attempts: 3\n")

    def test_failing_receiver_gets_backoff_then_dead_letter_then_retry(self):
        s, t = self.s, self.admin
        # The receiver refuses one event; the others go through.
        self.rx.status_for = lambda body: 500 if b"Kaputt" in body else 200
        bad = self.create_org("kaputt", "Kaputt GmbH")
        good = self.create_org("heil", "Heil AG")

        dead = wait_for(lambda: [d for d in self.deliveries(state="dead")
                                 if d["event_id"] == bad],
                        what="the refused event to be dead")[0]
        self.assertEqual(dead["subscriber"], "webhook")
        self.assertEqual(dead["event_type"], "organisation.created")
        self.assertEqual(dead["subject"], "organisations/kaputt")
        self.assertEqual(dead["attempts"], 3)
        self.assertIn("500", dead["last_error"])
        self.assertIsNone(dead["next_attempt_at"])

        tries = self.rx.of(bad)
        self.assertEqual(len(tries), 3, tries)
        gaps = [b["at"] - a["at"] for a, b in zip(tries, tries[1:])]
        # 0.3 s, then 0.6 s (doubled); polling adds up to 0.2 s.
        self.assertGreaterEqual(gaps[0], 0.29, gaps)
        self.assertGreaterEqual(gaps[1], 0.59, gaps)
        self.assertLess(gaps[0], 2.0, gaps)
        # In order: the next event waited until the first gave up.
        wait_for(lambda: good in self.rx.acknowledged(), what="the next")
        self.assertGreater(self.rx.of(good)[0]["at"], tries[-1]["at"])
        st = self.status()["webhook"]
        self.assertEqual(st["dead"], 1)

        # Only an admin sends it back, and only a dead letter.
        owner = s.token("owner", "heil", label="owner")
        r = s.post(API + "/deliveries/%d/retry" % dead["id"], None,
                   token=owner)
        self.assertEqual(r.status, 403, r)
        ok = [d for d in self.deliveries(state="delivered")
              if d["event_id"] == good][0]
        r = s.post(API + "/deliveries/%d/retry" % ok["id"], None, token=t)
        self.assertEqual(r.status, 409, r)
        r = s.post(API + "/deliveries/999999/retry", None, token=t)
        self.assertEqual(r.status, 404, r)

        self.rx.status_for = lambda body: 200
        r = s.post(API + "/deliveries/%d/retry" % dead["id"], None, token=t)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["state"], "retrying")
        self.assertEqual(r.json["attempts"], 0)
        wait_for(lambda: bad in self.rx.acknowledged(),
                 what="the dead letter to be delivered after the retry")
        again = [d for d in self.deliveries(subscriber="webhook")
                 if d["event_id"] == bad][0]
        self.assertEqual(again["state"], "delivered")
        self.assertEqual(self.status()["webhook"]["dead"], 0)
        self.assertEqual(self.deliveries(state="dead"), [])

    def test_a_dead_letter_is_discarded_for_good(self):
        s, t = self.s, self.admin
        self.rx.status_for = lambda body: 500 if b"Verloren" in body else 200
        lost = self.create_org("verloren", "Verloren GmbH")
        dead = wait_for(lambda: [d for d in self.deliveries(state="dead")
                                 if d["event_id"] == lost],
                        what="the refused event to be dead")[0]
        path = API + "/deliveries/%d" % dead["id"]
        # Only an admin, only a dead letter.
        self.assertEqual(s.delete(path).status, 401)
        owner = s.token("owner", "verloren", label="owner")
        self.assertEqual(s.delete(path, token=owner).status, 403)
        ok = self.create_org("gefunden", "Gefunden AG")
        delivered = wait_for(lambda: [
            d for d in self.deliveries(state="delivered")
            if d["event_id"] == ok], what="the next event delivered")[0]
        r = s.delete(API + "/deliveries/%d" % delivered["id"], token=t)
        self.assertEqual(r.status, 409, r)
        self.assertIn("only dead letters can be discarded",
                      r.json["error"]["message"])
        self.assertEqual(s.delete(API + "/deliveries/999999",
                                  token=t).status, 404)

        self.assertEqual(s.delete(path, token=t).status, 204)
        self.assertEqual(s.delete(path, token=t).status, 404)
        self.assertEqual(self.status()["webhook"]["dead"], 0)
        self.assertFalse([d for d in self.deliveries(subscriber="webhook")
                          if d["event_id"] == lost])
        # Gone for good: the receiver never hears of it again, and the
        # event itself stays in the log.
        tries = len(self.rx.of(lost))
        self.create_org("danach", "Danach KG")
        wait_for(lambda: any(d["subject"] == "organisations/danach"
                             for d in self.deliveries(state="delivered")),
                 what="a later event delivered")
        self.assertEqual(len(self.rx.of(lost)), tries)
        self.assertTrue(any(e["id"] == lost for e in s.events(t)))


class SlowReceiverTest(WebhookCase):

    def test_slow_receiver_does_not_slow_the_api(self):
        s, t = self.s, self.admin
        self.rx.delay_for = lambda body: 5 if b"Langsam" in body else 0
        slow = self.create_org("langsam", "Langsam AG")
        arrived = wait_for(lambda: self.rx.of(slow),
                           what="the slow delivery to start")[0]["at"]
        worst, n = 0.0, 0
        while time.monotonic() - arrived < 3.0:
            for path in ("/organisations", "/deliveries/status",
                         "/events?limit=5"):
                t0 = time.monotonic()
                r = s.get(API + path, token=t)
                worst = max(worst, time.monotonic() - t0)
                self.assertEqual(r.status, 200, r)
                n += 1
        t0 = time.monotonic()
        fast = self.create_org("schnell", "Schnell eG")
        worst = max(worst, time.monotonic() - t0)
        self.assertGreater(n, 10)
        self.assertLess(worst, 0.5, "an API request took %.3f s while a "
                        "delivery was in flight" % worst)
        st = self.status()["webhook"]
        self.assertEqual(st["in_flight"], slow)
        # It does get through, and the next event after it.
        wait_for(lambda: {slow, fast} <= self.rx.acknowledged(), timeout=15,
                 what="both deliveries")
        answered = self.rx.of(slow)[0]["answered"]
        self.assertGreaterEqual(answered - arrived, 5.0)
        self.assertGreater(self.rx.of(fast)[0]["at"], answered - 0.05)


class TimeoutTest(WebhookCase):
    SETTINGS = ("    timeout_ms: 500\n"
                "    backoff_base: \"0.2\"\n"
                "    max_attempts: 2\n")

    def test_an_answer_later_than_timeout_ms_fails_the_attempt(self):
        self.rx.delay_for = lambda body: 1.5 if b"Zaeh" in body else 0
        ev = self.create_org("zaeh", "Zaeh und Co")
        t0 = time.monotonic()
        failed = wait_for(lambda: [d for d in self.deliveries()
                                   if d["event_id"] == ev and
                                   d["attempts"] == 1], timeout=10,
                          what="the first attempt to time out")[0]
        # Counted as failed at the deadline, long before the answer came.
        self.assertLess(time.monotonic() - t0, 1.4)
        self.assertEqual(failed["state"], "retrying")
        self.assertIn("500 ms", failed["last_error"])
        dead = wait_for(lambda: [d for d in self.deliveries(state="dead")
                                 if d["event_id"] == ev], timeout=15,
                        what="the dead letter")[0]
        self.assertEqual(dead["attempts"], 2)
        # No pile-up: the second attempt began after the first had ended.
        # The receiver stamps "answered" after its write returns, which can
        # be a fraction of a millisecond after the server has the answer.
        tries = self.rx.of(ev)
        self.assertEqual(len(tries), 2, tries)
        self.assertGreaterEqual(tries[1]["at"], tries[0]["answered"] - 0.005)


class KillTest(WebhookCase):

    def test_kill_9_during_delivery_loses_nothing(self):
        s, t = self.s, self.admin
        before = {e["id"] for e in s.events(t)}
        wait_for(lambda: before <= self.rx.acknowledged(),
                 what="the set-up's events")
        seen = len(self.rx.all())
        self.rx.hold.clear()
        for i in range(5):
            self.create_org("kill-%d" % i, "Kill %d" % i)
        held = wait_for(lambda: self.rx.all()[seen:],
                        what="a delivery in flight")
        held_id = held[0]["id"]
        self.assertEqual(s.stop(sig=signal.SIGKILL), -signal.SIGKILL)
        self.rx.hold.set()      # answered into a dead connection
        s.start()
        ids = [e["id"] for e in s.events(t)]
        self.assertIn(held_id, ids)
        wait_for(lambda: set(ids) <= self.rx.acknowledged(),
                 what="every event after the restart")
        got = [r["id"] for r in self.rx.all()]
        # Nothing skipped, in order; the one in flight was sent again.
        self.assertEqual(sorted(set(got)), ids)
        self.assertEqual(got, sorted(got))
        self.assertGreaterEqual(got.count(held_id), 2)
        st = self.status()["webhook"]
        self.assertEqual((st["cursor"], st["pending"]), (ids[-1], 0))

    def test_sigterm_cancels_what_is_in_flight_and_resends_it(self):
        s, t = self.s, self.admin
        before = {e["id"] for e in s.events(t)}
        wait_for(lambda: before <= self.rx.acknowledged(),
                 what="the set-up's events")
        seen = len(self.rx.all())
        self.rx.hold.clear()
        ev = self.create_org("term", "Beendet")
        wait_for(lambda: self.rx.all()[seen:], what="the delivery to start")
        # The held delivery does not keep the service from stopping.
        t0 = time.monotonic()
        self.assertEqual(s.stop(), 0)
        self.assertLess(time.monotonic() - t0, 5)
        s.check_sanitizers()
        self.rx.hold.set()
        s.start()
        wait_for(lambda: ev in self.rx.acknowledged(),
                 what="the cancelled delivery after the restart")
        self.assertEqual(len(self.rx.of(ev)), 2)
        self.assertEqual(self.status()["webhook"]["cursor"],
                         s.last_event_id(t))


if __name__ == "__main__":
    unittest.main()
