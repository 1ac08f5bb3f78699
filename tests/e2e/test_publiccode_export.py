"""The publiccode.yml export (GET /api/v1/solutions/{slug}/publiccode.yml
and `rollin export publiccode`), judged by the project's own importer: every
demo solution exports to a file the importer accepts without an error or a
warning and whose key fields a YAML parser reads back; every corpus file
that imports today comes back as the same solution after import, export
and import again; YAML's special characters survive the trip."""

import os
import subprocess
import tempfile
import unittest

import yaml

from harness import ROLLIN_BIN, Server, ServerTest
from test_import_publiccode import (CORPUS, HAVE_CORPUS, SANITIZER_MARKS,
                                    run_import)

API = "/api/v1"
STATUS = {"concept": "concept", "development": "development",
          "pilot": "beta", "production": "stable", "widespread": "stable",
          "retired": "obsolete"}
# Fields that differ between two databases for the same content.
VOLATILE = {"id", "rev", "created_at", "updated_at", "freshness",
            "confirmed_at", "touched_at"}


def importer_verdict(testcase, path):
    """Imports path into a fresh database: asserts no error and no
    warning; returns the import summary."""
    with tempfile.TemporaryDirectory(prefix="rollin-pcx-") as d:
        rc, summary, err = run_import(os.path.join(d, "check.db"), path)
    testcase.assertEqual(rc, 0, (path, summary, err))
    testcase.assertEqual(summary["rejected"], [], path)
    warnings = [l for l in err.splitlines() if "warning:" in l]
    testcase.assertEqual(warnings, [], path)
    testcase.assertGreater(summary["imported"], 0, path)
    return summary


def export_cli(db, slug, out=None):
    args = [ROLLIN_BIN, "export", "publiccode", slug, "--db", db]
    if out:
        args += ["--out", out]
    p = subprocess.run(args, capture_output=True, text=True, timeout=60)
    if any(m in p.stderr for m in SANITIZER_MARKS):
        raise AssertionError("rollin export reported memory or undefined "
                             "behaviour errors:\n" + p.stderr)
    return p


def stable(v):
    """v without ids and timestamps (nested too)."""
    if isinstance(v, dict):
        return {k: stable(x) for k, x in v.items() if k not in VOLATILE}
    if isinstance(v, list):
        return [stable(x) for x in v]
    return v


class DemoExportTest(ServerTest):
    DEMO = True
    DEMO_TEMPLATE = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.server.token("admin", "bmi", label="pc-admin")
        cls.owner = cls.server.token("owner", "dataport", label="pc-owner")
        cls.tmp = tempfile.TemporaryDirectory(prefix="rollin-pcx-")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()
        super().tearDownClass()

    def export(self, slug, token=None):
        r = self.server.get("%s/solutions/%s/publiccode.yml" % (API, slug),
                            token=token)
        self.assertEqual(r.status, 200, r)
        return r

    def test_every_demo_solution_exports_a_valid_file(self):
        solutions = self.server.all_items(API + "/solutions")
        self.assertEqual(len(solutions), 36)
        d = os.path.join(self.tmp.name, "demo")
        os.mkdir(d)
        for s in solutions:
            r = self.export(s["slug"])
            self.assertEqual(r.header("Content-Type"),
                             "application/yaml; charset=utf-8")
            self.assertEqual(r.header("Content-Disposition"),
                             'attachment; filename="publiccode.yml"')
            text = r.raw
            doc = yaml.safe_load(text)
            self.assertEqual(doc["publiccodeYmlVersion"], "0.7")
            self.assertEqual(doc["name"], s["name"])
            self.assertEqual(doc["developmentStatus"], STATUS[s["maturity"]])
            ov = self.server.get("%s/solutions/%s/overview"
                                 % (API, s["slug"])).json
            if ov["current_version"]:
                self.assertEqual(doc["softwareVersion"],
                                 ov["current_version"]["version"])
            else:
                self.assertNotIn("softwareVersion", doc)
            self.assertEqual(doc["legal"]["license"],
                             s.get("licence") or "LicenseRef-not-specified")
            short = doc["description"]["de"]["shortDescription"]
            if len(s["summary"]) <= 150:
                self.assertEqual(short, s["summary"])
            else:   # shortened at a word, with an ellipsis
                self.assertLessEqual(len(short), 150)
                self.assertTrue(short.endswith("\u2026"), short)
                self.assertTrue(s["summary"].startswith(short[:-1]), short)
            self.assertEqual(doc["url"], s.get("repository") or
                             "urn:x-rollin:solution:" + s["slug"])
            with open(os.path.join(d, s["slug"] + ".yml"), "w",
                      encoding="utf-8") as f:
                f.write(text)
        # All 36 in one import: no error, no warning, every solution new.
        summary = importer_verdict(self, d)
        self.assertEqual(len(summary["sources"]), 36)

    def test_known_values(self):
        doc = yaml.safe_load(self.export("wohngeld-online").raw)
        self.assertEqual(doc["softwareVersion"], "4.1.0")
        self.assertEqual(doc["releaseDate"], "2026-09-02")
        self.assertEqual(doc["organisation"],
                         {"uri": "https://www.dataport.de",
                          "name": "Dataport AöR"})
        self.assertEqual(doc["developmentStatus"], "stable")
        self.assertIn("Stadt Köln", doc["usedBy"])
        self.assertEqual(doc["localisation"]["availableLanguages"], ["de"])
        self.assertEqual(doc["maintenance"]["type"], "internal")

    def test_contacts_by_name_only_for_readers_who_may(self):
        anonymous = yaml.safe_load(self.export("elterngeld-digital").raw)
        admin = yaml.safe_load(self.export("elterngeld-digital",
                                           token=self.admin).raw)
        people = admin["maintenance"]["contacts"]
        self.assertTrue(any("email" in c for c in people), people)
        for c in anonymous["maintenance"]["contacts"]:
            self.assertNotIn("email", c)
            self.assertNotIn("phone", c)
        names = {c["name"] for c in anonymous["maintenance"]["contacts"]}
        self.assertFalse(names & {c["name"] for c in people
                                  if "email" in c}, names)

    def test_cli_writes_the_same_document(self):
        out = os.path.join(self.tmp.name, "cli.yml")
        p = export_cli(self.server.db, "wohngeld-online", out)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(out, encoding="utf-8") as f:
            self.assertEqual(f.read(), self.export(
                "wohngeld-online", token=self.admin).raw)
        p = export_cli(self.server.db, "wohngeld-online")
        self.assertEqual(yaml.safe_load(p.stdout)["name"],
                         "Wohngeld online (EfA)")

    def test_unknown_solution(self):
        r = self.server.get(API + "/solutions/no-such-thing/publiccode.yml")
        self.assertError(r, 404, code="not_found")
        p = export_cli(self.server.db, "no-such-thing")
        self.assertEqual(p.returncode, 1)
        self.assertIn("no such solution", p.stderr)
        p = export_cli(self.server.db, "")
        self.assertEqual(p.returncode, 1)
        p = subprocess.run([ROLLIN_BIN, "export", "csv", "x"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 2)

    def test_yaml_special_characters_survive(self):
        description = (
            "# Not a comment\n\nKey: value, \"quoted\" and 'single' — "
            "Umlaute äöü ß, Ärger: Öl, Übermut.\n\n"
            "- yes\n- no\n- 0.7\n- ~\n\n"
            "```\nindented: code\n  two spaces\n```\n\n"
            "A line with a trailing colon:\n"
            "and a tab\there, long enough for the standard's minimum of "
            "one hundred and fifty characters."
            "\n\nFunktionen:\n\n- yes\n- no: really\n- #hashtag\n- "
            "\"Anführung\"")
        body = {"slug": "sonderzeichen", "name": "#Bürger: \"Service\" yes",
                "summary": "no", "description": description,
                "owner": "dataport", "maturity": "pilot",
                "licence": "EUPL-1.2",
                "repository": "https://example.org/git/sonder:zeichen#yes",
                "categories": ["document-management", "Bürgerservice"],
                "standards": ["SPID", "https://example.org/std"]}
        r = self.server.post(API + "/solutions", body, token=self.owner)
        self.assertEqual(r.status, 201, r)
        text = self.export("sonderzeichen").raw
        doc = yaml.safe_load(text)
        self.assertEqual(doc["name"], body["name"])
        desc = doc["description"]["de"]
        self.assertEqual(desc["shortDescription"], "no")
        self.assertEqual(desc["features"],
                         ["yes", "no: really", "#hashtag", "\"Anführung\""])
        self.assertTrue(desc["longDescription"].startswith("# Not a"))
        self.assertEqual(doc["categories"], ["document-management"])
        self.assertEqual(doc["supports"],
                         [{"id": "alias:spid"},
                          {"id": "https://example.org/std"}])
        path = os.path.join(self.tmp.name, "special.yml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        importer_verdict(self, path)
        # Imported into a fresh database: the same fields again.
        fresh = os.path.join(self.tmp.name, "special.db")
        rc, summary, err = run_import(fresh, path)
        self.assertEqual(rc, 0, err)
        with Server(db=fresh) as other:
            back = other.get(API + "/solutions?limit=5").json["items"]
            self.assertEqual(len(back), 1)
            got = back[0]
            for k in ("name", "summary", "description", "repository",
                      "licence", "maturity", "standards"):
                self.assertEqual(got.get(k), body[k] if k != "standards"
                                 else ["SPID", "https://example.org/std"],
                                 k)


@unittest.skipUnless(HAVE_CORPUS, "publiccode corpus not present")
class CorpusRoundTripTest(unittest.TestCase):
    """import -> export -> import gives the same solutions."""

    def corpus_files(self):
        files = [os.path.join(CORPUS, f) for f in sorted(os.listdir(CORPUS))
                 if f.endswith(".yml")]
        for sub in ("valid", "valid_with_warnings"):
            files += [os.path.join(CORPUS, sub, f) for f in
                      sorted(os.listdir(os.path.join(CORPUS, sub)))
                      if f.endswith(".yml")]
        return files

    def snapshot(self, server, slug):
        """A solution and its records as the API shows them to an admin,
        without ids and timestamps; records by content, not by id."""
        tok = server.token_for("admin", server.admin_org)
        base = "%s/solutions/%s" % (API, slug)
        out = {"solution": stable(server.get(base, token=tok).json)}
        out["solution"].pop("slug")
        for sub in ("releases", "adoptions", "dependencies"):
            out[sub] = stable(server.all_items(base + "/" + sub, token=tok))
        resps = server.all_items(base + "/responsibilities", token=tok)
        for r in resps:
            if r.get("contact"):
                c = server.get("%s/contacts/%s" % (API, r["contact"]),
                               token=tok).json
                r["contact"] = {k: c.get(k) for k in
                                ("name", "email", "phone", "organisation")}
        out["responsibilities"] = stable(resps)
        return out

    def test_import_export_import(self):
        with tempfile.TemporaryDirectory(prefix="rollin-pcrt-") as d:
            compared = 0
            for i, path in enumerate(self.corpus_files()):
                first = os.path.join(d, "first-%d.db" % i)
                rc, summary, err = run_import(first, path)
                if rc != 0 or summary["rejected"] or not summary["imported"]:
                    continue     # a file that does not import today
                with Server(db=first) as a:
                    a.admin_org = a.get(API + "/organisations?limit=1") \
                        .json["items"][0]["slug"]
                    slug = a.get(API + "/solutions?limit=5") \
                        .json["items"][0]["slug"]
                    exported = os.path.join(d, "export-%d.yml" % i)
                    p = export_cli(first, slug, exported)
                    self.assertEqual(p.returncode, 0, p.stderr)
                    importer_verdict(self, exported)
                    second = os.path.join(d, "second-%d.db" % i)
                    rc, summary, err = run_import(second, exported)
                    self.assertEqual(rc, 0, (path, summary, err))
                    before = self.snapshot(a, slug)
                with Server(db=second) as b:
                    b.admin_org = a.admin_org
                    items = b.get(API + "/solutions?limit=5").json["items"]
                    self.assertEqual(len(items), 1, path)
                    after = self.snapshot(b, items[0]["slug"])
                self.assertEqual(after, before, path)
                compared += 1
            # The real files of the corpus and the parser's valid ones.
            self.assertGreaterEqual(compared, 20)


if __name__ == "__main__":
    unittest.main()
