"""The e-mail notifier against a real SMTP server (aiosmtpd, in this
process): publishing a release mails the solution's adopters and the
contacts who subscribed, nobody else, with a German subject as an RFC 2047
encoded-word and a German plain-text body that names the solution, the
version and a link to the release; event types the notifier is not
configured for send nothing; a mail server that is down gets retries."""

import email
import email.policy
import email.utils
import os
import sys
import tempfile
import threading
import time
import unittest

try:
    from aiosmtpd.controller import Controller
except ImportError:
    # Debian's python3-aiosmtpd (scripts/dev test installs it) lives in the
    # system's dist-packages, which another python3 may not search.
    sys.path.append("/usr/lib/python3/dist-packages")
    try:
        from aiosmtpd.controller import Controller
    except ImportError as e:
        raise ImportError("test_email needs aiosmtpd: apt-get install "
                          "python3-aiosmtpd (scripts/dev test does)") from e

from harness import ROLLIN_BIN, Server, free_port

API = "/api/v1"
# Only the build's plugins: no other notifier takes part.
PLUGIN_DIR = os.path.join(os.path.dirname(os.path.abspath(ROLLIN_BIN)),
                          "plugins")


class Mailbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append({"from": envelope.mail_from,
                                  "to": list(envelope.rcpt_tos),
                                  "data": envelope.original_content or
                                  envelope.content})
        return "250 Message accepted for delivery"

    def all(self):
        with self.lock:
            return list(self.messages)


def wait_for(pred, timeout=20, what="a condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


class EmailCase(unittest.TestCase):

    def start(self, smtp_port, extra=""):
        cfgdir = tempfile.TemporaryDirectory(prefix="rollin-e2e-cfg-")
        self.addCleanup(cfgdir.cleanup)
        cfg = os.path.join(cfgdir.name, "rollin.yaml")
        with open(cfg, "w", encoding="utf-8") as f:
            f.write("plugin_dirs: \"%s\"\n"
                    "plugins:\n"
                    "  email:\n"
                    "    smtp_url: \"smtp://127.0.0.1:%d\"\n"
                    "    from: \"rollin@rollin.example\"\n"
                    "    base_url: \"https://rollin.example/\"\n"
                    "    event_types: \"release.published\"\n%s"
                    "  webhook:\n"
                    "    enabled: false\n" % (PLUGIN_DIR, smtp_port,
                                              extra))
        self.s = Server(args=["--config", cfg]).start()
        self.addCleanup(self.stop_server)
        self.s.cli("org", "add", "betrieb", "--name", "Betrieb", "--kind",
                   "provider")
        self.admin = self.s.token("admin", "betrieb")

    def stop_server(self):
        self.s.stop()
        self.s.dir.cleanup()
        self.s.check_sanitizers()

    def post(self, path, body):
        r = self.s.post(API + path, body, token=self.admin)
        self.assertEqual(r.status, 201, r)
        return r.json

    def publish(self, slug, version):
        """A solution used by stadt-a, and its release `version`."""
        self.post("/solutions", {"slug": slug, "name": "Wohngeld digital",
                                 "owner": "betrieb",
                                 "maturity": "production"})
        self.post("/solutions/%s/adoptions" % slug,
                  {"organisation": "stadt-a", "status": "live"})
        self.post("/solutions/%s/cycles" % slug, {"name": "2.x"})
        return self.post("/solutions/%s/releases" % slug,
                         {"version": version, "cycle": "2.x",
                          "status": "released", "date": "2026-03-02"})

    def people(self):
        for slug, name in (("stadt-a", "Stadt Aachen-Ost"),
                           ("stadt-b", "Stadt Bärstadt"),
                           ("stadt-c", "Stadt Celle-Süd")):
            self.post("/organisations", {"slug": slug, "name": name,
                                         "kind": "municipal"})
        for org, name, addr in (("stadt-a", "Anna Alt", "anna@a.example"),
                                ("stadt-a", "Bernd Bold", "bernd@a.example"),
                                ("stadt-b", "Carla Carl", "carla@b.example"),
                                ("stadt-c", "Dora Dorn", "dora@c.example")):
            c = self.post("/contacts", {"organisation": org, "name": name,
                                        "email": addr})
            if org == "stadt-b":
                carla = c["id"]
        # Carla wants every published release; stadt-c has no relation.
        self.post("/subscriptions", {"organisation": "stadt-b",
                                     "contact": carla,
                                     "event_types": ["release.published"]})


class ReleaseMailTest(EmailCase):

    def setUp(self):
        self.box = Mailbox()
        self.smtp = Controller(self.box, hostname="127.0.0.1",
                               port=free_port())
        self.smtp.start()
        self.addCleanup(self.smtp.stop)
        self.start(self.smtp.port)

    def test_published_release_mails_adopters_and_subscribers(self):
        self.people()
        rel = self.publish("wohngeld-digital", "2.4.1")
        msg = wait_for(self.box.all, what="the release mail")[0]

        self.assertEqual(msg["from"], "rollin@rollin.example")
        self.assertEqual(sorted(msg["to"]), ["anna@a.example",
                                             "bernd@a.example",
                                             "carla@b.example"])
        raw = msg["data"]
        m = email.message_from_bytes(raw, policy=email.policy.default)
        # The subject travels as encoded-words, decoded it is German.
        raw_subject = raw.split(b"\r\nSubject:", 1)[1].split(b"\r\n",
                                                              1)[0].strip()
        self.assertTrue(raw_subject.startswith(b"=?UTF-8?B?"), raw_subject)
        self.assertEqual(str(m["Subject"]), "[Rollin] Neue Version "
                         "veröffentlicht: wohngeld-digital 2.4.1")
        self.assertEqual(m.get_content_type(), "text/plain")
        self.assertEqual(m.get_content_charset(), "utf-8")
        self.assertEqual(m["Content-Transfer-Encoding"], "8bit")
        self.assertIsNotNone(email.utils.parsedate_to_datetime(m["Date"]))
        self.assertRegex(m["Message-ID"], r"^<rollin-event-\d+-[^@>]+"
                                          r"@rollin\.example>$")
        self.assertEqual(m["X-Rollin-Event"], "release.published")
        # Recipients do not see each other.
        for addr in msg["to"]:
            self.assertNotIn(addr.encode(), raw.split(b"\r\n\r\n", 1)[0])
        body = m.get_content()
        self.assertIn("Guten Tag", body)
        self.assertIn("für die Lösung wohngeld-digital ist die Version "
                      "2.4.1 veröffentlicht worden", body)
        self.assertRegex(body, r"Lösung:\s+wohngeld-digital")
        self.assertRegex(body, r"Version:\s+2\.4\.1")
        self.assertRegex(body, r"Wartungszyklus:\s+2\.x")
        self.assertRegex(body, r"Ereignis:\s+Neue Version veröffentlicht "
                               r"\(release\.published\)")
        self.assertRegex(body, r"Zeitpunkt:\s+\d\d\.\d\d\.\d{4}, "
                               r"\d\d:\d\d UTC")
        self.assertIn("https://rollin.example/api/v1/solutions/"
                      "wohngeld-digital/releases/%d" % rel["id"], body)
        link = self.s.get(API + "/solutions/wohngeld-digital/releases/%d"
                          % rel["id"], token=self.admin)
        self.assertEqual(link.status, 200, link)

        # Only release.published is configured: nothing else was mailed.
        last = self.s.last_event_id(self.admin)
        wait_for(lambda: self.status()["cursor"] == last,
                 what="the cursor at the end of the log")
        self.assertEqual(len(self.box.all()), 1)
        st = self.status()
        self.assertEqual((st["delivered"], st["dead"], st["pending"]),
                         (1, 0, 0))

    def status(self):
        r = self.s.get(API + "/deliveries/status", token=self.admin)
        self.assertEqual(r.status, 200, r)
        return {i["subscriber"]: i for i in r.json["items"]}["email"]


class MailServerDownTest(EmailCase):

    def test_unreachable_server_is_retried_then_delivered(self):
        port = free_port()      # nobody listens here yet
        self.start(port, extra="    backoff_base: \"0.5\"\n"
                               "    backoff_max: 1\n"
                               "    max_attempts: 50\n")
        self.people()
        self.publish("kita-portal", "1.0.0")
        retrying = wait_for(lambda: [d for d in self.deliveries()
                                     if d["state"] == "retrying" and
                                     d["attempts"] >= 2],
                            what="failed attempts")[0]
        self.assertEqual(retrying["event_type"], "release.published")
        self.assertIn("127.0.0.1:%d" % port, retrying["last_error"])
        # The server comes up: the next attempt gets through.
        box = Mailbox()
        smtp = Controller(box, hostname="127.0.0.1", port=port)
        smtp.start()
        self.addCleanup(smtp.stop)
        msg = wait_for(box.all, what="the mail after the retry")[0]
        self.assertEqual(sorted(msg["to"]), ["anna@a.example",
                                             "bernd@a.example",
                                             "carla@b.example"])
        wait_for(lambda: [d for d in self.deliveries()
                          if d["id"] == retrying["id"] and
                          d["state"] == "delivered"],
                 what="the delivery to be recorded")

    def deliveries(self):
        r = self.s.get(API + "/deliveries?subscriber=email",
                       token=self.admin)
        self.assertEqual(r.status, 200, r)
        return r.json["items"]


if __name__ == "__main__":
    unittest.main()
