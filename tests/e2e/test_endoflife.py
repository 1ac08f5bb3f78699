"""Third-party products and the end of their support, as an operator, an
owner and an endoflife.date client meet them:

- `rollin import` of endoflife.date API v1 product files (the fixtures in
  tests/fixtures/endoflife follow schema 1.2.1): products and their cycles,
  a re-import that updates and never duplicates, malformed release cycles
  rejected with their JSON path while the others land, flags without
  dates, and files that import into a solution's own cycles;
- dependencies of solutions on products, with the support status of the
  cycle they run on derived for the day;
- the eol report: solutions that run on an end-of-life cycle (or one whose
  end comes within N days), over the API and the command line;
- the endoflife.date-compatible API under /eol/api/v1 for the catalogue's
  solutions, checked against the cycles API, and its 404s;
- publiccode.yml dependsOn as dependencies.

The clock stands at 2026-06-01: PostgreSQL 12 (eol 2024-11-21) and 13
(2025-11-13) are past their end of life, 14 (2026-11-12) ends in 164 days,
15 to 17 are supported."""

import json
import os
import tempfile
import unittest

from harness import Server, ServerTest

API = "/api/v1"
EOL = "/eol/api/v1"
TODAY = "2026-06-01"
ENV = {"ROLLIN_NOW": TODAY, "ROLLIN_TIMER_INTERVAL": "86400"}
HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures", "endoflife")
PUBLICCODE = os.path.join(HERE, "..", "fixtures", "publiccode", "valid",
                          "dependsOn.yml")
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                   "runtime error:")


def fixture(name):
    return os.path.join(FIXTURES, name)


def load(name):
    with open(fixture(name), encoding="utf-8") as f:
        return json.load(f)


def rollin_import(server, *args):
    """`rollin import --json ARGS` on the server's database:
    (exit code, summary or None, stderr)."""
    p = server.cli("import", "--json", "--log-level", "warn", *args,
                   check=False)
    if any(m in p.stderr for m in SANITIZER_MARKS):
        raise AssertionError("rollin import reported memory or undefined "
                             "behaviour errors:\n" + p.stderr)
    summary = json.loads(p.stdout) if p.stdout.strip() else None
    return p.returncode, summary, p.stderr


def by_name(items, key="name"):
    return {x[key]: x for x in items}


class ProductImportTest(unittest.TestCase):
    """Importing into an empty store: what lands, and what does not."""

    def setUp(self):
        self.server = Server(env=ENV).start()

    def tearDown(self):
        self.server.stop()
        self.server.dir.cleanup()
        self.server.check_sanitizers()

    def cycles(self, product):
        return by_name(self.server.all_items(
            API + "/products/%s/cycles?limit=500" % product))

    def test_a_product_and_its_cycles_as_the_file_says(self):
        rc, summary, err = rollin_import(self.server, "--plugin",
                                         "endoflife",
                                         fixture("postgresql.json"))
        self.assertEqual(rc, 0, err)
        self.assertEqual(summary["rejected"], [])
        self.assertEqual(summary["imported"], 7)   # product + 6 cycles
        doc = load("postgresql.json")["result"]
        p = self.server.get(API + "/products/postgresql")
        self.assertEqual(p.status, 200, p)
        self.assertEqual((p.json["label"], p.json["category"],
                          p.json["link"]),
                         ("PostgreSQL", "database",
                          doc["links"]["releasePolicy"]))
        cycles = self.cycles("postgresql")
        self.assertEqual(set(cycles), {r["name"] for r in doc["releases"]})
        for r in doc["releases"]:
            c = cycles[r["name"]]
            self.assertEqual((c["release_date"], c["eol"], c["lts"],
                              c["latest"], c["latest_date"], c["link"]),
                             (r["releaseDate"], r["eolFrom"], r["isLts"],
                              r["latest"]["name"], r["latest"]["date"],
                              r["latest"]["link"]), r["name"])
            self.assertNotIn("support_until", c)   # no eoas in the file
        # Where each cycle stands on 2026-06-01.
        self.assertEqual({n: c["support_status"] for n, c in cycles.items()},
                         {"17": "active", "16": "active", "15": "active",
                          "14": "active", "13": "eol", "12": "eol"})
        self.assertEqual(cycles["14"]["days_to_eol"], 164)
        self.assertEqual(cycles["12"]["days_to_eol"], -557)

    def test_reimport_updates_and_never_duplicates(self):
        rc, first, err = rollin_import(self.server, "--plugin", "endoflife",
                                       fixture("postgresql.json"))
        self.assertEqual(rc, 0, err)
        before = self.cycles("postgresql")
        rc, again, err = rollin_import(self.server, "--plugin", "endoflife",
                                       fixture("postgresql.json"))
        self.assertEqual(rc, 0, err)
        self.assertEqual((again["imported"], again["rejected"]), (0, []))
        self.assertEqual(self.cycles("postgresql"), before)
        # The source moved on: a new cycle, a newer version of 17.
        rc, later, err = rollin_import(self.server, "--plugin", "endoflife",
                                       fixture("postgresql-later.json"))
        self.assertEqual(rc, 0, err)
        self.assertEqual(later["imported"], 1, later)
        after = self.cycles("postgresql")
        self.assertEqual(set(after), set(before) | {"18"})
        self.assertEqual((after["17"]["latest"], after["17"]["latest_date"]),
                         ("17.7", "2025-11-13"))
        self.assertEqual(after["17"]["id"], before["17"]["id"])
        self.assertEqual(after["18"]["eol"], "2030-11-14")
        products = self.server.all_items(API + "/products")
        self.assertEqual([p["name"] for p in products], ["postgresql"])

    def test_json_files_go_to_the_endoflife_importer_by_content(self):
        rc, summary, err = rollin_import(self.server, fixture("ubuntu.json"))
        self.assertEqual(rc, 0, err)
        self.assertEqual(summary["sources"][0]["plugin"], "endoflife")
        ubuntu = self.cycles("ubuntu")
        self.assertEqual((ubuntu["22.04"]["support_until"],
                          ubuntu["22.04"]["eol"],
                          ubuntu["22.04"]["extended_support"],
                          ubuntu["22.04"]["lts"]),
                         ("2027-06-01", "2027-06-01", "2032-04-09", True))
        self.assertNotIn("extended_support", ubuntu["25.10"])
        # Other JSON is no endoflife.date product: no importer by default.
        with tempfile.TemporaryDirectory() as tmp:
            other = os.path.join(tmp, "settings.json")
            with open(other, "w") as f:
                json.dump({"theme": "dark"}, f)
            rc, _, err = rollin_import(self.server, other)
            self.assertEqual(rc, 2, err)
            self.assertIn("no importer reads this kind of file", err)

    def test_malformed_cycles_are_rejected_with_their_paths(self):
        path = fixture("malformed.json")
        rc, summary, err = rollin_import(self.server, "--plugin",
                                         "endoflife", path)
        self.assertEqual(rc, 1, err)
        rejected = {r["where"]: r["message"] for r in summary["rejected"]}
        at = path + ":result.releases"
        self.assertEqual(set(rejected), {
            at + "[1].eolFrom", at + "[2].name", at + "[3].isLts",
            at + "[4].latest", at + "[5].eoasFrom", at + "[6]"})
        self.assertIn("'10.1' not imported", rejected[at + "[1].eolFrom"])
        self.assertIn('YYYY-MM-DD', rejected[at + "[1].eolFrom"])
        self.assertIn('"2026-31-12"', rejected[at + "[1].eolFrom"])
        self.assertIn("name (the release cycle) is missing",
                      rejected[at + "[2].name"])
        self.assertIn("isLts must be true, false or null",
                      rejected[at + "[3].isLts"])
        # The store's own check, in the source's words.
        self.assertIn("eoasFrom (2015-01-01) must not be before "
                      "releaseDate (2016-12-31)",
                      rejected[at + "[5].eoasFrom"])
        # The good ones landed.
        self.assertEqual(set(self.cycles("tomcat")), {"11.0", "9.0"})

    def test_a_file_that_is_no_product_writes_nothing(self):
        with tempfile.TemporaryDirectory() as tmp:
            cases = {"list.json": '{"result": ["postgresql", "ubuntu"]}',
                     "broken.json": '{"result": {"name": "x", ',
                     "v2.json": json.dumps({
                         "schema_version": "2.0.0",
                         "result": {"name": "redis", "releases": []}}),
                     "name.json": json.dumps({
                         "result": {"name": "Red Is", "releases": []}})}
            why = {"list.json": "not an endoflife.date product",
                   "broken.json": "not JSON: line 1",
                   "v2.json": "only endoflife.date API v1",
                   "name.json": "result.name must be the product's name"}
            for name, text in cases.items():
                path = os.path.join(tmp, name)
                with open(path, "w") as f:
                    f.write(text)
                rc, summary, err = rollin_import(self.server, "--plugin",
                                                 "endoflife", path)
                self.assertEqual(rc, 1, (name, err))
                self.assertEqual(summary["imported"], 0)
                self.assertIn(why[name], summary["rejected"][0]["message"],
                              name)
        self.assertEqual(self.server.all_items(API + "/products"), [])

    def test_flags_without_dates_count_from_the_files_day(self):
        rc, summary, err = rollin_import(self.server, "--plugin",
                                         "endoflife", fixture("undated.json"))
        self.assertEqual(rc, 0, err)
        cycles = self.cycles("legacy-runtime")
        # "isEol": true without eolFrom: reached by the day of generated_at.
        self.assertEqual((cycles["3"]["eol"], cycles["3"]["support_status"]),
                         ("2025-03-15", "eol"))
        self.assertEqual(cycles["3"]["latest"], "3.9")
        self.assertNotIn("eol", cycles["4"])
        self.assertEqual(cycles["4"]["support_status"], "active")

    def test_products_are_written_by_admins_only(self):
        self.server.cli("org", "add", "amt", "--name", "Amt", "--kind",
                        "municipal")
        owner = self.server.token("owner", "amt")
        admin = self.server.token("admin", "amt")
        body = {"name": "keycloak", "label": "Keycloak",
                "category": "server-app"}
        r = self.server.post(API + "/products", body, token=owner)
        self.assertEqual(r.status, 403, r)
        r = self.server.post(API + "/products", body, token=admin)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.header("Location"), API + "/products/keycloak")
        r = self.server.post(API + "/products", dict(body, name="Key Cloak"),
                             token=admin)
        self.assertEqual((r.status, r.json["error"]["field"]), (422, "name"))
        r = self.server.post(API + "/products/keycloak/cycles",
                             {"name": "26", "release_date": "2024-10-02",
                              "eol": "2024-01-01"}, token=admin)
        self.assertEqual((r.status, r.json["error"]["field"]), (422, "eol"))
        r = self.server.post(API + "/products/keycloak/cycles",
                             {"name": "26", "release_date": "2024-10-02"},
                             token=owner)
        self.assertEqual(r.status, 403, r)


class EndoflifeTest(ServerTest):
    """The demo catalogue with PostgreSQL and Ubuntu imported."""

    DEMO = True
    DEMO_TEMPLATE = True
    ENV = ENV

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        for name in ("postgresql.json", "ubuntu.json"):
            rc, summary, err = rollin_import(s, "--plugin", "endoflife",
                                             fixture(name))
            assert rc == 0, err
        cls.admin = s.token_for("admin", "bmi")
        cls.solutions = by_name(s.all_items(API + "/solutions?limit=500"),
                                "slug")

    def owner_token(self, slug):
        return self.server.token_for("owner", self.solutions[slug]["owner"])

    def depend(self, slug, body, token=None):
        return self.server.post(API + "/solutions/%s/dependencies" % slug,
                                body, token=token or self.owner_token(slug))

    # -- dependencies --------------------------------------------------------

    def test_dependencies_show_where_their_cycle_stands(self):
        slug = "gebuehrenrechner"
        r = self.depend(slug, {"product": "postgresql", "cycle": "13",
                               "kind": "open", "note": "Datenbank"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual((r.json["product_label"], r.json["eol"],
                          r.json["support_status"], r.json["days_to_eol"]),
                         ("PostgreSQL", "2025-11-13", "eol", -200))
        self.assertEqual(r.json["latest"], "13.20")
        # A version finds its cycle: 22.04.3 runs on Ubuntu 22.04.
        r = self.depend(slug, {"product": "ubuntu", "cycle": "22.04.3"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual((r.json["product_cycle"], r.json["support_status"],
                          r.json["support_until"], r.json["eol"],
                          r.json["extended_support"]),
                         ("22.04", "active", "2027-06-01", "2027-06-01",
                          "2032-04-09"))
        # Read by everybody, with what is derived.
        items = self.server.get(
            API + "/solutions/%s/dependencies" % slug).json["items"]
        self.assertEqual({(d["product"], d["support_status"])
                          for d in items},
                         {("postgresql", "eol"), ("ubuntu", "active")})
        # One dependency per product; products must exist.
        r = self.depend(slug, {"product": "postgresql", "cycle": "16"})
        self.assertEqual((r.status, r.json["error"]["code"]),
                         (409, "duplicate"))
        r = self.depend(slug, {"product": "cobol-runtime", "cycle": "1"})
        self.assertEqual((r.status, r.json["error"]["code"],
                          r.json["error"]["field"]),
                         (422, "unknown_reference", "product"))
        r = self.depend(slug, {"product": "ubuntu", "kind": "firmware"})
        self.assertEqual((r.status, r.json["error"]["field"]),
                         (422, "kind"))
        # Only the solution's owner (or an admin) writes them.
        other = self.owner_token("wohngeld-online")
        r = self.depend(slug, {"product": "ubuntu"}, token=other)
        self.assertEqual(r.status, 403, r)
        r = self.server.post(API + "/solutions/%s/dependencies" % slug,
                             {"product": "ubuntu"})
        self.assertEqual(r.status, 401, r)
        # Moving to a supported cycle changes the status.
        dep = [d for d in items if d["product"] == "postgresql"][0]
        r = self.server.patch(API + "/solutions/%s/dependencies/%d"
                              % (slug, dep["id"]), {"cycle": "16"},
                              etag='"%d"' % dep["rev"],
                              token=self.owner_token(slug))
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json["support_status"], r.json["eol"]),
                         ("active", "2028-11-09"))
        # A product still depended on is not deleted.
        r = self.server.delete(API + "/products/ubuntu", token=self.admin)
        self.assertEqual((r.status, r.json["error"]["code"]),
                         (409, "in_use"))

    def test_a_dependency_without_a_known_cycle_is_unknown(self):
        slug = "fundbuero-online"
        for body in ({"product": "ubuntu"},
                     {"product": "postgresql", "cycle": "9.6"}):
            r = self.depend(slug, body)
            self.assertEqual(r.status, 201, r)
            self.assertEqual((r.json["support_status"], r.json["eol"],
                              r.json["product_cycle"]),
                             ("unknown", None, None), body)

    # -- the eol report ------------------------------------------------------

    def test_eol_report_lists_solutions_on_end_of_life_products(self):
        s = self.server
        for slug, cycle in (("hundesteuer-anmeldung", "12"),
                            ("sondernutzungserlaubnis", "17"),
                            ("bauantrag-online", "14.3")):
            r = self.depend(slug, {"product": "postgresql", "cycle": cycle})
            self.assertEqual(r.status, 201, r)
        r = s.get(API + "/reports/eol")
        self.assertEqual(r.status, 200, r)
        cols = r.json["columns"]
        rows = {row[0]: dict(zip(cols, row)) for row in r.json["rows"]}
        owner = s.get(API + "/organisations/" + self.solutions[
            "hundesteuer-anmeldung"]["owner"]).json["name"]
        self.assertEqual(rows["hundesteuer-anmeldung"], {
            "solution": "hundesteuer-anmeldung",
            "name": self.solutions["hundesteuer-anmeldung"]["name"],
            "owner": owner, "product": "postgresql",
            "product_label": "PostgreSQL", "cycle": "12",
            "eol": "2024-11-21", "days_past": 557, "days_left": None,
            "status": "eol", "upgrade_to": "17"})
        # Supported for years: not in the report; 164 days left: only
        # when the window reaches that far.
        self.assertNotIn("sondernutzungserlaubnis", rows)
        self.assertNotIn("bauantrag-online", rows)
        r = s.get(API + "/reports/eol?within_days=200")
        rows = {row[0]: dict(zip(cols, row)) for row in r.json["rows"]}
        self.assertEqual((rows["bauantrag-online"]["status"],
                          rows["bauantrag-online"]["days_left"],
                          rows["bauantrag-online"]["eol"]),
                         ("ending", 164, "2026-11-12"))
        self.assertNotIn("sondernutzungserlaubnis", rows)
        # Most overdue first.
        days = [row[cols.index("days_past")] for row in r.json["rows"]]
        past = [d for d in days if d is not None]
        self.assertEqual(past, sorted(past, reverse=True))
        # The command line gives the same table.
        p = s.cli("report", "eol", "--param", "within_days=200")
        doc = json.loads(p.stdout)
        self.assertEqual(doc["rows"], r.json["rows"])
        self.assertEqual(doc["params"], {"within_days": "200"})

    def test_eol_report_describes_its_parameter(self):
        items = by_name(self.server.get(API + "/reports").json["items"])
        self.assertIn("eol", items)
        params = by_name(items["eol"]["parameters"])
        self.assertEqual((params["within_days"]["type"],
                          params["within_days"]["default"]),
                         ("integer", "90"))
        r = self.server.get(API + "/reports/eol?within_days=soon")
        self.assertEqual(r.status, 400, r)

    # -- the endoflife.date API ------------------------------------------------

    RELEASE_KEYS = {"name", "codename", "label", "releaseDate", "isLts",
                    "ltsFrom", "isEol", "eolFrom", "isMaintained", "latest"}

    def check_release(self, rel, cycle, has_eoas, has_eoes):
        """One ProductRelease against the cycle as the cycles API shows
        it (schema 1.2.1 semantics)."""
        self.assertLessEqual(self.RELEASE_KEYS, set(rel), rel)
        self.assertEqual(rel["name"], cycle["name"])
        self.assertIsInstance(rel["label"], str)
        self.assertEqual(rel["isLts"], cycle.get("lts", False))
        self.assertEqual(rel["eolFrom"], cycle.get("eol"))
        self.assertEqual(rel["isEol"],
                         cycle["support_status"] in ("eol", "extended"))
        if cycle.get("release_date"):
            self.assertEqual(rel["releaseDate"], cycle["release_date"])
        self.assertEqual("isEoas" in rel, has_eoas)
        if has_eoas:
            self.assertEqual(rel["eoasFrom"], cycle.get("support_until"))
            if cycle.get("support_until"):
                self.assertEqual(rel["isEoas"],
                                 cycle["support_until"] <= TODAY)
        self.assertEqual("isEoes" in rel, has_eoes)
        if cycle.get("latest"):
            self.assertEqual((rel["latest"]["name"], rel["latest"]["date"]),
                             (cycle["latest"], cycle["latest_date"]))
        else:
            self.assertIsNone(rel["latest"])
        self.assertEqual(rel["isMaintained"],
                         cycle["support_status"] not in ("eol",))

    def test_products_list_every_solution(self):
        r = self.server.get(EOL + "/products")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["schema_version"], "1.2.1")
        self.assertIn("generated_at", r.json)
        self.assertEqual(r.json["total"], len(self.solutions))
        self.assertEqual({p["name"] for p in r.json["result"]},
                         set(self.solutions))
        for p in r.json["result"]:
            self.assertEqual(p["label"], self.solutions[p["name"]]["name"])
            self.assertIn(p["category"], p["tags"])
            self.assertEqual(p["aliases"], [])
            self.assertTrue(p["uri"].endswith(
                EOL + "/products/%s/" % p["name"]), p)
        # With a trailing slash, as endoflife.date's own links have it.
        self.assertEqual(self.server.get(EOL + "/products/").json["result"],
                         r.json["result"])

    def test_every_solution_matches_its_cycles(self):
        for slug in sorted(self.solutions):
            r = self.server.get(EOL + "/products/" + slug)
            self.assertEqual(r.status, 200, (slug, r))
            doc = r.json
            self.assertEqual(doc["schema_version"], "1.2.1")
            self.assertIn("last_modified", doc)
            p = doc["result"]
            self.assertLessEqual({"name", "label", "aliases", "category",
                                  "tags", "identifiers", "labels", "links",
                                  "releases"}, set(p))
            self.assertEqual((p["name"], p["label"]),
                             (slug, self.solutions[slug]["name"]))
            self.assertIsInstance(p["labels"]["eol"], str)
            self.assertIsInstance(p["links"]["html"], str)
            cycles = self.server.all_items(
                API + "/solutions/%s/cycles?limit=500" % slug)
            self.assertEqual(sorted(x["name"] for x in p["releases"]),
                             sorted(c["name"] for c in cycles), slug)
            has_eoas = any(c.get("support_until") for c in cycles)
            has_eoes = any(c.get("extended_support") for c in cycles)
            self.assertEqual(p["labels"]["eoas"] is not None, has_eoas)
            cycles = by_name(cycles)
            for rel in p["releases"]:
                self.check_release(rel, cycles[rel["name"]], has_eoas,
                                   has_eoes)
            # Newest first.
            dates = [x["releaseDate"] for x in p["releases"]
                     if x["releaseDate"]]
            self.assertEqual(dates, sorted(dates, reverse=True), slug)

    def test_one_release_and_the_latest(self):
        slug = "wohngeld-online"
        cycles = by_name(self.server.all_items(
            API + "/solutions/%s/cycles" % slug))
        r = self.server.get(EOL + "/products/%s/releases/2.x" % slug)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["schema_version"], "1.2.1")
        rel = r.json["result"]
        self.assertEqual((rel["isEol"], rel["eolFrom"], rel["isEoas"],
                          rel["isMaintained"]),
                         (True, "2025-12-31", True, False))
        self.check_release(rel, cycles["2.x"], True, False)
        # Latest: the newest cycle released by today (4.x, 2026-04-20).
        latest = self.server.get(
            EOL + "/products/%s/releases/latest" % slug).json["result"]
        self.assertEqual(latest["name"], "4.x")
        self.assertEqual(latest, self.server.get(
            EOL + "/products/%s/releases/4.x/" % slug).json["result"])
        self.assertEqual(latest, self.server.get(
            EOL + "/products/%s/releases/latest/" % slug).json["result"])
        # A cycle still to come is listed, but is not the latest.
        slug = "bauantrag-online"
        names = [x["name"] for x in self.server.get(
            EOL + "/products/" + slug).json["result"]["releases"]]
        self.assertEqual(names, ["2027", "2026", "2025"])
        self.assertEqual(self.server.get(
            EOL + "/products/%s/releases/latest" % slug).json["result"]
            ["name"], "2026")

    def test_unknown_products_and_releases_answer_404(self):
        for path, message in (
                ("/products/no-such-solution", "Product not found"),
                ("/products/no-such-solution/", "Product not found"),
                ("/products/no-such-solution/releases/1.x",
                 "Product not found"),
                ("/products/wohngeld-online/releases/9.x",
                 "Release not found"),
                ("/products/klimaanpassungskataster/releases/latest",
                 "Release not found")):
            r = self.server.get(EOL + path)
            self.assertEqual(r.status, 404, (path, r))
            self.assertTrue(r.header("Content-Type").startswith(
                "application/json"), path)
            self.assertEqual(r.json, {"message": message}, path)
        # A solution without cycles is a product without releases.
        r = self.server.get(EOL + "/products/klimaanpassungskataster")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["result"]["releases"], [])

    def test_index_and_anonymous_access(self):
        r = self.server.get(EOL + "/")
        self.assertEqual(r.status, 200, r)
        self.assertEqual([u["name"] for u in r.json["result"]], ["products"])
        self.assertEqual(r.header("Access-Control-Allow-Origin"), "*")
        r = self.server.post(EOL + "/products", {})
        self.assertEqual(r.status, 405, r)

    # -- importing into a solution's own cycles -----------------------------

    def test_a_solution_imports_its_own_cycles(self):
        s = self.server
        slug = "ki-bescheidassistent"
        rc, summary, err = rollin_import(
            s, fixture("solution-ki-bescheidassistent.json"))
        self.assertEqual(rc, 0, err)
        self.assertEqual(summary["rejected"], [])
        # Cycles of the solution, not a product.
        self.assertEqual(s.get(API + "/products/" + slug).status, 404)
        cycles = by_name(s.all_items(API + "/solutions/%s/cycles" % slug))
        self.assertEqual(set(cycles), {"0.x", "1.x", "2.x"})
        self.assertEqual((cycles["1.x"]["support_until"],
                          cycles["1.x"]["eol"], cycles["1.x"]["lts"],
                          cycles["1.x"]["latest"],
                          cycles["1.x"]["latest_date"]),
                         ("2027-03-31", "2027-09-30", True, "1.2.0",
                          "2026-04-15"))
        self.assertEqual(cycles["0.x"]["support_status"], "eol")
        releases = s.all_items(API + "/solutions/%s/releases" % slug)
        released = sorted((x["version"], x["cycle"], x["date"])
                          for x in releases if x["status"] == "released")
        self.assertEqual(released, [("0.9.3", "0.x", "2025-09-30"),
                                    ("1.2.0", "1.x", "2026-04-15")])
        # Again: nothing new.
        rc, again, err = rollin_import(
            s, fixture("solution-ki-bescheidassistent.json"))
        self.assertEqual((rc, again["imported"]), (0, 0), err)
        self.assertEqual(len(s.all_items(
            API + "/solutions/%s/releases" % slug)), len(releases))
        # And endoflife.date clients see them.
        latest = s.get(EOL + "/products/%s/releases/latest" % slug).json
        self.assertEqual((latest["result"]["name"],
                          latest["result"]["latest"]["name"]),
                         ("1.x", "1.2.0"))

    def test_the_setting_names_the_solution_to_import_into(self):
        s = self.server
        slug = "foerderlotse-vereine"
        with tempfile.TemporaryDirectory() as tmp:
            config = os.path.join(tmp, "rollin.yaml")
            with open(config, "w") as f:
                f.write("plugins:\n  endoflife:\n    solution: %s\n" % slug)
            rc, summary, err = rollin_import(s, "--config", config,
                                             fixture("ubuntu.json"))
            self.assertEqual(rc, 0, err)
            self.assertEqual(summary["rejected"], [])
            with open(config, "w") as f:
                f.write("plugins:\n  endoflife:\n    solution: nirgends\n")
            rc, summary, err = rollin_import(s, "--config", config,
                                             fixture("ubuntu.json"))
            self.assertEqual(rc, 1, err)
            self.assertIn("there is no solution 'nirgends'",
                          summary["rejected"][0]["message"])
        cycles = by_name(s.all_items(API + "/solutions/%s/cycles" % slug))
        self.assertEqual(set(cycles), {"25.10", "24.04", "22.04", "20.04"})
        self.assertEqual(cycles["24.04"]["latest"], "24.04.2")
        # The product Ubuntu is as it was: one set of its cycles.
        self.assertEqual(len(s.all_items(API + "/products/ubuntu/cycles")), 4)

    # -- publiccode.yml dependsOn -------------------------------------------

    def test_publiccode_depends_on_becomes_dependencies(self):
        s = self.server
        rc, summary, err = rollin_import(s, "--plugin", "publiccode",
                                         PUBLICCODE)
        self.assertEqual(rc, 0, err)
        self.assertEqual(summary["rejected"], [])
        slug = [x["slug"] for x in s.all_items(API + "/solutions?limit=500")
                if x["name"] == "Medusa"][0]
        deps = by_name(s.all_items(API + "/solutions/%s/dependencies" % slug),
                       "product")
        self.assertEqual({k: (d["kind"], d.get("cycle"))
                          for k, d in deps.items()},
                         {"mysql": ("open", None),
                          "postgresql": ("open", "3.2"),
                          "oracle": ("proprietary", None),
                          "nfc-reader": ("hardware", None),
                          "nfc-reader1": ("hardware", None),
                          "nfc-reader2": ("hardware", None)})
        self.assertEqual(deps["mysql"]["note"], "MySQL >= 1.1, <= 1.3 "
                         "(optional)")
        # The known product is found again, not created twice; the others
        # are new, named as the file names them.
        self.assertEqual(deps["postgresql"]["product_label"], "PostgreSQL")
        self.assertEqual(deps["postgresql"]["support_status"], "unknown")
        self.assertEqual(s.get(API + "/products/oracle").json["label"],
                         "Oracle")
        # Prerequisites are kept as they were.
        self.assertIn("PostgreSQL 3.2 (optional)",
                      s.get(API + "/solutions/" + slug).json["prerequisites"])
        # A re-import adds nothing.
        rc, again, err = rollin_import(s, "--plugin", "publiccode",
                                       PUBLICCODE)
        self.assertEqual(rc, 0, err)
        self.assertEqual(len(s.all_items(
            API + "/solutions/%s/dependencies" % slug)), 6)


if __name__ == "__main__":
    unittest.main()
