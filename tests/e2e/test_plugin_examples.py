"""The worked examples of docs/plugins.md do what the guide says, run for
real: the C report plugins/example-report (built by CMake into the build's
plugins directory) counts the demo catalogue's solutions per maturity
exactly as the API lists them, and declares its parameter; the Lua
importer docs/examples/example-importer.lua, copied into a plugin
directory of its own, imports organisations from CSV and JSON through
`rollin import`, updates instead of duplicating, rejects the bad rows
with their reasons while the good ones land, and fails as a whole on
input it cannot read. A plugin that does not load is listed with the
reason, as the guide shows."""

import csv
import io
import json
import os
import re
import shutil
import tempfile
import unittest
from collections import Counter

from harness import ROLLIN_BIN, Server, ServerTest

API = "/api/v1"
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
LUA_EXAMPLE = os.path.join(ROOT, "docs", "examples", "example-importer.lua")
C_EXAMPLE = os.path.join(ROOT, "plugins", "example-report", "example_report.c")
GUIDE = os.path.join(ROOT, "docs", "plugins.md")
BUILD_PLUGINS = os.path.join(os.path.dirname(os.path.abspath(ROLLIN_BIN)),
                             "plugins")
MATURITIES = ("concept", "development", "pilot", "production",
              "widespread", "retired")

# Rows of the CSV the guide imports: two new organisations (the second
# without a kind, which the setting default_kind fills in), one row the
# plugin refuses (no slug), one the service refuses (an unknown kind).
CSV_TEXT = """slug;name;kind;state;website
kreis-beispiel;Landkreis Beispiel;municipal;Niedersachsen;https://www.kreis-beispiel.de
zweckverband-muster;Zweckverband Musterland;;Sachsen;
;Ohne Kennung;municipal;;
amt-falsch;Amt mit falscher Art;kreis;Hessen;
"""


class PluginExamplesTest(ServerTest):
    """One server with the demo data; the plugin directories and the
    example importer's setting come from a configuration file."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="rollin-e2e-examples-")
        cls.lua_dir = os.path.join(cls.tmp.name, "lua")
        os.mkdir(cls.lua_dir)
        shutil.copy(LUA_EXAMPLE, cls.lua_dir)
        cls.config = os.path.join(cls.tmp.name, "rollin.yaml")
        with open(cls.config, "w", encoding="utf-8") as f:
            f.write("plugin_dirs: %s:%s\n"
                    "plugins:\n"
                    "  example-importer:\n"
                    "    default_kind: association\n"
                    % (BUILD_PLUGINS, cls.lua_dir))
        # The configuration goes to the commands that load plugins.
        cls.server = Server(demo=True, demo_template=True,
                            args=["--config", cls.config]).start()
        cls.admin = cls.server.token_for("admin", "bmi")

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.tmp.cleanup()

    def rollin(self, *args):
        """`rollin ARGS` on the server's database and configuration."""
        return self.server.cli(*args, "--config", self.config, check=False)

    def write(self, name, text):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def import_file(self, path):
        """(exit code, summary) of the example importer on path."""
        p = self.rollin("import", "--json", "--plugin", "example-importer",
                        path)
        self.assertIn(p.returncode, (0, 1), p.stderr)
        return p.returncode, json.loads(p.stdout)

    # -- the guide ---------------------------------------------------------------

    def test_guide_quotes_the_examples_as_they_are(self):
        """Every excerpt the guide explains is in the example file verbatim
        (fences "```c example_report.c" and "```lua example-importer.lua"),
        so the explanation cannot drift from the code the tests run."""
        with open(GUIDE, encoding="utf-8") as f:
            guide = f.read()
        sources = {"example_report.c": C_EXAMPLE,
                   "example-importer.lua": LUA_EXAMPLE}
        seen = Counter()
        for name, block in re.findall(r"^```\w+ (\S+)\n(.*?)^```$", guide,
                                      re.M | re.S):
            self.assertIn(name, sources, name)
            with open(sources[name], encoding="utf-8") as f:
                self.assertIn(block, f.read(), "%s excerpt:\n%s"
                              % (name, block))
            seen[name] += 1
        self.assertGreaterEqual(seen["example_report.c"], 8, seen)
        self.assertGreaterEqual(seen["example-importer.lua"], 8, seen)

    # -- rollin plugins --------------------------------------------------------

    def test_plugins_lists_both_examples_loaded(self):
        p = self.rollin("plugins", "--json")
        self.assertEqual(p.returncode, 0, p.stderr)
        plugins = {x["name"]: x for x in json.loads(p.stdout)}
        report = plugins["example-report"]
        self.assertEqual((report["kind"], report["language"], report["state"],
                          report["version"]),
                         ("report", "c", "loaded", "1.0.0"), report)
        self.assertEqual(os.path.basename(report["file"]),
                         "example-report.so")
        importer = plugins["example-importer"]
        self.assertEqual((importer["kind"], importer["language"],
                          importer["state"]),
                         ("importer", "lua", "loaded"), importer)
        self.assertIsNone(importer["last_error"])

    def test_refused_plugin_is_listed_with_its_reason(self):
        broken = os.path.join(self.tmp.name, "broken")
        os.mkdir(broken)
        with open(LUA_EXAMPLE, encoding="utf-8") as f:
            text = f.read().replace('kind = "importer"', 'kind = "exporter"')
        with open(os.path.join(broken, "example-importer.lua"), "w",
                  encoding="utf-8") as f:
            f.write(text)
        p = self.rollin("plugins", "--json", "--plugins", broken)
        self.assertEqual(p.returncode, 0, p.stderr)
        [entry] = json.loads(p.stdout)
        self.assertEqual(entry["state"], "refused", entry)
        self.assertIn('kind must be "importer", "notifier" or "report", '
                      'not "exporter"', entry["last_error"])
        table = self.rollin("plugins", "--plugins", broken).stdout
        self.assertIn("refused", table)
        self.assertIn("error: kind must be", table)

    # -- the C report ----------------------------------------------------------

    def expected_rows(self, include_retired=True):
        solutions = self.server.all_items(API + "/solutions?limit=500")
        if not include_retired:
            solutions = [s for s in solutions if s["maturity"] != "retired"]
        count = Counter(s["maturity"] for s in solutions)
        free = Counter(s["maturity"] for s in solutions if s["open_source"])
        rows = [[m, count[m], free[m]] for m in MATURITIES if count[m]]
        rows.append([None, len(solutions), sum(free.values())])
        return rows

    def test_report_counts_solutions_per_maturity_as_the_api_lists_them(self):
        r = self.server.get(API + "/reports/example-report")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["report"], "example-report")
        self.assertEqual(r.json["columns"],
                         ["maturity", "solutions", "open_source"])
        self.assertEqual(r.json["params"], {"retired": "include"})
        self.assertEqual(r.json["rows"], self.expected_rows())
        # The demo has retired solutions, so the parameter matters.
        self.assertIn("retired", [row[0] for row in r.json["rows"]])

    def test_report_on_the_command_line_leaves_retired_out_on_request(self):
        p = self.rollin("report", "example-report", "--param",
                        "retired=exclude")
        self.assertEqual(p.returncode, 0, p.stderr)
        doc = json.loads(p.stdout)
        self.assertEqual(doc["params"], {"retired": "exclude"})
        self.assertEqual(doc["rows"], self.expected_rows(False))
        p = self.rollin("report", "example-report", "--format", "csv")
        self.assertEqual(p.returncode, 0, p.stderr)
        table = list(csv.reader(io.StringIO(p.stdout)))
        self.assertEqual(table[0], ["maturity", "solutions", "open_source"])
        self.assertEqual(table[1:], [["" if c is None else str(c)
                                      for c in row]
                                     for row in self.expected_rows()])

    def test_report_declares_its_parameter_and_the_host_checks_it(self):
        r = self.server.get(API + "/reports")
        self.assertEqual(r.status, 200, r)
        about = {i["name"]: i for i in r.json["items"]}["example-report"]
        self.assertEqual(about["description"],
                         "Beispiel: Lösungen je Reifegrad")
        [param] = about["parameters"]
        self.assertEqual((param["name"], param["type"], param["values"],
                          param["default"]),
                         ("retired", "enum", ["include", "exclude"],
                          "include"))
        r = self.server.get(API + "/reports/example-report?retired=maybe")
        self.assertError(r, 400, field="retired", code="invalid_parameter")
        r = self.server.get(API + "/reports/example-report?colour=red")
        self.assertError(r, 400, field="colour", code="invalid_parameter")

    def test_report_html_page_labels_the_rows(self):
        r = self.server.get(API + "/reports/example-report?format=html")
        self.assertEqual(r.status, 200, r)
        self.assertIn("text/html", r.header("Content-Type"))
        self.assertIn("Reifegrad", r.raw)
        self.assertIn("davon Open Source", r.raw)

    # -- the Lua importer ------------------------------------------------------

    def org(self, slug):
        return self.server.get(API + "/organisations/" + slug,
                               token=self.admin)

    def test_importer_imports_good_rows_and_rejects_bad_ones(self):
        before = len(self.server.all_items(API + "/organisations?limit=500"))
        path = self.write("organisations.csv", CSV_TEXT)
        rc, summary = self.import_file(path)
        self.assertEqual(rc, 1, summary)    # something was rejected
        self.assertEqual((summary["imported"], summary["updated"]), (2, 0),
                         summary)
        rejected = {r["where"]: r["message"] for r in summary["rejected"]}
        self.assertEqual(set(rejected), {path + ":row 4", path + ":row 5"})
        self.assertEqual(rejected[path + ":row 4"],
                         "slug and name are required")
        self.assertIn("not 'kreis'", rejected[path + ":row 5"])

        kreis = self.org("kreis-beispiel")
        self.assertEqual(kreis.status, 200, kreis)
        self.assertEqual((kreis.json["name"], kreis.json["kind"],
                          kreis.json["state"], kreis.json["website"]),
                         ("Landkreis Beispiel", "municipal", "Niedersachsen",
                          "https://www.kreis-beispiel.de"))
        verband = self.org("zweckverband-muster")
        self.assertEqual(verband.status, 200, verband)
        self.assertEqual(verband.json["kind"], "association")  # the setting
        self.assertNotIn("website", verband.json)   # empty cell: not given
        self.assertEqual(self.org("amt-falsch").status, 404)
        after = len(self.server.all_items(API + "/organisations?limit=500"))
        self.assertEqual(after, before + 2)

        # Importing a corrected file again updates instead of duplicating.
        fixed = CSV_TEXT.replace("Landkreis Beispiel", "Landkreis Beispiel-Nord")
        fixed = fixed.replace(";kreis;", ";municipal;")
        rc, summary = self.import_file(self.write("fixed.csv", fixed))
        self.assertEqual((summary["imported"], summary["updated"]), (1, 2),
                         summary)
        self.assertEqual(self.org("kreis-beispiel").json["name"],
                         "Landkreis Beispiel-Nord")
        self.assertEqual(self.org("amt-falsch").json["kind"], "municipal")
        self.assertEqual(len(self.server.all_items(
            API + "/organisations?limit=500")), before + 3)

    def test_importer_reads_json_too(self):
        path = self.write("organisations.json", json.dumps([
            {"slug": "amt-json", "name": "Amt aus JSON", "kind": "state",
             "state": "Bremen"},
            {"slug": "amt-preussen", "name": "Amt", "kind": "state",
             "state": "Preußen"},
        ]))
        rc, summary = self.import_file(path)
        self.assertEqual((rc, summary["imported"]), (1, 1), summary)
        [bad] = summary["rejected"]
        self.assertEqual(bad["where"], path + ":[1]")
        self.assertIn("Preußen", bad["message"])
        self.assertEqual(self.org("amt-json").json["state"], "Bremen")
        self.assertEqual(self.org("amt-preussen").status, 404)

    def test_unreadable_input_fails_as_a_whole_and_writes_nothing(self):
        path = self.write("broken.csv", "slug,name\n"
                                        "amt-vorher,Amt vorher\n"
                                        "\"amt-kaputt,Amt\n")
        rc, summary = self.import_file(path)
        self.assertEqual(rc, 1, summary)
        self.assertEqual((summary["imported"], summary["updated"]), (0, 0))
        [failure] = summary["rejected"]
        self.assertIn("line 3: a quoted field is not closed",
                      failure["message"])
        self.assertEqual(self.org("amt-vorher").status, 404)

        path = self.write("object.json", '{"slug": "amt-objekt"}')
        rc, summary = self.import_file(path)
        self.assertEqual(rc, 1, summary)
        self.assertIn("must be an array",
                      summary["rejected"][0]["message"])


if __name__ == "__main__":
    unittest.main()
