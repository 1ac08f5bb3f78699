"""Imports over the API (POST /api/v1/imports with the file as the body),
as an owner or an admin uses them: a publiccode.yml lands and its solution
is in the catalogue; a CSV with one bad row among good ones imports the
good ones and reports the bad one with its line; an invalid publiccode.yml
is refused with the validator's line:column and writes nothing; an owner
cannot import another organisation's solution; the past imports are
listed (newest first, by pages) and read one by one, each client seeing
only what it may."""

import datetime
import os
import subprocess
import tempfile
import threading
import time
import unittest

import yaml

from harness import ROLLIN_BIN, Server, ServerTest

API = "/api/v1"
SPEC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                    "docs", "openapi.yaml")
FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                        "fixtures")


def fixture(*parts):
    with open(os.path.join(FIXTURES, *parts), "rb") as f:
        return f.read()


# A small valid publiccode.yml whose owner is named by legal.repoOwner.
PORTAL = """\
publiccodeYmlVersion: "0.4"
name: {name}
url: "https://git.example.org/{slug}/portal"
releaseDate: "2026-03-02"
platforms: [web]
categories: [content-management]
developmentStatus: stable
softwareType: standalone/web
description:
  de:
    shortDescription: Ein Portal für Anträge und Termine.
    longDescription: >
      Das Portal bündelt Online-Anträge, Terminbuchung und Bescheide an
      einem Ort. Es wird von der Stadt betrieben und steht anderen
      Kommunen zur Nachnutzung offen, mit Handbuch und Schulung.
    features: [Online-Anträge]
legal:
  license: EUPL-1.2
  repoOwner: {owner}
maintenance:
  type: internal
  contacts:
    - name: Erika Mustermann
localisation:
  localisationReady: true
  availableLanguages: [de]
"""


class ImportApiTest(unittest.TestCase):
    """One server on a copy of the demo data per test: imports write."""

    assertError = ServerTest.assertError

    def setUp(self):
        self.server = Server(demo=True, demo_template=True,
                             env={"ROLLIN_MAX_BODY_BYTES": "65536"}).start()
        self.addCleanup(self.server.dir.cleanup)
        self.addCleanup(self.server.check_sanitizers)
        self.addCleanup(self.server.stop)
        self.admin = self.server.token_for("admin", "bmi")
        self.ulm = self.server.token_for("owner", "stadt-ulm")

    def upload(self, body, ctype="application/yaml", token=None, query=""):
        if isinstance(body, str):
            body = body.encode("utf-8")
        headers = {"Content-Type": ctype} if ctype else {}
        return self.server.request("POST", API + "/imports" + query,
                                   raw=body, headers=headers, token=token)

    def count(self, path):
        return len(self.server.all_items(API + path + "?limit=500",
                                         token=self.admin))

    def assertDescribed(self, doc, schema):
        """doc has every property docs/openapi.yaml requires of schema."""
        with open(SPEC, encoding="utf-8") as f:
            schemas = yaml.safe_load(f)["components"]["schemas"]
        parts = schemas[schema].get("allOf", [schemas[schema]])
        for part in parts:
            if "$ref" in part:
                part = schemas[part["$ref"].rsplit("/", 1)[1]]
            missing = set(part.get("required", [])) - set(doc)
            self.assertEqual(missing, set(), (schema, doc))

    def assertReport(self, r, plugin, counts):
        self.assertEqual(r.status, 201, r)
        self.assertDescribed(r.json, "Import")
        self.assertEqual(r.header("Location"),
                         API + "/imports/%d" % r.json["id"])
        self.assertEqual(r.json["plugin"], plugin)
        self.assertEqual(r.json["counts"], counts, r.json)
        self.assertEqual(len(r.json["rejected"]), counts["rejected"])
        self.assertLessEqual(r.json["started_at"], r.json["finished_at"])
        return r.json

    # -- what lands ----------------------------------------------------------

    def test_a_publiccode_file_lands_and_its_solution_is_in_the_catalogue(self):
        body = fixture("publiccode", "italia__publiccode-parser-go.yml")
        doc = yaml.safe_load(body)
        r = self.upload(body, token=self.admin)
        report = self.assertReport(r, "publiccode",
                                   {"imported": 5, "updated": 0,
                                    "rejected": 0})
        self.assertEqual(report["by"], {"actor": report["by"]["actor"],
                                        "role": "admin",
                                        "organisation": "bmi"})
        found = [s for s in self.server.all_items(
            API + "/solutions?limit=500", token=self.admin)
            if s.get("repository") == doc["url"]]
        self.assertEqual(len(found), 1, doc["url"])
        self.assertEqual(found[0]["name"], doc["name"])
        # Its events are written as for `rollin import`, by the importer.
        events = self.server.events(self.admin)
        created = [e for e in events if e["type"] == "solution.created" and
                   e["subject"].endswith(found[0]["slug"])]
        self.assertEqual(len(created), 1, [e["subject"] for e in events
                                           if e["type"] ==
                                           "solution.created"][-3:])
        self.assertEqual(created[0]["actor"], report["by"]["actor"])
        # The same file again updates instead of duplicating.
        again = self.upload(body, token=self.admin)
        self.assertEqual(again.json["counts"]["imported"], 0, again.json)
        self.assertGreaterEqual(again.json["counts"]["updated"], 1)

    def test_a_csv_file_lands_its_good_rows_and_reports_the_bad_one(self):
        before = self.count("/cost-reports")
        r = self.upload(fixture("csv", "kosten-fehler.csv"), ctype="text/csv",
                        token=self.admin, query="?name=kosten-fehler.csv")
        report = self.assertReport(r, "csv-import",
                                   {"imported": 3, "updated": 0,
                                    "rejected": 2})
        self.assertEqual(report["source"], "kosten-fehler.csv")
        self.assertEqual(self.count("/cost-reports"), before + 3)
        by_line = {x["line"]: x["message"] for x in report["rejected"]}
        self.assertEqual(sorted(by_line), [5, 7], report["rejected"])
        self.assertIn("Einmalkosten", by_line[5])
        self.assertIn("12,345", by_line[5])
        self.assertIn("period_end", by_line[7])

    def test_an_invalid_file_is_refused_with_positions_and_writes_nothing(self):
        body = fixture("publiccode", "invalid", "developmentStatus_invalid.yml")
        before = (self.count("/solutions"), self.count("/organisations"),
                  self.server.last_event_id(self.admin))
        r = self.upload(body, token=self.admin,
                        query="?name=publiccode.yml")
        report = self.assertReport(r, "publiccode",
                                   {"imported": 0, "updated": 0,
                                    "rejected": 1})
        bad = report["rejected"][0]
        self.assertEqual(bad["where"], "publiccode.yml:16:1")
        self.assertEqual((bad["line"], bad["column"]), (16, 1))
        self.assertTrue(bad["message"].startswith(
            "developmentStatus: developmentStatus must be one of the "
            "following"), bad)
        self.assertEqual(before, (self.count("/solutions"),
                                  self.count("/organisations"),
                                  self.server.last_event_id(self.admin)))

    # -- who may import what -------------------------------------------------

    def test_an_owner_imports_only_for_their_own_organisation(self):
        before = self.count("/solutions")
        foreign = PORTAL.format(name="Fremdportal", slug="koeln",
                                owner="Stadt Köln")
        r = self.upload(foreign, token=self.ulm)
        report = self.assertReport(r, "publiccode",
                                   {"imported": 0, "updated": 0,
                                    "rejected": 1})
        bad = report["rejected"][0]
        self.assertRegex(bad["where"], r"^publiccode\.yml:\d+:\d+$")
        self.assertIn("belongs to another organisation", bad["message"])
        self.assertIn("stadt-ulm", bad["message"])
        self.assertEqual(self.count("/solutions"), before)
        self.assertEqual(report["by"]["organisation"], "stadt-ulm")

        # Their own organisation's file lands, owned by them.
        own = PORTAL.format(name="Ulmer Portal", slug="ulm",
                            owner="Stadt Ulm")
        r = self.upload(own, token=self.ulm)
        self.assertEqual(r.status, 201, r)
        self.assertGreaterEqual(r.json["counts"]["imported"], 1, r.json)
        mine = [s for s in self.server.all_items(
            API + "/solutions?limit=500", token=self.admin)
            if s["name"] == "Ulmer Portal"]
        self.assertEqual([s["owner"] for s in mine], ["stadt-ulm"])

        # Nor can they take over another organisation's solution by
        # naming themselves in a file with its repository.
        r = self.upload(foreign, token=self.admin)
        self.assertEqual(r.json["counts"]["rejected"], 0, r.json)
        koeln = [s for s in self.server.all_items(
            API + "/solutions?limit=500", token=self.admin)
            if s["name"] == "Fremdportal"]
        self.assertEqual([s["owner"] for s in koeln], ["stadt-koeln"])
        hijack = foreign.replace("repoOwner: Stadt Köln",
                                 "repoOwner: Stadt Ulm").replace(
                                     "name: Fremdportal", "name: Gekapert")
        r = self.upload(hijack, token=self.ulm)
        self.assertEqual(r.json["counts"],
                         {"imported": 0, "updated": 0, "rejected": 1}, r.json)
        self.assertIn("belongs to another organisation",
                      r.json["rejected"][0]["message"])
        after = self.server.get(API + "/solutions/" + koeln[0]["slug"],
                                token=self.admin).json
        self.assertEqual((after["name"], after["owner"], after["rev"]),
                         ("Fremdportal", "stadt-koeln", koeln[0]["rev"]))

    def test_who_may_import(self):
        body = PORTAL.format(name="X", slug="x", owner="Stadt Ulm")
        self.assertError(self.upload(body), 401)
        adopter = self.server.token_for("adopter", "stadt-ulm")
        self.assertError(self.upload(body, token=adopter), 403)
        onboarding = self.server.token_for("onboarding", "stadt-ulm")
        self.assertError(self.upload(body, token=onboarding), 403)
        self.assertError(self.server.get(API + "/imports", token=adopter),
                         403)
        self.assertError(self.server.get(API + "/imports"), 401)

    def test_bad_requests(self):
        too_large = b"name: x\n" + b"#" * 70000
        r = self.upload(too_large, token=self.admin)
        self.assertError(r, 413, code="too_large")
        self.assertIn("application/json", r.header("Content-Type"))
        self.assertError(self.upload("a: b", token=self.admin,
                                     query="?plugin=no-such-importer"),
                         400, field="plugin")
        # A report is a plugin, but not an importer.
        self.assertError(self.upload("a: b", token=self.admin,
                                     query="?plugin=savings"),
                         400, field="plugin")
        self.assertError(self.upload("a: b", ctype="text/plain",
                                     token=self.admin), 415)
        self.assertError(self.upload(b"", token=self.admin), 400,
                         field="body")
        self.assertError(self.upload("a: b", token=self.admin,
                                     query="?name=" + "x" * 201),
                         400, field="name")
        self.assertError(self.upload("a: b", token=self.admin,
                                     query="?name=%FF.yml"),
                         400, field="name")
        self.assertError(self.upload("a: b", token=self.admin,
                                     query="?name=a%0Ab.yml"),
                         400, field="name")

    def test_an_explicit_plugin_wins_over_the_media_type(self):
        r = self.upload(fixture("csv", "kosten-komma.csv"),
                        ctype="application/octet-stream", token=self.admin,
                        query="?plugin=csv-import")
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["plugin"], "csv-import")
        self.assertGreater(r.json["counts"]["imported"], 0, r.json)

    # -- the record of past imports ------------------------------------------

    def test_imports_are_listed_newest_first_and_read_one_by_one(self):
        ids = []
        for token, name in ((self.admin, "Erstes"), (self.ulm, "Zweites"),
                            (self.admin, "Drittes")):
            body = PORTAL.format(name=name, slug=name.lower(),
                                 owner="Stadt Ulm")
            r = self.upload(body, token=token)
            self.assertEqual(r.status, 201, r)
            ids.append(r.json["id"])

        # Admins see every import, newest first, page by page.
        first = self.server.get(API + "/imports?limit=2", token=self.admin)
        self.assertEqual(first.status, 200, first)
        self.assertEqual([x["id"] for x in first.json["items"]],
                         [ids[2], ids[1]])
        self.assertTrue(first.json["next"])
        second = self.server.get(API + "/imports?limit=2&cursor=" +
                                 first.json["next"], token=self.admin)
        self.assertEqual([x["id"] for x in second.json["items"]], [ids[0]])
        self.assertIsNone(second.json["next"])
        self.assertEqual(first.json["items"][1]["by"]["organisation"],
                         "stadt-ulm")
        self.assertDescribed(first.json, "ImportList")
        for item in first.json["items"]:
            self.assertDescribed(item, "ImportSummary")
            self.assertNotIn("rejected", item)

        # Owners see their organisation's only.
        mine = self.server.get(API + "/imports", token=self.ulm)
        self.assertEqual([x["id"] for x in mine.json["items"]], [ids[1]])
        other = self.server.token_for("owner", "stadt-koeln")
        self.assertEqual(self.server.get(API + "/imports",
                                         token=other).json["items"], [])

        one = self.server.get(API + "/imports/%d" % ids[1], token=self.ulm)
        self.assertEqual(one.status, 200, one)
        self.assertEqual(one.json["id"], ids[1])
        self.assertEqual(one.json["by"]["role"], "owner")
        self.assertIn("rejected", one.json)
        self.assertError(self.server.get(API + "/imports/%d" % ids[0],
                                         token=self.ulm), 404)
        self.assertError(self.server.get(API + "/imports/99999",
                                         token=self.admin), 404)
        self.assertError(self.server.get(API + "/imports?cursor=x",
                                         token=self.admin), 400,
                         field="cursor")


class LongImportTest(unittest.TestCase):
    """A long import shows how far it has got, and password checks have a
    thread of their own: it does not hold up signing in."""

    ROWS = 60000

    def test_progress_and_a_sign_in_while_a_long_import_runs(self):
        # Long enough to outlast a sign-in, also in a sanitizer build,
        # which needs more than the importer's default 5 s per call.
        cfgdir = tempfile.TemporaryDirectory(prefix="rollin-e2e-cfg-")
        self.addCleanup(cfgdir.cleanup)
        cfg = os.path.join(cfgdir.name, "rollin.yaml")
        with open(cfg, "w", encoding="utf-8") as f:
            f.write("plugins:\n  csv-import:\n    timeout_ms: 300000\n")
        s = Server(demo=True, demo_template=True, args=["--config", cfg],
                   env={"ROLLIN_MAX_BODY_BYTES": str(16 << 20)}).start()
        self.addCleanup(s.dir.cleanup)
        self.addCleanup(s.check_sanitizers)
        self.addCleanup(s.stop)
        p = subprocess.run(
            [ROLLIN_BIN, "user", "add", "k.meier", "--role", "adopter",
             "--org", "stadt-ulm", "--db", s.db],
            input="ein langes Passwort\n", capture_output=True, text=True,
            env=s.env, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        admin = s.token_for("admin", "bmi")
        # The import holds the store's write lock: tokens first.
        ulm_owner = s.token_for("owner", "stadt-ulm")
        ulm_adopter = s.token_for("adopter", "stadt-ulm")
        day = datetime.date(1900, 1, 1)
        rows = ["Lösung,Organisation,Zeitraum von,Zeitraum bis,"
                "Einmalkosten,Betriebskosten pro Jahr,Eigenaufwand (PT),"
                "Öffentlich"]
        for i in range(self.ROWS):
            d = (day + datetime.timedelta(days=i)).isoformat()
            rows.append("hundesteuer-anmeldung,stadt-darmstadt,%s,%s,100,10,"
                        "1,true" % (d, d))
        body = ("\n".join(rows) + "\n").encode("utf-8")
        done = {}

        def run_import():
            r = s.request("POST", API + "/imports?name=lang.csv", raw=body,
                          headers={"Content-Type": "text/csv"},
                          token=admin, timeout=600)
            done["import"] = (time.monotonic(), r)

        def sign_in():
            r = s.post(API + "/session", {"username": "k.meier",
                                          "password": "ein langes Passwort"})
            done["sign-in"] = (time.monotonic(), r)

        running = API + "/imports/running"
        self.assertEqual(s.get(running, token=admin).json["items"], [])
        importer = threading.Thread(target=run_import)
        importer.start()
        signer = None
        seen = []
        while "import" not in done:
            items = s.get(running, token=admin).json["items"]
            for item in items:
                self.assertEqual(
                    [item[k] for k in ("plugin", "source", "by")],
                    ["csv-import", "lang.csv", "admin@bmi#1"])
                seen.append((item["state"], item["done"], item["total"]))
            # Once it runs, someone signs in.
            if signer is None and items and items[0]["state"] == "running":
                signer = threading.Thread(target=sign_in)
                signer.start()
                # Other organisations' owners do not see it; adopters
                # may not ask.
                self.assertEqual(s.get(running, token=ulm_owner)
                                 .json["items"], [])
                self.assertEqual(s.get(running, token=ulm_adopter).status,
                                 403)
            time.sleep(0.02)
        importer.join(600)
        self.assertIsNotNone(signer, seen[-5:])
        signer.join(60)
        at, imp = done["import"]
        self.assertEqual(imp.status, 201, imp)
        self.assertEqual(imp.json["counts"], {"imported": self.ROWS,
                                              "updated": 0, "rejected": 0},
                         imp.json["rejected"][:3])
        self.assertEqual(done["sign-in"][1].status, 201, done["sign-in"])
        self.assertLess(done["sign-in"][0], at,
                        "the sign-in waited for the import to finish")
        # The importer counted its rows as it wrote them.
        moving = [d for state, d, total in seen
                  if state == "running" and total == self.ROWS and
                  0 < d < total]
        self.assertTrue(moving, seen[-5:])
        self.assertEqual(moving, sorted(moving))
        self.assertEqual(s.get(running, token=admin).json["items"], [])

if __name__ == "__main__":
    unittest.main()
