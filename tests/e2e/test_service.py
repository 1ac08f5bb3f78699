"""The service as an operator runs it: restarts keep the data, SIGTERM
ends it cleanly with a request log, a database from a newer Rollin is left
untouched, help texts name every option, settings come from defaults <
config file < ROLLIN_* environment < flags, and request bodies are
bounded."""

import hashlib
import os
import re
import sqlite3
import tempfile
import unittest

from harness import Server, free_port, run_rollin

API = "/api/v1"
REQUEST_LINE = re.compile(
    r" (GET|POST|PATCH|DELETE|PUT|HEAD) (/\S*) (\d{3}) (\d+(?:\.\d+)?)ms$")


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class RestartTest(unittest.TestCase):

    def test_restart_keeps_all_data(self):
        with Server(demo=True, env={"ROLLIN_NOW": "2026-03-01"},
                    demo_template=True) as s:
            admin = s.token("admin", "bmi", label="restart-admin")
            writes = [
                ("/organisations", {"slug": "rs-org", "name": "Neustart",
                                    "kind": "municipal", "state": "Bremen"}),
                ("/contacts", {"organisation": "rs-org", "name": "Rita Start",
                               "email": "rita@rs.example"}),
                ("/solutions", {"slug": "rs-sol", "name": "Überdauernd",
                                "owner": "rs-org", "maturity": "pilot",
                                "problems": ["Neustarts"],
                                "documentation": [{"title": "Doku", "url":
                                                   "https://rs.example"}]}),
                ("/solutions/rs-sol/cycles", {"name": "1.x", "eol":
                                              "2027-01-01"}),
                ("/solutions/rs-sol/releases", {"version": "1.0", "cycle":
                                                "1.x", "status": "released",
                                                "date": "2026-02-01"}),
                ("/solutions/rs-sol/releases", {"version": "1.1", "cycle":
                                                "1.x", "status": "planned",
                                                "planned_date": "2026-04-01"}),
                ("/solutions/rs-sol/adoptions", {"organisation": "stadt-jena",
                                                 "status": "live"}),
                ("/solutions/rs-sol/responsibilities", {
                    "role": "operation", "organisation": "rs-org"}),
            ]
            locations = []
            for path, body in writes:
                r = s.post(API + path, body, token=admin)
                self.assertEqual(r.status, 201, r)
                locations.append(r.header("Location"))
            r = s.patch(API + "/solutions/rs-sol", {"summary": "geändert"},
                        etag='"1"', token=admin)
            self.assertEqual(r.status, 200, r)
            r = s.post(API + "/solutions/rs-sol/confirm", None, token=admin)
            self.assertEqual(r.status, 200, r)
            reads = locations + [API + "/solutions?limit=500",
                                 API + "/organisations?limit=500",
                                 API + "/contacts?limit=500",
                                 API + "/solutions/rs-sol/cycles",
                                 API + "/search?q=Neustarts",
                                 API + "/problems"]
            before = [(p, s.get(p, token=admin)) for p in reads]
            events = s.events(admin)
            self.assertEqual(s.restart(), 0)
            for path, old in before:
                new = s.get(path, token=admin)
                self.assertEqual(new.status, 200, (path, new))
                self.assertEqual(new.json, old.json, path)
                self.assertEqual(new.header("ETag"), old.header("ETag"))
            self.assertEqual(s.events(admin), events)
            # The token survives, and writing goes on.
            r = s.patch(API + "/solutions/rs-sol", {"summary": "danach"},
                        etag='"2"', token=admin)
            self.assertEqual(r.status, 200, r)
            self.assertEqual(s.events(admin)[-1]["id"], events[-1]["id"] + 1)


class ShutdownTest(unittest.TestCase):

    def test_sigterm_exits_0_and_every_request_was_logged(self):
        with Server(demo=True, demo_template=True) as s:
            admin = s.token("admin", "bmi")
            done = [("GET", API + "/solutions", None, 200),
                    ("GET", API + "/solutions/wohngeld-online", None, 200),
                    ("GET", API + "/solutions/nope", None, 404),
                    ("POST", API + "/organisations",
                     {"slug": "log-org", "name": "Log", "kind": "other"},
                     201),
                    ("POST", API + "/organisations", {"slug": "Bad"}, 422),
                    ("PUT", API + "/organisations", None, 405),
                    ("DELETE", API + "/organisations/log-org", None, 204),
                    ("GET", "/healthz", None, 200),
                    ("GET", API + "/events", None, 200)]
            for method, path, body, status in done:
                r = s.request(method, path, body=body, token=admin)
                self.assertEqual(r.status, status, (method, path, r))
            r = s.get(API + "/events")      # anonymous: refused, logged
            self.assertEqual(r.status, 401)
            done.append(("GET", API + "/events", None, 401))
            rc = s.stop()
            self.assertEqual(rc, 0, "\n".join(s.log))
            logged = []
            for line in s.log:
                m = REQUEST_LINE.search(line)
                if m:
                    logged.append((m.group(1), m.group(2), int(m.group(3))))
                    self.assertGreaterEqual(float(m.group(4)), 0)
            self.assertEqual(logged, [(m, p, st) for m, p, _, st in done])
            self.assertTrue(any("stopped" in line for line in s.log[-3:]),
                            s.log[-3:])


    def test_sigterm_right_after_start_is_graceful(self):
        # A supervisor may stop the service as soon as it says it listens.
        with Server() as s:
            for _ in range(5):
                rc = s.stop()
                self.assertEqual(rc, 0, "\n".join(s.log[-5:]))
                self.assertIn("stopped", s.log[-1])
                s.start()


class SchemaTest(unittest.TestCase):

    def test_newer_schema_is_refused_and_left_unchanged(self):
        with tempfile.TemporaryDirectory(prefix="rollin-e2e-") as d:
            db = os.path.join(d, "rollin.db")
            p = run_rollin("migrate", "--db", db)
            self.assertEqual(p.returncode, 0, p.stderr)
            m = re.search(r"knows up to (\d+)", p.stdout)
            self.assertTrue(m, p.stdout)
            latest = int(m.group(1))
            con = sqlite3.connect(db)
            con.execute("PRAGMA user_version = %d" % (latest + 1))
            con.commit()
            con.close()
            digest = sha256(db)
            files = sorted(os.listdir(d))
            for args in (["migrate", "--db", db],
                         ["serve", "--db", db, "--listen", "127.0.0.1:0"],
                         ["serve", "--db", db, "--listen", "127.0.0.1:0",
                          "--demo"],
                         ["token", "create", "--role", "admin", "--org", "bmi",
                          "--db", db]):
                p = run_rollin(*args, timeout=10)
                self.assertNotEqual(p.returncode, 0, args)
                self.assertIn("schema version %d" % (latest + 1), p.stderr,
                              args)
                self.assertIn(str(latest), p.stderr)
                self.assertNotIn("listening", p.stderr)
                self.assertEqual(sha256(db), digest, args)
            con = sqlite3.connect(db)
            self.assertEqual(con.execute("PRAGMA user_version").fetchone()[0],
                             latest + 1)
            con.close()
            leftover = sorted(f for f in os.listdir(d)
                              if f not in files and
                              os.path.getsize(os.path.join(d, f)) > 0)
            self.assertEqual(leftover, [])

    def test_migrate_reports_the_version(self):
        with tempfile.TemporaryDirectory(prefix="rollin-e2e-") as d:
            db = os.path.join(d, "sub", "dir", "rollin.db")
            p = run_rollin("migrate", "--db", db)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertRegex(p.stdout, r"schema version (\d+) \(was 0;")
            p = run_rollin("migrate", "--db", db)
            self.assertEqual(p.returncode, 0, p.stderr)
            v = re.search(r"schema version (\d+) \(was (\d+);", p.stdout)
            self.assertEqual(v.group(1), v.group(2))


class HelpTest(unittest.TestCase):
    OPTIONS = ("--listen", "--db", "--config", "--log-level", "--demo")

    def test_top_level_help(self):
        p = run_rollin("--help")
        self.assertEqual(p.returncode, 0, p.stderr)
        for command in ("serve", "migrate", "token"):
            self.assertIn(command, p.stdout)
        for option in self.OPTIONS:
            self.assertIn(option, p.stdout, option)

    def test_serve_help_names_every_option_and_setting(self):
        p = run_rollin("serve", "--help")
        self.assertEqual(p.returncode, 0, p.stderr)
        for option in self.OPTIONS + ("--help",):
            self.assertIn(option, p.stdout, option)
        for key, env in (("listen", "ROLLIN_LISTEN"), ("db", "ROLLIN_DB"),
                         ("log_level", "ROLLIN_LOG_LEVEL"),
                         ("stale_days", "ROLLIN_STALE_DAYS"),
                         ("max_body_bytes", "ROLLIN_MAX_BODY_BYTES"),
                         ("public_catalogue", "ROLLIN_PUBLIC_CATALOGUE")):
            self.assertIn(key, p.stdout)
            self.assertIn(env, p.stdout)

    def test_misuse_prints_usage_and_fails(self):
        for args in (["serve", "--no-such-option"], ["no-such-command"],
                     ["serve", "extra"], []):
            p = run_rollin(*args, timeout=10)
            self.assertEqual(p.returncode, 2, args)
            self.assertIn("usage", p.stderr.lower(), args)


class ConfigTest(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory(prefix="rollin-e2e-")
        self.addCleanup(self.dir.cleanup)

    def path(self, name):
        return os.path.join(self.dir.name, name)

    def write_config(self, text):
        with open(self.path("rollin.yaml"), "w") as f:
            f.write(text)
        return self.path("rollin.yaml")

    def migrate(self, *flags, env=None):
        p = run_rollin("migrate", *flags, env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p

    def test_db_and_log_level_precedence(self):
        cfg = self.write_config("db: %s\nlog_level: warn\n"
                                % self.path("file.db"))
        # The file alone.
        p = self.migrate("--config", cfg)
        self.assertTrue(p.stdout.startswith(self.path("file.db") + ":"),
                        p.stdout)
        self.assertNotIn("migrated", p.stderr)      # warn hides info
        # The environment beats the file.
        env = {"ROLLIN_DB": self.path("env.db"), "ROLLIN_LOG_LEVEL": "info"}
        p = self.migrate("--config", cfg, env=env)
        self.assertTrue(p.stdout.startswith(self.path("env.db") + ":"),
                        p.stdout)
        self.assertIn("migrated", p.stderr)
        # Flags beat the environment.
        p = self.migrate("--config", cfg, "--db", self.path("flag.db"),
                         "--log-level", "warn", env=env)
        self.assertTrue(p.stdout.startswith(self.path("flag.db") + ":"),
                        p.stdout)
        self.assertNotIn("migrated", p.stderr)
        # ROLLIN_CONFIG names the file when --config does not.
        p = self.migrate(env={"ROLLIN_CONFIG": cfg})
        self.assertTrue(p.stdout.startswith(self.path("file.db") + ":"),
                        p.stdout)
        for name in ("file.db", "env.db", "flag.db"):
            self.assertTrue(os.path.exists(self.path(name)), name)

    def test_listen_and_stale_days_precedence(self):
        db = self.path("serve.db")
        p_file, p_env = free_port(), free_port()
        cfg = self.write_config("listen: 127.0.0.1:%d\nstale_days: 10\n"
                                "log_level: info\n" % p_file)

        def serve(env, listen=None):
            s = Server(demo=True, db=db, listen=listen, env=env,
                       args=["--config", cfg], demo_template=True)
            self.addCleanup(s.dir.cleanup)
            self.addCleanup(s.stop)
            s.start()
            f = s.get(API + "/solutions/wohngeld-online").json["freshness"]
            port = s.port
            self.assertEqual(s.stop(), 0)
            s.check_sanitizers()
            return port, f["stale_after_days"]

        self.assertEqual(serve({}), (p_file, 10))
        env = {"ROLLIN_LISTEN": "127.0.0.1:%d" % p_env,
               "ROLLIN_STALE_DAYS": "20"}
        self.assertEqual(serve(env), (p_env, 20))
        port, days = serve(env, listen="127.0.0.1:0")
        self.assertNotIn(port, (p_file, p_env))
        self.assertEqual(days, 20)

    def test_bad_settings_are_refused_clearly(self):
        db = self.path("bad.db")
        cases = [
            ({"ROLLIN_STALE_DAYS": "soon"}, [], "stale_days"),
            ({"ROLLIN_STALE_DAYS": "0"}, [], "stale_days"),
            ({"ROLLIN_LISTEN": "nowhere"}, [], "listen"),
            ({"ROLLIN_LOG_LEVEL": "loud"}, [], "log_level"),
            ({"ROLLIN_NOW": "2026-02-30"}, [], "ROLLIN_NOW"),
            ({}, ["--log-level", "loud"], "log"),
            ({}, ["--config", self.write_config("colour: blue\n")],
             "colour"),
            ({}, ["--config", self.path("missing.yaml")], "missing.yaml"),
        ]
        for env, flags, word in cases:
            p = run_rollin("serve", "--db", db, "--listen", "127.0.0.1:0",
                           *flags, env=env, timeout=10)
            self.assertNotEqual(p.returncode, 0, (env, flags))
            self.assertIn(word, p.stderr, (env, flags))
            self.assertNotIn("listening", p.stderr)


class BodyLimitTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.server = Server(demo=True, demo_template=True,
                            env={"ROLLIN_MAX_BODY_BYTES": "4096"}).start()
        cls.admin = cls.server.token("admin", "bmi")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.server.dir.cleanup()
        cls.server.check_sanitizers()

    def big_post(self):
        body = {"slug": "big-org", "name": "Groß", "kind": "other",
                "website": "https://x.example/" + "a" * 10000}
        try:
            return self.server.post(API + "/organisations", body,
                                    token=self.admin)
        except (ConnectionError, OSError) as e:     # closed while sending
            self.fail("the server hung up instead of answering 413: %r" % e)

    def test_large_body_is_rejected_and_service_goes_on(self):
        s = self.server
        mark = s.last_event_id(self.admin)
        r = self.big_post()
        self.assertEqual(r.status, 413, r)
        self.assertEqual(s.get(API + "/organisations/big-org").status, 404)
        self.assertEqual(s.events(self.admin, mark), [])
        # Still serving, and a body within the limit is fine.
        self.assertEqual(s.get(API + "/solutions?limit=1").status, 200)
        r = s.post(API + "/solutions", {"slug": "small-sol", "name": "Klein",
                                       "owner": "bmi", "maturity": "pilot",
                                       "description": "a" * 3500},
                   token=self.admin)
        self.assertEqual(r.status, 201, r)

    def test_large_body_error_is_json(self):
        r = self.big_post()
        self.assertEqual(r.status, 413, r)
        self.assertIsNotNone(r.error, r)
        self.assertTrue(r.header("Content-Type").startswith(
            "application/json"), r.headers)


class BootstrapTest(unittest.TestCase):

    def test_first_admin_on_an_empty_database(self):
        # A fresh installation gets its first organisation and admin token
        # from the command line, without the demo data.
        with Server() as s:
            self.assertEqual(s.get(API + "/organisations").json["items"], [])
            p = s.cli("org", "add", "betrieb", "--name", "Betrieb",
                      "--kind", "provider", check=False)
            self.assertEqual(p.returncode, 0, p.stderr)
            admin = s.token("admin", "betrieb")
            self.assertTrue(admin)
            org = s.get(API + "/organisations/betrieb")
            self.assertEqual(org.status, 200, org)
            self.assertEqual(org.json["kind"], "provider")
            r = s.post(API + "/organisations", {"slug": "erste", "name":
                                               "Erste Stelle",
                                               "kind": "state"},
                       token=admin)
            self.assertEqual(r.status, 201, r)
            # Adding the same organisation again is refused.
            p = s.cli("org", "add", "betrieb", "--name", "Betrieb",
                      "--kind", "provider", check=False)
            self.assertNotEqual(p.returncode, 0)
            p = s.cli("org", "add", "Bad Slug", "--name", "x", "--kind",
                      "provider", check=False)
            self.assertNotEqual(p.returncode, 0)
            self.assertEqual(len(s.get(API + "/organisations").json
                                 ["items"]), 2)

if __name__ == "__main__":
    unittest.main()
