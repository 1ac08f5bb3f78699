"""The shipped report plugins (savings, adoption, quality) over the API
(GET /api/v1/reports[/{name}]) and the command line (`rollin report`), on
the demo data: figures agree with the records they come from, private cost
reports count only for signed-in clients, and the JSON, CSV and HTML
renderings carry the same table.

The clock stands at 2026-01-01, when the demo data was loaded; the day
rate of own effort is configured to 950 EUR, so that a report which used
another rate than the cost reports would show."""

import csv
import io
import json
import os
import unittest
from collections import Counter, defaultdict

from harness import Server, ServerTest, run_rollin

API = "/api/v1"
REPORTS = API + "/reports"
ENV = {"ROLLIN_NOW": "2026-01-01", "ROLLIN_TIMER_INTERVAL": "86400",
       "ROLLIN_DAY_RATE_CENTS": "95000"}

FIGURES = ("one_off_total_cents", "recurring_cents", "total_cents",
           "savings_cents")


def as_text(v):
    """A JSON cell as CSV carries it."""
    if v is None:
        return ""
    if v is True:
        return "true"
    if v is False:
        return "false"
    return str(v)


def split(doc):
    """(data rows as dicts, total row as dict or None)."""
    cols = doc["columns"]
    rows = [dict(zip(cols, r)) for r in doc["rows"]]
    if rows and doc["rows"][-1][0] is None:
        return rows[:-1], rows[-1]
    return rows, None


class ReportsTest(ServerTest):
    DEMO = True
    DEMO_TEMPLATE = True
    ENV = ENV

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.admin = s.token_for("admin", "bmi")
        cls.cost_all = s.all_items(API + "/cost-reports", token=cls.admin)
        cls.cost_public = s.all_items(API + "/cost-reports")

    def report(self, name, token=None, fmt=None, **params):
        q = dict(params)
        if fmt:
            q["format"] = fmt
        path = REPORTS + "/" + name
        if q:
            path += "?" + "&".join("%s=%s" % kv for kv in q.items())
        return self.server.get(path, token=token)

    def report_json(self, name, token=None, **params):
        r = self.report(name, token=token, **params)
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.header("Content-Type").startswith(
            "application/json"), r.headers)
        return r.json

    # -- the list ------------------------------------------------------------

    def test_list_names_reports_and_parameters(self):
        r = self.server.get(REPORTS)
        self.assertEqual(r.status, 200, r)
        items = {i["name"]: i for i in r.json["items"]}
        self.assertTrue({"savings", "adoption", "quality"} <= set(items),
                        items.keys())
        sav = items["savings"]
        self.assertTrue(sav["description"])
        self.assertEqual(sav["formats"], ["json", "csv", "html"])
        self.assertEqual(sav["href"], REPORTS + "/savings")
        params = {p["name"]: p for p in sav["parameters"]}
        self.assertEqual(params["group_by"]["values"],
                         ["solution", "adopter", "year"])
        self.assertEqual(params["group_by"]["default"], "solution")
        self.assertIn("year", params)
        # What only the service decides is no parameter a client sees.
        self.assertNotIn("include_private", params)
        self.assertEqual({p["name"] for p in items["adoption"]["parameters"]},
                         {"group_by"})

    # -- savings ---------------------------------------------------------------

    def expected(self, costs, key):
        sums = defaultdict(Counter)
        for c in costs:
            k = key(c)
            sums[k]["reports"] += 1
            for f in FIGURES:
                sums[k][f] += c["derived"][f]
            sums[k]["build_alone_cents"] += c["build_alone_cents"]
        return sums

    def assertSavings(self, doc, costs, key, column):
        rows, total = split(doc)
        want = self.expected(costs, key)
        got = {row[column]: row for row in rows}
        self.assertEqual(set(got), set(want))
        for k, sums in want.items():
            for f, v in sums.items():
                self.assertEqual(got[k][f], v, (k, f))
        self.assertIsNotNone(total)
        for f in FIGURES + ("build_alone_cents", "reports"):
            self.assertEqual(total[f], sum(s[f] for s in want.values()), f)

    def test_savings_per_solution_match_the_cost_reports(self):
        # The configured day rate reached both.
        self.assertTrue(any(c["derived"]["day_rate_cents"] == 95000
                            for c in self.cost_all))
        doc = self.report_json("savings", token=self.admin)
        self.assertEqual(doc["report"], "savings")
        self.assertEqual(doc["params"], {"group_by": "solution"})
        self.assertEqual(doc["columns"][:2], ["solution", "name"])
        self.assertSavings(doc, self.cost_all, lambda c: c["solution"],
                           "solution")
        # Money stays integer cents in JSON.
        rows, total = split(doc)
        self.assertIsInstance(total["savings_cents"], int)

    def test_anonymous_clients_count_only_public_cost_reports(self):
        self.assertLess(len(self.cost_public), len(self.cost_all))
        doc = self.report_json("savings")
        self.assertSavings(doc, self.cost_public, lambda c: c["solution"],
                           "solution")
        signed_in = split(self.report_json("savings", token=self.admin))[1]
        self.assertNotEqual(split(doc)[1]["total_cents"],
                            signed_in["total_cents"])
        # A client cannot ask for the private ones itself.
        r = self.report("savings", include_private="true")
        self.assertError(r, 400, field="include_private")
        r = self.report("savings", day_rate_cents="1")
        self.assertError(r, 400, field="day_rate_cents")

    def test_savings_per_adopter_and_year(self):
        doc = self.report_json("savings", token=self.admin,
                               group_by="adopter")
        self.assertEqual(doc["columns"][0], "adopter")
        self.assertSavings(doc, self.cost_all, lambda c: c["organisation"],
                           "adopter")
        doc = self.report_json("savings", token=self.admin, group_by="year")
        self.assertEqual(doc["columns"][0], "year")
        self.assertSavings(doc, self.cost_all,
                           lambda c: c["period_start"][:4], "year")
        year = self.cost_all[0]["period_start"][:4]
        doc = self.report_json("savings", token=self.admin, year=year)
        self.assertEqual(doc["params"], {"group_by": "solution",
                                         "year": year})
        self.assertSavings(
            doc, [c for c in self.cost_all
                  if c["period_start"].startswith(year)],
            lambda c: c["solution"], "solution")
        # No cost report that year: only a total of nothing.
        doc = self.report_json("savings", token=self.admin, year="1999")
        rows, total = split(doc)
        self.assertEqual(rows, [])
        self.assertEqual(total["reports"], 0)
        self.assertEqual(total["savings_cents"], 0)

    # -- formats ---------------------------------------------------------------

    def test_csv_has_the_same_rows_as_json(self):
        for name, params in (("savings", {}), ("adoption", {}),
                             ("quality", {}),
                             ("adoption", {"group_by": "maturity"})):
            doc = self.report_json(name, token=self.admin, **params)
            r = self.report(name, token=self.admin, fmt="csv", **params)
            self.assertEqual(r.status, 200, r)
            self.assertTrue(r.header("Content-Type").startswith("text/csv"))
            self.assertIn("%s.csv" % name,
                          r.header("Content-Disposition") or "")
            self.assertIn("\r\n", r.raw)
            parsed = list(csv.reader(io.StringIO(r.raw, newline="")))
            self.assertEqual(parsed[0], doc["columns"])
            self.assertEqual(parsed[1:],
                             [[as_text(v) for v in row]
                              for row in doc["rows"]], name)

    def test_html_page_has_table_and_chart(self):
        doc = self.report_json("savings", token=self.admin)
        rows, total = split(doc)
        r = self.report("savings", token=self.admin, fmt="html")
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.header("Content-Type").startswith("text/html"))
        page = r.raw
        self.assertTrue(page.startswith("<!DOCTYPE html>"))
        self.assertIn('<html lang="de">', page)
        self.assertIn("<svg", page)
        self.assertIn('role="img"', page)
        self.assertRegex(page, r"<title id=\"chart-title\">[^<]+</title>")
        self.assertIn("<desc", page)
        # One bar per group, none for the total.
        self.assertEqual(page.count('<rect class="bar"'), len(rows))
        self.assertIn("<table>", page)
        self.assertIn("<caption>", page)
        self.assertEqual(page.count('<th scope="col"'), len(doc["columns"]))
        # The total savings, as a German euro amount.
        cents = total["savings_cents"]
        euros = "{:,}".format(abs(cents) // 100).replace(",", ".")
        amount = "%s%s,%02d €" % ("-" if cents < 0 else "", euros,
                                  abs(cents) % 100)
        self.assertIn(amount, page)
        # Nothing outside the page.
        self.assertNotRegex(page, r"(src|href)=")

    def test_html_escapes_names(self):
        s = self.server
        r = s.post(API + "/solutions",
                   {"slug": "report-escape", "owner": "bmi",
                    "maturity": "pilot",
                    "name": "<script>alert(1)</script> Probe"},
                   token=self.admin)
        self.assertEqual(r.status, 201, r)
        r = self.report("adoption", fmt="html")
        self.assertEqual(r.status, 200, r)
        self.assertNotIn("<script>", r.raw)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt; Probe", r.raw)
        self.assertIn("<svg", r.raw)

    def test_errors(self):
        r = self.report("no-such-report")
        self.assertError(r, 404, code="not_found")
        r = self.report("savings", fmt="pdf")
        self.assertError(r, 400, field="format")
        r = self.report("savings", group_by="colour")
        self.assertError(r, 400, field="group_by", code="invalid_parameter")
        self.assertIn("solution", r.error["message"])
        r = self.report("savings", year="next")
        self.assertError(r, 400, field="year")
        r = self.report("adoption", colour="blue")
        self.assertError(r, 400, field="colour")

    # -- adoption ----------------------------------------------------------

    def test_adoption_counts_match_adoptions_and_rollins(self):
        doc = self.report_json("adoption")
        rows, total = split(doc)
        by_slug = {r["solution"]: r for r in rows}
        solutions = self.server.all_items(API + "/solutions?limit=500")
        self.assertEqual(set(by_slug), {s["slug"] for s in solutions})
        rollins = Counter()
        for ri in self.server.all_items(API + "/rollins?limit=500",
                                        token=self.admin):
            state = "live" if ri["status"] == "live" else (
                None if ri["status"] == "aborted" else "running")
            if state:
                rollins[ri["solution"], state] += 1
        # Most adopted first; check the leaders against their adoptions.
        counts = [r["adoptions"] for r in rows]
        self.assertEqual(counts, sorted(counts, reverse=True))
        for row in rows[:4] + [by_slug["wohngeld-online"]]:
            slug = row["solution"]
            status = Counter(a["status"] for a in self.server.all_items(
                API + "/solutions/%s/adoptions" % slug))
            self.assertEqual(row["adoptions"], sum(status.values()), slug)
            self.assertEqual(row["evaluating"], status["evaluating"], slug)
            self.assertEqual(row["rolling_in"], status["rolling-in"], slug)
            self.assertEqual(row["live"], status["live"], slug)
            self.assertEqual(row["stopped"], status["stopped"], slug)
            self.assertEqual(row["rollins_running"],
                             rollins[slug, "running"], slug)
            self.assertEqual(row["rollins_live"], rollins[slug, "live"],
                             slug)
        self.assertEqual(total["adoptions"],
                         sum(r["adoptions"] for r in rows))
        # Per maturity: the same adoptions, in the levels' order.
        doc = self.report_json("adoption", group_by="maturity")
        levels, mtotal = split(doc)
        order = ["concept", "development", "pilot", "production",
                 "widespread", "retired"]
        names = [r["maturity"] for r in levels]
        self.assertEqual(names, [m for m in order if m in names])
        self.assertEqual(mtotal["adoptions"], total["adoptions"])
        self.assertEqual(mtotal["solutions"], len(rows))

    def test_cli_prints_the_same_rows_as_the_api(self):
        s = self.server
        api = self.report_json("adoption")
        p = s.cli("report", "adoption", "--format", "json")
        cli = json.loads(p.stdout)
        self.assertEqual(cli["columns"], api["columns"])
        self.assertEqual(cli["rows"], api["rows"])
        self.assertEqual(cli["params"], api["params"])
        # The command line reads the file: private cost reports count.
        api = self.report_json("savings", token=self.admin,
                               group_by="adopter")
        p = s.cli("report", "savings", "--param", "group_by=adopter")
        self.assertEqual(json.loads(p.stdout)["rows"], api["rows"])
        # CSV on standard output, or into a file with -o.
        p = s.cli("report", "savings", "--format", "csv")
        parsed = list(csv.reader(io.StringIO(p.stdout, newline="")))
        self.assertEqual(parsed[0][:2], ["solution", "name"])
        out = os.path.join(s.dir.name, "savings.html")
        p = s.cli("report", "savings", "--format", "html", "-o", out)
        self.assertEqual(p.stdout, "")
        with open(out, encoding="utf-8") as f:
            self.assertIn("<svg", f.read())

    def test_cli_errors_and_list(self):
        s = self.server
        p = s.cli("report", "nope", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("savings", p.stderr)
        p = s.cli("report", "savings", "--format", "pdf", check=False)
        self.assertEqual(p.returncode, 2)
        p = s.cli("report", "savings", "--param", "group_by=x", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("group_by", p.stderr)
        p = s.cli("report", "--json")
        names = {r["name"] for r in json.loads(p.stdout)}
        self.assertTrue({"savings", "adoption", "quality"} <= names)

    # -- quality -----------------------------------------------------------

    def test_quality_lists_incomplete_entries(self):
        doc = self.report_json("quality", show="incomplete")
        rows, total = split(doc)
        self.assertIsNone(total)
        self.assertTrue(rows)
        for row in rows:
            sol = self.server.get(API + "/solutions/" + row["solution"]).json
            self.assertEqual(row["completeness"],
                             sol["completeness"]["percent"])
            self.assertLess(row["completeness"], 100)
            self.assertEqual(row["missing_fields"],
                             len(sol["completeness"]["missing"]))
            self.assertEqual(row["missing"],
                             ", ".join(sol["completeness"]["missing"]))
            self.assertFalse(row["stale"])
        # Today nothing is stale: the demo was loaded today.
        rows, _ = split(self.report_json("quality", show="stale"))
        self.assertEqual(rows, [])

    def test_quality_lists_entries_gone_stale(self):
        s = self.server
        # 200 days later: past the 180-day threshold. The owner of one
        # entry confirms it that day; every other entry stays stale.
        env = dict(ENV, ROLLIN_NOW="2026-07-20")
        with Server(db=s.db, env=env) as later:
            admin = later.token_for("admin", "bmi")
            r = later.post(API + "/solutions/wohngeld-online/confirm", None,
                           token=admin)
            self.assertEqual(r.status, 200, r)
            r = later.get(REPORTS + "/quality?show=stale")
            self.assertEqual(r.status, 200, r)
            rows, _ = split(r.json)
            slugs = {row["solution"]: row for row in rows}
            self.assertNotIn("wohngeld-online", slugs)
            self.assertIn("bauantrag-online", slugs)
            row = slugs["bauantrag-online"]
            self.assertTrue(row["stale"])
            self.assertEqual(row["days"], 200)
            self.assertTrue(row["owner"])
            sol = later.get(API + "/solutions/bauantrag-online").json
            self.assertEqual(row["days"], sol["freshness"]["days"])
            self.assertTrue(sol["freshness"]["stale"])
            # Stalest first.
            days = [row["days"] for row in rows]
            self.assertEqual(days, sorted(days, reverse=True))
        # The command line with the same clock agrees.
        p = s.cli("report", "quality", "--param", "show=stale")
        self.assertEqual(json.loads(p.stdout)["rows"], [])
        p = run_rollin("report", "quality", "--param", "show=stale",
                       "--db", s.db, env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout)["rows"], r.json["rows"])


if __name__ == "__main__":
    unittest.main()
