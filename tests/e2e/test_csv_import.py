"""The shipped CSV importer (scripts/csv-import.lua) through `rollin import
--plugin csv-import FILE`, on the demo data: cost reports and roll-ins as
administrations keep them in spreadsheets (semicolons or commas, UTF-8
with or without byte order mark, German numbers and dates) land with
their amounts to the cent, as the API then shows them; rows that do not
convert, or that the core refuses, are listed with their line and column
while the other rows land.

Importing a file again: cost reports have no key of their own, so they
are created again (a second report for the same adoption and period);
roll-ins that are already open for the same solution, adopter and
onboarding team are not created twice but listed."""

import json
import os
import tempfile
import unittest

from harness import Server

API = "/api/v1"
FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                        "fixtures", "csv")


def fixture(name):
    return os.path.join(FIXTURES, name)


class CsvImportTest(unittest.TestCase):
    """One server on a copy of the demo data per test: imports write."""

    def setUp(self):
        self.server = Server(demo=True, demo_template=True).start()
        self.addCleanup(self.server.dir.cleanup)
        self.addCleanup(self.server.stop)
        self.admin = self.server.token_for("admin", "bmi")

    def run_import(self, path, *extra):
        """`rollin import --plugin csv-import --json`: (exit code, summary)."""
        p = self.server.cli("import", "--plugin", "csv-import", "--json",
                            *extra, path, check=False)
        self.assertIn(p.returncode, (0, 1), p.stderr)
        return p.returncode, json.loads(p.stdout)

    def cost_reports(self, token="admin"):
        """Cost reports by (solution, organisation, period_start)."""
        items = self.server.all_items(
            API + "/cost-reports?limit=500",
            token=self.admin if token == "admin" else token)
        out = {}
        for r in items:
            out.setdefault((r["solution"], r["organisation"],
                            r["period_start"]), []).append(r)
        return out

    def rollins(self):
        return self.server.all_items(API + "/rollins?limit=500",
                                     token=self.admin)

    # -- cost reports ------------------------------------------------------

    def test_semicolons_bom_crlf_german_numbers_and_dates(self):
        before = self.cost_reports()
        rc, summary = self.run_import(fixture("kosten-semikolon-bom.csv"))
        self.assertEqual((rc, summary["imported"], summary["rejected"]),
                         (0, 3, []), summary)
        after = self.cost_reports()
        new = {k: v for k, v in after.items() if k not in before}
        self.assertEqual(len(new), 3, new)

        koeln = new["wohngeld-online", "stadt-koeln", "2026-01-01"][0]
        self.assertEqual(koeln["period_end"], "2026-12-31")
        self.assertEqual(koeln["one_off_cents"], 123456)          # 1.234,56
        self.assertEqual(koeln["operating_cents"], 1200000)       # 12.000
        self.assertEqual(koeln["contributions_cents"], 50050)     # 500,5
        self.assertEqual(koeln["licence_cents"], 0)
        self.assertEqual(koeln["own_effort_days"], 12.5)          # 12,5
        self.assertEqual(koeln["build_alone_cents"], 25000000)    # 250.000,00
        self.assertIs(koeln["public"], True)
        self.assertEqual(koeln["notes"], "Einführung mit Dataport")
        # An empty Tagessatz leaves the configured day rate (800 EUR).
        self.assertIsNone(koeln.get("day_rate_cents"))
        self.assertEqual(koeln["derived"]["day_rate_cents"], 80000)
        self.assertEqual(koeln["derived"]["own_effort_cents"], 1000000)
        self.assertEqual(koeln["derived"]["one_off_total_cents"],
                         123456 + 1000000)

        # "Stadt Leipzig" is the organisation's name, not its slug.
        leipzig = new["wohngeld-online", "stadt-leipzig", "2026-07-01"][0]
        self.assertEqual(leipzig["period_end"], "2027-06-30")    # 1.7.2026
        self.assertEqual(leipzig["one_off_cents"], 789012)       # 7.890,12 €
        self.assertEqual(leipzig["operating_cents"], 123450)     # 1234,5
        self.assertEqual(leipzig["contributions_cents"], 0)      # empty
        self.assertEqual(leipzig["own_effort_days"], 3)
        self.assertEqual(leipzig["day_rate_cents"], 95000)       # 950,00
        self.assertEqual(leipzig["derived"]["own_effort_cents"], 285000)
        self.assertEqual(leipzig["build_alone_cents"], 8000000)  # 80.000
        self.assertIs(leipzig["public"], False)
        self.assertEqual(leipzig["notes"],
                         'Rechnung 2026/17; "Nachtrag" folgt')

        darmstadt = new["hundesteuer-anmeldung", "stadt-darmstadt",
                        "2026-01-01"][0]                          # ISO dates
        self.assertEqual((darmstadt["one_off_cents"],
                          darmstadt["operating_cents"],
                          darmstadt["own_effort_days"],
                          darmstadt["public"]),
                         (9999, 1, 0.25, True))                   # WAHR

        # "Öffentlich: nein" keeps a report from anonymous readers.
        public = self.cost_reports(token=None)
        self.assertIn(("wohngeld-online", "stadt-koeln", "2026-01-01"),
                      public)
        self.assertNotIn(("wohngeld-online", "stadt-leipzig", "2026-07-01"),
                         public)

    def test_commas_without_bom(self):
        rc, summary = self.run_import(fixture("kosten-komma.csv"))
        self.assertEqual((rc, summary["imported"], summary["rejected"]),
                         (0, 2, []), summary)
        reports = self.cost_reports()
        aachen = reports["sondernutzungserlaubnis", "stadt-aachen",
                         "2026-04-01"][0]
        self.assertEqual(aachen["period_end"], "2027-03-31")
        self.assertEqual(aachen["one_off_cents"], 100000001)  # "1.000.000,01"
        self.assertEqual(aachen["operating_cents"], 250050)   # "2.500,5"
        self.assertEqual(aachen["own_effort_days"], 1.75)
        self.assertIs(aachen["public"], True)
        darmstadt = reports["hundesteuer-anmeldung", "stadt-darmstadt",
                            "2027-01-01"][0]
        self.assertEqual(darmstadt["one_off_cents"], 123450)     # 1234.5
        self.assertEqual(darmstadt["operating_cents"], 123400)   # 1.234
        self.assertEqual(darmstadt["own_effort_days"], 40)
        self.assertIs(darmstadt["public"], False)                # 0

    def test_bad_rows_are_listed_with_line_and_column_good_rows_land(self):
        before = self.cost_reports()
        rc, summary = self.run_import(fixture("kosten-fehler.csv"))
        # Exit status 1: something was rejected.
        self.assertEqual(rc, 1)
        self.assertEqual(summary["imported"], 3, summary)
        rejected = summary["rejected"]
        self.assertEqual([r["where"] for r in rejected],
                         ["Zeile 5", "Zeile 7"], rejected)
        # Line 5: the row after a note spanning two lines and a blank line.
        self.assertIn("'Einmalkosten'", rejected[0]["message"])
        self.assertIn("12,345", rejected[0]["message"])
        # Line 7: converts, but the core refuses an end before the start.
        self.assertIn("'Zeitraum bis'", rejected[1]["message"])
        self.assertIn("period_end", rejected[1]["message"])

        after = self.cost_reports()
        new = {k: v for k, v in after.items() if k not in before}
        self.assertEqual(
            {k: v[0]["one_off_cents"] for k, v in new.items()},
            {("wohngeld-online", "stadt-koeln", "2025-01-01"): 10000,
             ("hundesteuer-anmeldung", "stadt-darmstadt", "2025-01-01"):
                 20000,
             ("sondernutzungserlaubnis", "stadt-aachen", "2025-07-01"):
                 40000})
        self.assertEqual(
            new["wohngeld-online", "stadt-koeln", "2025-01-01"][0]["notes"],
            "erste Zeile\nzweite Zeile")

    def test_importing_again_creates_the_cost_reports_again(self):
        key = ("sondernutzungserlaubnis", "stadt-aachen", "2026-04-01")
        self.run_import(fixture("kosten-komma.csv"))
        rc, summary = self.run_import(fixture("kosten-komma.csv"))
        self.assertEqual((rc, summary["imported"], summary["updated"]),
                         (0, 2, 0))
        twice = self.cost_reports()[key]
        self.assertEqual(len(twice), 2)
        self.assertNotEqual(twice[0]["id"], twice[1]["id"])
        self.assertEqual({r["one_off_cents"] for r in twice}, {100000001})

    def test_own_column_names_from_settings_and_windows_1252(self):
        with tempfile.TemporaryDirectory(prefix="rollin-e2e-csv-") as d:
            cfg = os.path.join(d, "rollin.yaml")
            with open(cfg, "w", encoding="utf-8") as f:
                f.write("plugins:\n"
                        "  csv-import:\n"
                        "    kind: cost_report\n"
                        "    map_solution: Verfahren\n"
                        "    map_organisation: Kommune\n"
                        "    map_period_start: Beginn\n"
                        "    map_period_end: ende\n"
                        "    map_one_off_cents: \"Einmalig (€)\"\n"
                        "    map_operating_cents: \"Laufend p.a. (€)\"\n"
                        "    map_own_effort_days: Personentage\n"
                        "    map_public: Veröffentlichen\n")
            rc, summary = self.run_import(
                fixture("kosten-eigene-spalten-cp1252.csv"), "--config", cfg)
        self.assertEqual((rc, summary["imported"], summary["rejected"]),
                         (0, 1, []), summary)
        r = self.cost_reports()["wohngeld-online", "stadt-koeln",
                                "2026-03-15"][0]
        self.assertEqual((r["period_end"], r["one_off_cents"],
                          r["operating_cents"], r["own_effort_days"],
                          r["public"]),
                         ("2027-03-14", 234567, 8901, 0.5, False))

    def test_a_file_without_a_required_column_imports_nothing(self):
        with tempfile.TemporaryDirectory(prefix="rollin-e2e-csv-") as d:
            path = os.path.join(d, "kosten.csv")
            with open(path, "w", encoding="utf-8") as f:
                f.write("Lösung;Organisation;Zeitraum von;Einmalkosten\n"
                        "wohngeld-online;stadt-koeln;01.01.2026;5,00\n")
            before = self.cost_reports()
            rc, summary = self.run_import(path)
            self.assertEqual((rc, summary["imported"]), (1, 0))
            self.assertEqual(len(summary["rejected"]), 1, summary)
            self.assertIn("'Zeitraum bis'",
                          summary["rejected"][0]["message"])

            with open(path, "w", encoding="utf-8") as f:
                f.write("Lösung;Organisation;Zeitraum von;Zeitraum bis\n"
                        "wohngeld-online;stadt-koeln;01.01.2026;31.12.2026\n"
                        "wohngeld-online;stadt-koeln;\"01.01.2026;31.12.2026\n")
            rc, summary = self.run_import(path)
            self.assertEqual((rc, summary["imported"]), (1, 0))
            self.assertIn("Zeile 3", summary["rejected"][0]["message"])
        # A file that fails as a whole leaves nothing behind.
        self.assertEqual(self.cost_reports(), before)

    # -- roll-ins ----------------------------------------------------------

    def test_rollins_land_and_are_not_created_twice(self):
        before = {r["id"] for r in self.rollins()}
        rc, summary = self.run_import(fixture("rollins.csv"))
        self.assertEqual((rc, summary["imported"]), (1, 2), summary)
        self.assertEqual(len(summary["rejected"]), 1, summary)
        bad = summary["rejected"][0]
        self.assertEqual(bad["where"], "Zeile 4")
        self.assertIn("'Nachnutzende Organisation'", bad["message"])
        self.assertIn("stadt-nirgendwo", bad["message"])
        self.assertIn("'Zieltermin'", bad["message"])
        self.assertIn("31.02.2026", bad["message"])

        new = {(r["solution"], r["adopter"]): r for r in self.rollins()
               if r["id"] not in before}
        self.assertEqual(set(new), {("wohngeld-online", "hmdi-hessen"),
                                    ("hundesteuer-anmeldung", "stadt-kiel")})
        hessen = new["wohngeld-online", "hmdi-hessen"]
        self.assertEqual((hessen["onboarding_team"], hessen["status"],
                          hessen["started_on"], hessen["target_golive"],
                          hessen["notes"]),
                         ("dataport", "planned", "2026-02-01", "2026-09-30",
                          "Pilot im Amt für Wohnungswesen"))
        kiel = new["hundesteuer-anmeldung", "stadt-kiel"]
        # "Dataport AöR" is the organisation's name.
        self.assertEqual((kiel["onboarding_team"], kiel["target_golive"]),
                         ("dataport", "2026-12-31"))
        self.assertIsNone(kiel.get("started_on"))

        # Again: the open roll-ins are listed, not created a second time.
        rc, summary = self.run_import(fixture("rollins.csv"))
        self.assertEqual((rc, summary["imported"]), (1, 0), summary)
        self.assertEqual([r["where"] for r in summary["rejected"]],
                         ["Zeile 2", "Zeile 3", "Zeile 4"])
        self.assertIn("Roll-in %d" % hessen["id"],
                      summary["rejected"][0]["message"])
        self.assertEqual(len(self.rollins()), len(before) + 2)


if __name__ == "__main__":
    unittest.main()
