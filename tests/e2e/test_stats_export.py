"""Roll-in statistics of a solution (what an organisation looks at before
it adopts) and the documentation of a reuse check as a Markdown or HTML
file. The server's clock is fixed with ROLLIN_NOW so that a roll-in
without a start date counts from 2026-06-15, the day it was recorded."""

import unittest

from harness import ServerTest

API = "/api/v1"
SOL = "st-sol"


class StatsTest(ServerTest):
    DEMO = True
    ENV = {"ROLLIN_NOW": "2026-06-15"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.admin = s.token_for("admin", "bmi")
        orgs = [("st-owner", "Land Statistik", "state"),
                ("st-team", "Einführungsteam Nord", "provider"),
                ("st-seeker", "Stadt Prüfhausen", "municipal")]
        orgs += [("st-a%d" % i, "Kommune %d" % i, "municipal")
                 for i in range(1, 11)]
        for slug, name, kind in orgs:
            r = s.post(API + "/organisations", {"slug": slug, "name": name,
                                               "kind": kind}, token=cls.admin)
            assert r.status == 201, r
        cls.team = s.token_for("onboarding", "st-team")
        for slug, name in ((SOL, "Statistik-Portal"),
                           ("st-empty", "Ohne Roll-ins")):
            r = s.post(API + "/solutions", {
                "slug": slug, "name": name, "owner": "st-owner",
                "maturity": "production", "transfer_concept": [
                    {"step": "Analyse", "role": "adopter",
                     "effort_days": 2},
                    {"step": "Anbindung", "role": "onboarding",
                     "effort_days": 3}]}, token=cls.admin)
            assert r.status == 201, r

    # -- helpers -----------------------------------------------------------

    def ok(self, r, status=200):
        self.assertEqual(r.status, status, r)
        return r.json

    def rollin(self, adopter, started_on=None, solution=SOL):
        body = {"solution": solution, "adopter": adopter,
                "onboarding_team": "st-team"}
        if started_on:
            body["started_on"] = started_on
        return self.ok(self.server.post(API + "/rollins", body,
                                        token=self.team), 201)["id"]

    def patch(self, path, body):
        s = self.server
        etag = s.get(path, token=self.team).header("ETag")
        return self.ok(s.patch(path, body, etag=etag, token=self.team))

    def move(self, rid, *states, **last):
        """Moves the roll-in through states; the last PATCH adds `last`."""
        for i, state in enumerate(states):
            body = {"status": state}
            if i == len(states) - 1:
                body.update(last)
            self.patch(API + "/rollins/%d" % rid, body)

    def actual_effort(self, rid, *days):
        steps = self.server.all_items(API + "/rollins/%d/steps" % rid,
                                      token=self.team)
        self.assertEqual([st["planned_effort"] for st in steps], [2, 3])
        for st, d in zip(steps, days):
            self.patch(API + "/rollins/%d/steps/%d" % (rid, st["id"]),
                       {"actual_effort": d})

    def blocker(self, rid, title, category, resolved_on=None):
        body = {"title": title, "category": category,
                "raised_on": "2026-01-05"}
        if resolved_on:
            body["resolved_on"] = resolved_on
        self.ok(self.server.post(API + "/rollins/%d/blockers" % rid, body,
                                 token=self.team), 201)

    def lesson(self, org, category, title):
        self.ok(self.server.post(API + "/lessons", {
            "solution": SOL, "organisation": org, "category": category,
            "title": title, "text": "Was wir gelernt haben."},
            token=self.admin), 201)

    # -- the statistics ----------------------------------------------------

    def test_rollin_statistics(self):
        s = self.server
        live = ("preparing", "integrating", "live")
        # Five live roll-ins: 10, 20, 40 days from start to go-live, one
        # without a start date (recorded 2026-06-15, live 30 days later),
        # and one that went live without a go-live date (not timed).
        a = self.rollin("st-a1", "2026-01-01")
        self.move(a, *live, actual_golive="2026-01-11")
        b = self.rollin("st-a2", "2026-01-01")
        self.move(b, *live, actual_golive="2026-01-21")
        c = self.rollin("st-a3", "2026-02-01")
        self.move(c, *live, actual_golive="2026-03-13")
        d = self.rollin("st-a4")
        self.move(d, *live, actual_golive="2026-07-15")
        e = self.rollin("st-a5", "2026-03-01")
        self.move(e, *live)
        # Still running, held, and abandoned ones.
        self.rollin("st-a6", "2026-05-01")
        p = self.rollin("st-a7", "2026-05-01")
        self.move(p, "preparing")
        h = self.rollin("st-a8", "2026-05-01")
        self.move(h, "on-hold")
        x = self.rollin("st-a9", "2026-04-01")
        self.move(x, "aborted")
        # An organisation that only looks at the solution.
        self.ok(s.post(API + "/solutions/%s/adoptions" % SOL, {
            "organisation": "st-a10", "status": "evaluating"},
            token=self.admin), 201)
        # Every roll-in plans 2 + 3 days; some report what they took.
        self.actual_effort(a, 3, 4)
        self.actual_effort(b, 2, 3)
        self.actual_effort(x, 6)
        # Blockers, some titles written differently.
        self.blocker(a, "Schnittstelle fehlt", "technical")
        self.blocker(a, "Übergabevertrag", "legal")
        self.blocker(b, "  schnittstelle   FEHLT ", "technical")
        self.blocker(b, "DSFA offen", "data-protection")
        self.blocker(c, "SCHNITTSTELLE fehlt", "technical",
                     resolved_on="2026-02-10")
        self.blocker(c, "Zertifikat abgelaufen", "technical")
        self.blocker(d, "ÜBERGABEVERTRAG", "legal", resolved_on="2026-06-20")
        self.blocker(d, "Personal fehlt", "organisational")
        self.blocker(e, "Server fehlt", "operations")
        for org, category, title in (
                ("st-a1", "legal", "Vertrag früh klären"),
                ("st-a2", "operations", "Monitoring einplanen"),
                ("st-a3", "legal", "Datenschutz zuerst"),
                ("st-a4", "technical", "Testumgebung"),
                ("st-a5", "operations", "Betrieb übergeben"),
                ("st-a1", "legal", "AVV prüfen")):
            self.lesson(org, category, title)

        # Public: no token needed, but blocker titles (from roll-ins,
        # which only signed-in clients read) are left out.
        anon = self.ok(s.get(API + "/solutions/%s/rollin-stats" % SOL))
        self.assertNotIn("top_titles", anon)
        got = self.ok(s.get(API + "/solutions/%s/rollin-stats" % SOL,
                            token=self.admin))
        self.assertEqual({k: v for k, v in got.items() if k != "top_titles"},
                         anon)
        self.assertEqual(got["solution"], SOL)
        self.assertEqual(got["rollins"], {"total": 9, "by_status": {
            "planned": 1, "preparing": 1, "integrating": 0, "pilot": 0,
            "live": 5, "on-hold": 1, "aborted": 1}})
        # 10, 20, 30, 40 days: quartiles interpolated between ranks.
        self.assertEqual(got["days_to_golive"], {
            "count": 4, "median": 25, "p25": 17.5, "p75": 32.5,
            "min": 10, "max": 40})
        # Live roll-ins: 5 x 5 planned days, 7 + 5 taken; all roll-ins:
        # 9 x 5 planned, 7 + 5 + 6 taken.
        self.assertEqual(got["effort"], {
            "planned_days": 25, "actual_days": 12, "ratio": 0.48,
            "all_rollins": {"planned_days": 45, "actual_days": 18,
                            "ratio": 0.4}})
        self.assertEqual(got["blockers"], [
            {"category": "technical", "count": 4, "open": 3},
            {"category": "legal", "count": 2, "open": 1},
            {"category": "data-protection", "count": 1, "open": 1},
            {"category": "operations", "count": 1, "open": 1},
            {"category": "organisational", "count": 1, "open": 1}])
        # Grouped regardless of case (umlauts too) and spacing, shown as
        # first raised; ties by who came first; five at most.
        self.assertEqual(got["top_titles"], [
            {"title": "Schnittstelle fehlt", "count": 3},
            {"title": "Übergabevertrag", "count": 2},
            {"title": "DSFA offen", "count": 1},
            {"title": "Zertifikat abgelaufen", "count": 1},
            {"title": "Personal fehlt", "count": 1}])
        self.assertEqual(got["lessons"], [
            {"category": "legal", "count": 3},
            {"category": "operations", "count": 2},
            {"category": "technical", "count": 1}])
        # The adoptions follow the roll-ins.
        self.assertEqual(got["adoptions"], {
            "evaluating": 1, "rolling-in": 3, "live": 5, "stopped": 1})

    def test_one_value_and_two_values(self):
        s = self.server
        self.ok(s.post(API + "/solutions", {
            "slug": "st-few", "name": "Wenige", "owner": "st-owner",
            "maturity": "pilot"}, token=self.admin), 201)
        r = self.rollin("st-a1", "2026-01-01", solution="st-few")
        self.move(r, "preparing", "integrating", "live",
                  actual_golive="2026-01-08")
        got = self.ok(s.get(API + "/solutions/st-few/rollin-stats"))
        self.assertEqual(got["days_to_golive"], {
            "count": 1, "median": 7, "p25": 7, "p75": 7, "min": 7,
            "max": 7})
        r = self.rollin("st-a2", "2026-01-01", solution="st-few")
        self.move(r, "preparing", "integrating", "pilot", "live",
                  actual_golive="2026-01-11")
        got = self.ok(s.get(API + "/solutions/st-few/rollin-stats"))
        self.assertEqual(got["days_to_golive"], {
            "count": 2, "median": 8.5, "p25": 7.75, "p75": 9.25, "min": 7,
            "max": 10})
        # No step had planned effort: no ratio rather than a division by
        # zero.
        self.assertEqual(got["effort"]["planned_days"], 0)
        self.assertIsNone(got["effort"]["ratio"])
        self.assertIsNone(got["effort"]["all_rollins"]["ratio"])

    def test_solution_without_rollins(self):
        got = self.ok(self.server.get(API + "/solutions/st-empty/rollin-stats",
                                      token=self.admin))
        self.assertEqual(got["rollins"]["total"], 0)
        self.assertEqual(set(got["rollins"]["by_status"].values()), {0})
        self.assertEqual(len(got["rollins"]["by_status"]), 7)
        self.assertEqual(got["days_to_golive"], {
            "count": 0, "median": None, "p25": None, "p75": None,
            "min": None, "max": None})
        self.assertEqual(got["effort"], {
            "planned_days": 0, "actual_days": 0, "ratio": None,
            "all_rollins": {"planned_days": 0, "actual_days": 0,
                            "ratio": None}})
        self.assertEqual(got["blockers"], [])
        self.assertEqual(got["top_titles"], [])
        self.assertEqual(got["lessons"], [])
        self.assertEqual(got["adoptions"], {
            "evaluating": 0, "rolling-in": 0, "live": 0, "stopped": 0})

    def test_unknown_solution(self):
        r = self.server.get(API + "/solutions/st-nirgends/rollin-stats")
        self.assertError(r, 404, code="not_found")


class ReuseCheckExportTest(ServerTest):
    DEMO = True
    ENV = {"ROLLIN_NOW": "2026-12-01"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.admin = s.token_for("admin", "bmi")
        for slug, name, kind in (("rx-owner", "Land Exportland", "state"),
                                 ("rx-seeker", "Stadt Prüfhausen",
                                  "municipal")):
            r = s.post(API + "/organisations", {"slug": slug, "name": name,
                                               "kind": kind}, token=cls.admin)
            assert r.status == 201, r
        r = s.post(API + "/solutions", {
            "slug": "rx-sol", "name": "Formular-Baukasten",
            "owner": "rx-owner", "maturity": "widespread"}, token=cls.admin)
        assert r.status == 201, r
        cls.seeker = s.token_for("adopter", "rx-seeker")
        r = s.post(API + "/reuse-checks", {
            "organisation": "rx-seeker",
            "title": "Online-Anträge <script>alert(1)</script>",
            "need": "Bürger sollen Anträge *online* stellen.\n"
                    "# Keine Überschrift\n\nZweiter Absatz.",
            "considered": [
                {"solution": "rx-sol", "suitable": True,
                 "assessment": "Erfüllt den Bedarf."},
                {"name": "Formular | Server <script>x()</script>",
                 "url": "https://example.org/fs",
                 "assessment": "<script>alert('boom')</script> zu teuer",
                 "suitable": False}],
            "decision": "reuse", "chosen": "rx-sol",
            "reason": "Geringster Aufwand | schnell verfügbar",
            "decided_on": "2026-11-29"}, token=cls.seeker)
        assert r.status == 201, r
        cls.check = r.json["id"]
        r = s.post(API + "/reuse-checks", {
            "organisation": "rx-seeker", "title": "Nur gebaut",
            "need": "Etwas Eigenes.", "decision": "build"},
            token=cls.seeker)
        assert r.status == 201, r
        cls.minimal = r.json["id"]

    def export(self, cid, query="", token=None):
        return self.server.get(API + "/reuse-checks/%s/export%s" % (
            cid, query), token=token or self.seeker)

    def test_markdown_document(self):
        for query in ("", "?format=markdown"):
            r = self.export(self.check, query)
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.header("Content-Type"),
                             "text/markdown; charset=utf-8")
            self.assertEqual(r.header("Content-Disposition"),
                             'attachment; filename="reuse-check-%d.md"'
                             % self.check)
            md = r.raw
            self.assertTrue(md.startswith(
                "# Dokumentation der Nachnutzungsprüfung\n\n"
                "## Online-Anträge \\<script\\>alert(1)\\</script\\>\n"), md)
            for want in (
                    "- **Organisation:** Stadt Prüfhausen (rx-seeker)\n",
                    "- **Prüfung:** Nr. %d\n" % self.check,
                    "- **Entschieden am:** 29.11.2026\n",
                    "- **Stand des Dokuments:** 01.12.2026\n",
                    "## Bedarf\n\nBürger sollen Anträge \\*online\\* "
                    "stellen.\\\n\\# Keine Überschrift\n\nZweiter Absatz.\n",
                    "## Geprüfte Lösungen\n\n### 1. Formular-Baukasten\n",
                    "- **Reifegrad:** Weit verbreitet\n",
                    "- **Eigentümer:** Land Exportland (rx-owner)\n",
                    "- **Katalog:** [/api/v1/solutions/rx-sol]"
                    "(/api/v1/solutions/rx-sol)\n",
                    "- **Geeignet:** ja\n",
                    "Erfüllt den Bedarf.",
                    "### 2. Formular \\| Server \\<script\\>x()"
                    "\\</script\\>\n",
                    "- **Herkunft:** außerhalb des Katalogs\n",
                    "- **Webseite:** [https://example.org/fs]"
                    "(https://example.org/fs)\n",
                    "- **Geeignet:** nein\n",
                    "\\<script\\>alert(\\'boom\\')\\</script\\> zu teuer",
                    "## Entscheidung\n\n- **Entscheidung:** Nachnutzung\n"
                    "- **Gewählte Lösung:** Formular-Baukasten "
                    "([/api/v1/solutions/rx-sol](/api/v1/solutions/rx-sol))"
                    "\n",
                    "## Begründung\n\nGeringster Aufwand \\| schnell "
                    "verfügbar\n"):
                self.assertIn(want, md)
            self.assertNotIn("<script>", md)
            self.assertEqual(r.header("ETag"), '"1"')

    def test_html_document(self):
        r = self.export(self.check, "?format=html")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header("Content-Type"), "text/html; charset=utf-8")
        self.assertEqual(r.header("Content-Disposition"),
                         'attachment; filename="reuse-check-%d.html"'
                         % self.check)
        page = r.raw
        self.assertTrue(page.startswith("<!doctype html>\n"), page[:100])
        self.assertTrue(page.rstrip().endswith("</html>"))
        for want in (
                '<html lang="de">', '<meta charset="utf-8">',
                "<title>Nachnutzungsprüfung: Online-Anträge "
                "&lt;script&gt;alert(1)&lt;/script&gt;</title>",
                "@media print",
                "<h1>Dokumentation der Nachnutzungsprüfung</h1>",
                "<h2>Bedarf</h2>",
                "<p>Bürger sollen Anträge *online* stellen.<br />\n"
                "# Keine Überschrift</p>\n<p>Zweiter Absatz.</p>",
                "<h2>Geprüfte Lösungen</h2>",
                "<h3>1. Formular-Baukasten</h3>",
                '<a href="/api/v1/solutions/rx-sol">',
                "<h3>2. Formular | Server &lt;script&gt;x()"
                "&lt;/script&gt;</h3>",
                '<a href="https://example.org/fs">',
                "&lt;script&gt;alert('boom')&lt;/script&gt; zu teuer",
                "<h2>Entscheidung</h2>",
                "<strong>Entscheidung:</strong> Nachnutzung",
                "<strong>Entschieden am:</strong> 29.11.2026",
                "<h2>Begründung</h2>",
                "<p>Geringster Aufwand | schnell verfügbar</p>"):
            self.assertIn(want, page)
        # Nothing the users typed became an element.
        self.assertNotIn("<script", page)
        self.assertNotIn("<em>", page)
        self.assertEqual(page.count("<h2>"), 5)

    def test_missing_fields_are_named(self):
        r = self.export(self.minimal)
        self.assertEqual(r.status, 200, r)
        for want in ("- **Entschieden am:** nicht angegeben\n",
                     "Es wurden keine Lösungen erfasst.",
                     "- **Entscheidung:** Eigenentwicklung\n",
                     "- **Gewählte Lösung:** keine\n",
                     "Keine Begründung erfasst."):
            self.assertIn(want, r.raw)

    def test_other_formats_unknown_ids_and_sign_in(self):
        self.assertError(self.export(self.check, "?format=pdf"), 400,
                         field="format", code="invalid_parameter")
        self.assertError(self.export(self.check, "?format=HTML"), 400,
                         field="format")
        self.assertError(self.export(999999), 404, code="not_found")
        self.assertError(self.export("abc", "?format=html"), 404,
                         code="not_found")
        r = self.server.get(API + "/reuse-checks/%d/export" % self.check)
        self.assertError(r, 401, code="unauthenticated")
        # Any signed-in client may read reuse checks, so it may export them.
        r = self.export(self.check, "?format=html", token=self.admin)
        self.assertEqual(r.status, 200, r)


if __name__ == "__main__":
    unittest.main()
