"""`rollin import` with the publiccode.yml importer, as an operator uses it:
the verdicts of the official parser (corpus/publiccode/EXPECTED.md) on its
own test files, real publiccode.yml files from public repositories, a
re-import that updates instead of duplicating, an invalid file that writes
nothing, usedBy adoptions, imports from an http URL, and usage errors.

The corpus is tests/fixtures/publiccode (a copy of the shared corpus with
its SOURCES.md; ROLLIN_PUBLICCODE_CORPUS points elsewhere)."""

import functools
import http.server
import json
import os
import re
import subprocess
import tempfile
import threading
import unittest

from harness import ROLLIN_BIN, ServerTest

API = "/api/v1"
CORPUS = os.environ.get("ROLLIN_PUBLICCODE_CORPUS", os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "publiccode"))
HAVE_CORPUS = os.path.isfile(os.path.join(CORPUS, "EXPECTED.md"))
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                   "runtime error:")
# The plugins built with the binary under test.
PLUGINS = os.path.join(os.path.dirname(os.path.abspath(ROLLIN_BIN)),
                       "plugins")

# The one verdict whose text cannot be the upstream one: the message of a
# YAML syntax error comes from the YAML library (libyaml here, go-yaml
# upstream); its key and position still have to match.
LIBRARY_MESSAGES = {"invalid/invalid_yaml.yml"}

WARNING = re.compile(r"plugin publiccode: (.*?):(\d+):(\d+): warning: (.*)$")


def run_import(db, *args):
    """`rollin import --json --db DB ARGS`: (exit code, summary, stderr)."""
    p = subprocess.run([ROLLIN_BIN, "import", "--json", "--log-level",
                        "warn", "--plugins", PLUGINS, "--db", db] +
                       list(args),
                       capture_output=True, text=True, timeout=300)
    reports = [l for l in p.stderr.splitlines()
               if any(m in l for m in SANITIZER_MARKS)]
    if reports:
        raise AssertionError("rollin import reported memory or undefined "
                             "behaviour errors:\n" + p.stderr)
    try:
        summary = json.loads(p.stdout) if p.stdout.strip() else None
    except ValueError:
        raise AssertionError("not JSON on stdout: %r (stderr %s)"
                             % (p.stdout, p.stderr))
    return p.returncode, summary, p.stderr


def expected_verdicts():
    """EXPECTED.md as {"invalid/x.yml": [(type, key, message, line, col)]}
    for every file of invalid/, valid/ and valid_with_warnings/."""
    entry = re.compile(r'^- (error|warning) \| (.*?) \| "(.*)" \| '
                       r'(\d+):(\d+)$')
    verdicts, section, name = {}, None, None
    with open(os.path.join(CORPUS, "EXPECTED.md"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("## "):
                section = line[3:].strip().rstrip("/")
            elif line.startswith("### "):
                name = "%s/%s" % (section, line[4:].strip())
                verdicts[name] = []
            elif line.startswith("- ") and name:
                m = entry.match(line)
                assert m, "unreadable line in EXPECTED.md: " + line
                kind, key, msg, l, c = m.groups()
                verdicts[name].append((kind, key.strip(),
                                       msg.replace('\\"', '"'),
                                       int(l), int(c)))
    for sub in ("valid",):   # files expected to be clean are not listed
        for f in sorted(os.listdir(os.path.join(CORPUS, sub))):
            verdicts.setdefault("%s/%s" % (sub, f), [])
    return verdicts


def verdicts_of(summary, stderr, prefix):
    """What the importer said, per file under prefix, in the same shape."""
    got = {}
    for src in summary["sources"]:
        got[os.path.relpath(src["source"], prefix)] = []
    for r in summary["rejected"]:
        path, line, col = r["where"].rsplit(":", 2)
        msg = r["message"]
        key, _, text = msg.partition(": ")
        if not text or " " in key:      # no key: the message alone
            key, text = "", msg
        got.setdefault(os.path.relpath(path, prefix), []).append(
            ("error", key, text, int(line), int(col)))
    for line in stderr.splitlines():
        m = WARNING.search(line)
        if m:
            path, l, c, msg = m.groups()
            key, _, text = msg.partition(": ")
            got.setdefault(os.path.relpath(path, prefix), []).append(
                ("warning", key, text, int(l), int(c)))
    return got


class CorpusVerdictsTest(unittest.TestCase):
    """The parser's own test files get the parser's verdicts."""

    def test_verdicts_match_the_official_parser(self):
        expected = expected_verdicts()
        got = {}
        with tempfile.TemporaryDirectory(prefix="rollin-pc-") as d:
            db = os.path.join(d, "rollin.db")
            for sub in ("invalid", "valid", "valid_with_warnings"):
                rc, summary, err = run_import(db, os.path.join(CORPUS, sub))
                self.assertEqual(rc, 1 if sub == "invalid" else 0,
                                 summary or err)
                files = verdicts_of(summary, err, CORPUS)
                got.update(files)
                if sub != "invalid":
                    # A valid file is imported: at least its solution.
                    for src in summary["sources"]:
                        self.assertGreater(
                            src["imported"] + src["updated"], 0, src)
        exact = total = 0
        problems = []
        for name, want in sorted(expected.items()):
            have = got.get(name)
            self.assertIsNotNone(have, "%s was not imported" % name)
            total += max(len(want), 1)
            if not want:
                if have:
                    problems.append("%s: expected no findings, got %s"
                                    % (name, have))
                else:
                    exact += 1
                continue
            if len(have) != len(want):
                problems.append("%s: expected %s, got %s"
                                % (name, want, have))
                continue
            for w, h in zip(want, have):
                if w == h:
                    exact += 1
                elif (name in LIBRARY_MESSAGES and w[0] == h[0] and
                      w[1] == h[1] and w[3:] == h[3:]):
                    pass    # same key and place, the YAML library's words
                else:
                    problems.append("%s: expected %s, got %s"
                                    % (name, w, h))
        print("\npubliccode verdicts: %d of %d findings (and clean files) "
              "match EXPECTED.md exactly" % (exact, total))
        self.assertEqual(problems, [])
        self.assertGreaterEqual(exact, total - len(LIBRARY_MESSAGES))

    def test_the_draft_v1_format_is_refused_like_upstream(self):
        with tempfile.TemporaryDirectory(prefix="rollin-pc-") as d:
            path = os.path.join(CORPUS, "draft_v1", "v1__valid.yml")
            rc, summary, _ = run_import(os.path.join(d, "rollin.db"), path)
        self.assertEqual(rc, 1)
        self.assertEqual(summary["rejected"], [{
            "where": path + ":0:0",
            "message": "publiccodeYmlVersion: unsupported version: '1'. "
                       "Supported versions: 0, 0.2, 0.2.0, 0.2.1, 0.2.2, "
                       "0.3, 0.3.0, 0.4, 0.4.0, 0.5.0, 0.5, 0.7.0, 0.7"}])


# Real-world files (top level of the corpus) that import, and for the
# others the finding that rejects them.
REAL_IMPORTED = {
    "AgID__wai-portal.yml", "Amsterdam__signals-frontend.yml",
    "Arpapiemonte__openoise-map.yml", "CISOfy__lynis.yml",
    "CatalaLang__catala.yml",
    "CittaMetropolitanaVenezia__DeSK-KitRiuso-SICLA.yml",
    "Comune-Milano__gefo.yml", "indico__indico.yml",
    "italia__developers-italia-api.yml", "italia__publiccode-parser-go.yml",
}
REAL_REJECTED = {
    "AI-Riksarkivet__htrflow.yml":
        ("maintenance.contacts", 'is a required field when "type" is '
                                 '"internal"'),
    "AUSL-ReggioEmilia__DocSuitePA.yml":
        ("intendedAudience.scope[0]", "must be a valid scope"),
    "Aitema-gmbh__ratsinformationssystem.yml":
        ("publiccodeYmlVersion", "must be a string"),
    "BureauArchitectuurDigitaleOverheid__bouwmeester.yml":
        ("intendedAudience.scope[0]", "must be a valid scope"),
    "Chrisdo82__kolibri.yml":
        ("description.de.features", "must contain more than 0 items"),
    "CodeForBaltimore__Bmore-Responsive.yml":
        ("landingUrl", 'unknown field "landingUrl"'),
    "opf__openproject.yml":
        ("maintenance.contractors", 'is a required field when "type" is '
                                    '"contract"'),
}


class RealWorldTest(ServerTest):
    """Real files, imported into the store a running server reads."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.files = sorted(f for f in os.listdir(CORPUS)
                           if f.endswith(".yml"))
        cls.rc, cls.summary, cls.stderr = run_import(
            cls.server.db, *[os.path.join(CORPUS, f) for f in cls.files])

    def test_valid_files_import_and_invalid_ones_say_why(self):
        self.assertEqual(self.rc, 1)
        imported = {os.path.basename(s["source"])
                    for s in self.summary["sources"] if s["rejected"] == 0}
        self.assertEqual(imported, REAL_IMPORTED)
        for name, (key, words) in REAL_REJECTED.items():
            reasons = [r for r in self.summary["rejected"]
                       if os.path.basename(r["where"].rsplit(":", 2)[0]) ==
                       name]
            self.assertTrue(any(r["message"].startswith(key + ": ") and
                                words in r["message"] for r in reasons),
                            (name, reasons))
        # Progress per file on stderr.
        self.assertIn("[%d/%d] " % (len(self.files), len(self.files)),
                      self.stderr)
        # A rejected file wrote nothing: no solution for it.
        slugs = {s["slug"] for s in self.server.all_items(
            API + "/solutions?limit=500")}
        self.assertNotIn("openproject", slugs)
        self.assertNotIn("kolibri-the-accessible-html-standard", slugs)

    def test_a_solution_as_the_file_describes_it(self):
        r = self.server.get(API + "/solutions/indico")
        self.assertEqual(r.status, 200, r)
        s = r.json
        self.assertEqual(s["name"], "Indico")
        self.assertEqual(s["repository"], "https://github.com/indico/indico")
        self.assertEqual(s["homepage"], "https://getindico.io")
        self.assertEqual(s["licence"], "MIT")
        self.assertTrue(s["open_source"])
        self.assertEqual(s["maturity"], "production")     # stable
        # German first: the de description, its features as a list.
        self.assertTrue(s["summary"].startswith("Indico ist"), s["summary"])
        self.assertIn("\n- Raumbuchungssystem", s["description"])
        self.assertIn("event-management", s["categories"])
        self.assertIn({"title": "Dokumentation",
                       "url": "https://learn.getindico.io/"},
                      s["documentation"])
        self.assertEqual(
            s["owner"], "european-organization-for-nuclear-research-cern")
        rel = self.server.get(API + "/solutions/indico/releases").json
        self.assertEqual([(x["version"], x["status"], x["date"])
                          for x in rel["items"]],
                         [("3.3.13", "released", "2026-08-25")])

    def test_maintenance_contracts_and_dependencies(self):
        # Comune di Milano: contract maintenance until 2027-12-31 (an
        # unquoted date in the file), by a provider.
        s = self.server.get(API + "/solutions/ge-fo-gestionale-fondi").json
        self.assertEqual(s["owner"], "comune-di-milano")
        resp = self.server.get(
            API + "/solutions/ge-fo-gestionale-fondi/responsibilities").json
        self.assertIn(("maintenance", "datamanagement-italia-s-p-a",
                       "2027-12-31"),
                      [(x["role"], x["organisation"], x.get("until"))
                       for x in resp["items"]])
        org = self.server.get(
            API + "/organisations/datamanagement-italia-s-p-a").json
        self.assertEqual(org["kind"], "provider")
        self.assertEqual(self.server.get(
            API + "/organisations/comune-di-milano").json["kind"],
            "municipal")
        # dependsOn as prerequisites.
        api = self.server.get(API + "/solutions/software-catalog-api").json
        self.assertEqual(api["prerequisites"], ["PostgreSQL (optional)"])


class ImportTest(ServerTest):
    """Crafted files: re-import, atomicity, adoptions, URLs, usage."""

    FILE = """\
publiccodeYmlVersion: "0.7"
name: Bürgerportal Köln
url: "https://git.example.org/stadt-koeln/buergerportal"
landingURL: "https://buergerportal.example.org"
softwareVersion: "2.4.1"
releaseDate: "2026-03-02"
platforms: [web]
categories: [digital-citizenship, content-management]
usedBy:
  - Stadt Köln
  - Gemeinde Übach-Palenberg
  - "..."
developmentStatus: stable
softwareType: standalone/web
description:
  en:
    shortDescription: A citizens' portal.
    longDescription: >
      An English description that is long enough for the standard, which
      wants one hundred and fifty characters at least in every language
      that the file describes, so here they are.
    features: [Forms]
  de:
    shortDescription: Ein Bürgerportal für Anträge und Termine.
    longDescription: >
      Das Bürgerportal bündelt Online-Anträge, Terminbuchung und
      Bescheide an einem Ort. Es wird von der Stadt betrieben und steht
      anderen Kommunen zur Nachnutzung offen.
    features:
      - Online-Anträge
      - Terminbuchung
dependsOn:
  open:
    - name: PostgreSQL
      versionMin: "12"
legal:
  license: EUPL-1.2
  repoOwner: Stadt Köln
maintenance:
  type: contract
  contractors:
    - name: Kommunale Dienste GmbH
      until: "2027-12-31"
      website: "https://kd.example.org"
  contacts:
    - name: Erika Mustermann
      email: erika.mustermann@example.org
      phone: "+49 221 0000"
localisation:
  localisationReady: true
  availableLanguages: [de, en]
"""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = tempfile.TemporaryDirectory(prefix="rollin-pc-")
        cls.server.cli("org", "add", "betrieb", "--name", "Betrieb",
                       "--kind", "other")
        cls.admin = cls.server.token_for("admin", "betrieb")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()
        super().tearDownClass()

    def write(self, name, text):
        path = os.path.join(self.tmp.name, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def count(self, path):
        return len(self.server.all_items(API + path + "?limit=500",
                                         token=self.admin))

    def test_import_then_reimport_updates_without_duplicates(self):
        path = self.write("portal/publiccode.yml", self.FILE)
        rc, first, _ = run_import(self.server.db, path)
        self.assertEqual(rc, 0, first)
        self.assertEqual(first["rejected"], [])
        slug = "buergerportal-koeln"
        s = self.server.get(API + "/solutions/" + slug).json
        self.assertEqual(s["owner"], "stadt-koeln")
        self.assertEqual(s["summary"],
                         "Ein Bürgerportal für Anträge und Termine.")
        self.assertTrue(s["description"].endswith(
            "Funktionen:\n\n- Online-Anträge\n- Terminbuchung"),
            s["description"])
        self.assertEqual(s["prerequisites"], ["PostgreSQL >= 12"])
        self.assertEqual(self.server.get(
            API + "/organisations/stadt-koeln").json["kind"], "municipal")
        solutions = self.count("/solutions")
        organisations = self.count("/organisations")
        contacts = self.count("/contacts")
        # usedBy: adoptions, evaluating, marked unverified; "..." is nobody.
        adoptions = self.server.get(
            API + "/solutions/%s/adoptions" % slug).json["items"]
        self.assertEqual(sorted((a["organisation"], a["status"],
                                 a["context"]) for a in adoptions),
                         [("gemeinde-uebach-palenberg", "evaluating",
                           "unverified (from publiccode.yml usedBy)"),
                          ("stadt-koeln", "evaluating",
                           "unverified (from publiccode.yml usedBy)")])
        resp = self.server.get(
            API + "/solutions/%s/responsibilities" % slug).json["items"]
        self.assertEqual(sorted((r["role"], r["organisation"])
                                for r in resp),
                         [("contact", "stadt-koeln"),
                          ("maintenance", "kommunale-dienste-gmbh")])
        contact = [c for c in self.server.all_items(
            API + "/contacts?limit=500", token=self.admin)
            if c["name"] == "Erika Mustermann"]
        self.assertEqual(len(contact), 1)
        self.assertEqual(contact[0]["email"], "erika.mustermann@example.org")
        self.assertEqual(contact[0]["organisation"], "stadt-koeln")

        # An adopter moves on; the owner edits a field the file also has.
        a = [x for x in adoptions if x["organisation"] == "stadt-koeln"][0]
        r = self.server.patch(API + "/solutions/%s/adoptions/%d"
                              % (slug, a["id"]), {"status": "live"},
                              etag='"%d"' % a["rev"], token=self.admin)
        self.assertEqual(r.status, 200, r)

        changed = self.FILE.replace('softwareVersion: "2.4.1"',
                                    'softwareVersion: "2.5.0"')
        changed = changed.replace('releaseDate: "2026-03-02"',
                                  'releaseDate: "2026-05-04"')
        changed = changed.replace("name: Bürgerportal Köln",
                                  "name: Bürgerportal Köln (neu)")
        self.write("portal/publiccode.yml", changed)
        rc, second, _ = run_import(self.server.db, path)
        self.assertEqual(rc, 0, second)
        self.assertEqual(second["imported"], 1, second)   # the new release
        self.assertGreaterEqual(second["updated"], 1, second)
        self.assertEqual(self.count("/solutions"), solutions)
        self.assertEqual(self.count("/organisations"), organisations)
        self.assertEqual(self.count("/contacts"), contacts)
        s = self.server.get(API + "/solutions/" + slug).json
        self.assertEqual(s["name"], "Bürgerportal Köln (neu)")
        versions = sorted(x["version"] for x in self.server.get(
            API + "/solutions/%s/releases" % slug).json["items"])
        self.assertEqual(versions, ["2.4.1", "2.5.0"])
        adoptions = self.server.get(
            API + "/solutions/%s/adoptions" % slug).json["items"]
        self.assertEqual(len(adoptions), 2)
        self.assertIn(("stadt-koeln", "live"),
                      [(x["organisation"], x["status"]) for x in adoptions])

    def test_an_invalid_file_writes_nothing(self):
        bad = self.FILE.replace("name: Bürgerportal Köln",
                                "name: Fehlerportal")
        bad = bad.replace("stadt-koeln/buergerportal", "x/fehlerportal")
        bad = bad.replace("license: EUPL-1.2", "license: Not A Licence")
        bad = bad.replace("- name: Kommunale Dienste GmbH",
                          "- name: Nirgendwo GmbH")
        bad = bad.replace("  - Stadt Köln\n", "  - Stadt Nirgendwo\n")
        bad = bad.replace("type: contract", "type: sometimes")
        path = self.write("bad/publiccode.yml", bad)
        before = (self.count("/solutions"), self.count("/organisations"),
                  self.count("/contacts"))
        rc, summary, _ = run_import(self.server.db, path)
        self.assertEqual(rc, 1)
        self.assertEqual((summary["imported"], summary["updated"]), (0, 0))
        reasons = ["%s %s" % (r["where"], r["message"])
                   for r in summary["rejected"]]
        # Every error, each with its place and key.
        self.assertEqual(len(reasons), 3, reasons)
        self.assertTrue(any(r.startswith(path + ":") and
                            "legal.license: license must be a valid "
                            "license" in r for r in reasons), reasons)
        self.assertTrue(any("maintenance.type: type must be one of" in r
                            for r in reasons), reasons)
        self.assertTrue(any('maintenance.contractors: contractors must not '
                            'be present unless "type" is "contract"' in r
                            for r in reasons), reasons)
        self.assertEqual(before, (self.count("/solutions"),
                                  self.count("/organisations"),
                                  self.count("/contacts")))
        self.assertEqual(self.server.get(
            API + "/organisations/nirgendwo-gmbh").status, 404)

    def test_import_from_a_url(self):
        served = os.path.join(self.tmp.name, "www")
        os.makedirs(served, exist_ok=True)
        text = self.FILE.replace("name: Bürgerportal Köln",
                                 "name: Terminportal")
        text = text.replace("stadt-koeln/buergerportal",
                            "stadt-koeln/terminportal")
        with open(os.path.join(served, "publiccode.yml"), "w",
                  encoding="utf-8") as f:
            f.write(text)
        handler = functools.partial(_QuietHandler, directory=served)
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        t = threading.Thread(target=httpd.serve_forever, daemon=True)
        t.start()
        try:
            base = "http://127.0.0.1:%d/" % httpd.server_address[1]
            rc, summary, err = run_import(self.server.db,
                                          base + "publiccode.yml")
            self.assertEqual(rc, 0, (summary, err))
            self.assertEqual(summary["sources"][0]["source"],
                             base + "publiccode.yml")
            s = self.server.get(API + "/solutions/terminportal")
            self.assertEqual(s.status, 200, s)
            self.assertEqual(s.json["repository"],
                             "https://git.example.org/stadt-koeln/"
                             "terminportal")
            rc, summary, err = run_import(self.server.db,
                                          base + "missing.yml")
            self.assertEqual(rc, 1)
            self.assertEqual(summary["rejected"][0]["where"],
                             base + "missing.yml")
            self.assertIn("HTTP 404", summary["rejected"][0]["message"])
        finally:
            httpd.shutdown()
            httpd.server_close()

    def test_directories_are_walked_in_name_order(self):
        d = os.path.join(self.tmp.name, "tree")
        for i, sub in enumerate(("b/deep", "a", "c")):
            text = self.FILE.replace("name: Bürgerportal Köln",
                                     "name: Baum %d" % i)
            text = text.replace("stadt-koeln/buergerportal",
                                "baum/%d" % i)
            self.write("tree/%s/publiccode.yml" % sub, text)
        self.write("tree/a/README.md", "not for the importer")
        self.write("tree/.hidden/publiccode.yml", "name: hidden")
        rc, summary, err = run_import(self.server.db, d)
        self.assertEqual(rc, 0, (summary, err))
        self.assertEqual([os.path.relpath(s["source"], d)
                          for s in summary["sources"]],
                         ["a/publiccode.yml", "b/deep/publiccode.yml",
                          "c/publiccode.yml"])
        self.assertIn("[3/3] ", err)

    def test_usage_errors(self):
        db = self.server.db
        for args, words in (
                ([], "usage: rollin import"),
                (["/no/such/file.yml"], "/no/such/file.yml"),
                ([self.write("notes.txt", "x")], "--plugin"),
                (["--plugin", "no-such-importer",
                  self.write("x.yml", "a: b")], "no-such-importer")):
            p = subprocess.run([ROLLIN_BIN, "import", "--db", db] + args,
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(p.returncode, 2, (args, p.stderr))
            self.assertIn(words, p.stderr, args)
        p = subprocess.run([ROLLIN_BIN, "import", "--help"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0)
        self.assertIn("--plugin NAME", p.stdout)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


if __name__ == "__main__":
    unittest.main()
