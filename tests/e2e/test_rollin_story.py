"""A roll-in from start to go-live, told over the real server with an empty
database: an admin sets up the organisations, an owner publishes a solution
with a transfer concept, an onboarding team rolls it in at an adopting
administration, and the adopter reports back what it cost, what it learned
and how it rates the solution."""

import sqlite3
import unittest

from harness import ServerTest

API = "/api/v1"
TODAY = "2026-12-01"    # the server's clock (ROLLIN_NOW)


def bootstrap_admin(server, slug="betrieb"):
    """An admin token on a database without organisations.

    A token must name an organisation and only an admin creates them over
    the API, so the first organisation is written into the database
    directly (as an operator would); everything else goes through the API.
    """
    con = sqlite3.connect(server.db, timeout=30)
    with con:
        con.execute(
            "INSERT INTO organisations (slug, name, kind, created_at, "
            "updated_at, updated_by) VALUES (?, ?, 'other', "
            "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'setup')",
            (slug, "Betrieb " + slug))
    con.close()
    return server.token("admin", slug, label="admin-" + slug)


def create_orgs(server, admin, *orgs):
    """Creates organisations (slug, kind) through the API as admin."""
    for slug, kind in orgs:
        r = server.post(API + "/organisations", {
            "slug": slug, "name": slug.replace("-", " ").title(),
            "kind": kind}, token=admin)
        assert r.status == 201, r


def actor(server, role, org, label):
    """A fresh token and the actor name its writes carry in events."""
    token = server.token(role, org, label=label)
    return token, "%s@%s#%d" % (role, org, server.token_id(label))


TRANSFER_CONCEPT = [
    {"step": "Kick-off mit der Kommune", "role": "onboarding",
     "effort_days": 1.5, "description": "Ziele und Ansprechpersonen"},
    {"step": "Mandant einrichten", "role": "provider", "effort_days": 3},
    {"step": "Fachverfahren anbinden", "role": "adopter",
     "effort_days": 10.25},
    {"step": "Schulung", "role": "owner"},
]


class RollinStoryTest(ServerTest):
    ENV = {"ROLLIN_NOW": TODAY}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        # The database starts empty: no organisation, no solution.
        probe = s.get(API + "/organisations")
        assert probe.status == 200 and probe.json["items"] == [], probe
        cls.admin = bootstrap_admin(s)

    def events_since(self, mark):
        return self.server.events(self.admin, mark)

    def test_story_from_transfer_concept_to_golive_and_reports(self):
        s, admin = self.server, self.admin

        # -- an admin creates the organisations --------------------------
        create_orgs(s, admin, ("st-dataport", "provider"),
                    ("st-kiel", "municipal"), ("st-team", "association"),
                    ("st-luebeck", "municipal"))
        owner, owner_actor = actor(s, "owner", "st-dataport", "st-owner")
        team, team_actor = actor(s, "onboarding", "st-team", "st-team")
        adopter, adopter_actor = actor(s, "adopter", "st-kiel", "st-kiel")
        adopter2 = s.token("adopter", "st-luebeck", label="st-luebeck")

        # -- the owner publishes a solution with a transfer concept --------
        r = s.post(API + "/solutions", {
            "slug": "st-wohngeld", "name": "Wohngeld digital",
            "owner": "st-dataport", "maturity": "production",
            "transfer_concept": TRANSFER_CONCEPT}, token=owner)
        self.assertEqual(r.status, 201, r)
        r = s.post(API + "/solutions/st-wohngeld/cycles", {
            "name": "1.x", "release_date": "2026-01-15"}, token=owner)
        self.assertEqual(r.status, 201, r)
        for version, status, day in (("1.1", "released", "2026-06-01"),
                                     ("1.2", "released", "2026-10-01"),
                                     ("1.3", "planned", None)):
            body = {"version": version, "cycle": "1.x", "status": status}
            body["date" if day else "planned_date"] = day or "2027-04-01"
            r = s.post(API + "/solutions/st-wohngeld/releases", body,
                       token=owner)
            self.assertEqual(r.status, 201, r)

        # -- the onboarding team starts a roll-in for the adopter ----------
        mark = s.last_event_id(admin)
        r = s.post(API + "/rollins", {
            "solution": "st-wohngeld", "adopter": "st-kiel",
            "onboarding_team": "st-team", "started_on": "2026-11-02",
            "target_golive": "2027-02-01"}, token=team)
        self.assertEqual(r.status, 201, r)
        rollin = r.json
        rid = rollin["id"]
        self.assertEqual(r.header("Location"), "/api/v1/rollins/%d" % rid)
        self.assertEqual(r.header("ETag"), '"1"')
        self.assertEqual(rollin["status"], "planned")
        self.assertEqual(rollin["next_states"],
                         ["preparing", "on-hold", "aborted"])
        self.assertEqual(rollin["progress"]["steps"], 4)
        self.assertEqual(rollin["progress"]["done"], 0)
        self.assertEqual(rollin["progress"]["overdue"], 0)
        self.assertEqual(rollin["progress"]["planned_effort"], 14.75)
        self.assertEqual(rollin["progress"]["open_blockers"], 0)

        # The steps are the transfer concept's, in order.
        steps = s.get(API + "/rollins/%d/steps" % rid, token=team)
        self.assertEqual(steps.status, 200, steps)
        steps = steps.json["items"]
        self.assertEqual([st["position"] for st in steps], [1, 2, 3, 4])
        self.assertEqual([st["step"] for st in steps],
                         [c["step"] for c in TRANSFER_CONCEPT])
        self.assertEqual([st["role"] for st in steps],
                         [c["role"] for c in TRANSFER_CONCEPT])
        self.assertEqual([st.get("planned_effort") for st in steps],
                         [1.5, 3, 10.25, None])
        self.assertEqual(steps[0]["notes"], "Ziele und Ansprechpersonen")
        for st in steps:
            self.assertFalse(st["done"], st)
            self.assertFalse(st["overdue"], st)
            self.assertEqual(st["rollin"], rid)

        # The adopter's adoption exists and is rolling in.
        adoptions = s.get(API + "/solutions/st-wohngeld/adoptions"
                          "?organisation=st-kiel").json["items"]
        self.assertEqual(len(adoptions), 1, adoptions)
        adoption = adoptions[0]
        self.assertEqual(adoption["status"], "rolling-in")
        self.assertNotIn("version", adoption)
        types = [e["type"] for e in self.events_since(mark)]
        self.assertIn("rollin.created", types)
        self.assertIn("adoption.created", types)

        # -- the team sets planned dates -----------------------------------
        plan = [("2026-11-02", "2026-11-06"), ("2026-11-09", "2026-11-20"),
                ("2026-11-23", "2027-01-15"), ("2027-01-18", "2027-01-22")]
        for st, (start, due) in zip(steps, plan):
            r = s.patch(API + "/rollins/%d/steps/%d" % (rid, st["id"]),
                        {"planned_start": start, "planned_date": due,
                         "owner": "Frau Petersen"},
                        etag='"%d"' % st["rev"], token=team)
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json["planned_start"], start)
            self.assertEqual(r.json["planned_date"], due)
            self.assertEqual(r.json["rev"], st["rev"] + 1)
        # Today is 2026-12-01: the first two steps are due and not done.
        r = s.get(API + "/rollins/%d" % rid, token=team)
        self.assertEqual(r.json["progress"]["overdue"], 2)

        # -- steps progress ------------------------------------------------
        first = s.get(API + "/rollins/%d/steps/%d" % (rid, steps[0]["id"]),
                      token=team)
        r = s.patch(API + "/rollins/%d/steps/%d" % (rid, steps[0]["id"]),
                    {"done": True, "actual_date": "2026-11-05",
                     "actual_effort": 2}, etag=first.header("ETag"),
                    token=team)
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.json["done"])
        self.assertEqual(r.json["actual_date"], "2026-11-05")
        self.assertEqual(r.json["actual_effort"], 2)
        self.assertFalse(r.json["overdue"])

        # The second step (due 2026-11-20, not done) is overdue.
        second = s.get(API + "/rollins/%d/steps/%d" % (rid, steps[1]["id"]),
                       token=team).json
        self.assertTrue(second["overdue"], second)
        self.assertFalse(second["done"])
        third = s.get(API + "/rollins/%d/steps/%d" % (rid, steps[2]["id"]),
                      token=team).json
        self.assertFalse(third["overdue"], third)
        r = s.get(API + "/rollins/%d" % rid, token=team)
        progress = r.json["progress"]
        self.assertEqual(progress["steps"], 4)
        self.assertEqual(progress["done"], 1)
        self.assertEqual(progress["overdue"], 1)
        self.assertEqual(progress["actual_effort"], 2)
        only_overdue = s.get(API + "/rollins/%d/steps?done=false" % rid,
                             token=team).json["items"]
        self.assertEqual([st["overdue"] for st in only_overdue],
                         [True, False, False])

        # -- a blocker is raised and resolved ------------------------------
        mark = s.last_event_id(admin)
        r = s.post(API + "/rollins/%d/blockers" % rid, {
            "title": "Schnittstelle zum Fachverfahren fehlt",
            "category": "technical",
            "description": "Der Hersteller liefert erst im Januar."},
            token=team)
        self.assertEqual(r.status, 201, r)
        blocker = r.json
        self.assertEqual(blocker["raised_on"], TODAY)
        self.assertNotIn("resolved_on", blocker)
        r = s.get(API + "/rollins/%d" % rid, token=team)
        self.assertEqual(r.json["progress"]["open_blockers"], 1)
        r = s.patch(API + "/rollins/%d/blockers/%d" % (rid, blocker["id"]),
                    {"resolution": "Übergangsweise CSV-Import"},
                    etag='"%d"' % blocker["rev"], token=team)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["resolved_on"], TODAY)
        r = s.get(API + "/rollins/%d" % rid, token=team)
        self.assertEqual(r.json["progress"]["open_blockers"], 0)
        events = self.events_since(mark)
        subject = "rollins/%d/blockers/%d" % (rid, blocker["id"])
        raised = [e for e in events if e["type"] == "rollin.blocker_raised"]
        resolved = [e for e in events
                    if e["type"] == "rollin.blocker_resolved"]
        self.assertEqual(len(raised), 1, events)
        self.assertEqual(len(resolved), 1, events)
        for e in raised + resolved:
            self.assertEqual(e["subject"], subject)
            self.assertEqual(e["actor"], team_actor)
            self.assertEqual(e["solution"], "st-wohngeld")

        # -- the roll-in moves through its phases, each with If-Match ------
        etag = s.get(API + "/rollins/%d" % rid, token=team).header("ETag")
        mark = s.last_event_id(admin)
        for to in ("preparing", "integrating", "pilot"):
            r = s.patch(API + "/rollins/%d" % rid, {"status": to},
                        token=team)
            self.assertError(r, 428, field="If-Match")
            r = s.patch(API + "/rollins/%d" % rid, {"status": to},
                        etag=etag, token=team)
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json["status"], to)
            self.assertEqual(r.header("ETag"), '"%d"' % r.json["rev"])
            etag = r.header("ETag")
            # The adoption keeps rolling in until go-live.
            a = s.get(API + "/solutions/st-wohngeld/adoptions/%d"
                      % adoption["id"]).json
            self.assertEqual(a["status"], "rolling-in")
        # A stale If-Match is refused.
        r = s.patch(API + "/rollins/%d" % rid, {"status": "live"},
                    etag='"1"', token=team)
        self.assertError(r, 412)

        # -- go-live ---------------------------------------------------------
        r = s.patch(API + "/rollins/%d" % rid,
                    {"status": "live", "actual_golive": "2026-11-30"},
                    etag=etag, token=team)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["status"], "live")
        self.assertEqual(r.json["next_states"], [])
        a = s.get(API + "/solutions/st-wohngeld/adoptions/%d"
                  % adoption["id"]).json
        self.assertEqual(a["status"], "live")
        self.assertEqual(a["version"], "1.2")   # latest released, not 1.3
        self.assertEqual(a["since"], "2026-11-30")
        changes = [(e["payload"]["from"], e["payload"]["to"])
                   for e in self.events_since(mark)
                   if e["type"] == "rollin.status_changed"]
        self.assertEqual(changes, [("planned", "preparing"),
                                   ("preparing", "integrating"),
                                   ("integrating", "pilot"),
                                   ("pilot", "live")])

        # -- the adopter reports costs ---------------------------------------
        # 12.5 person-days at 640.00 EUR = 8,000.00 EUR own effort.
        report = {
            "adoption": adoption["id"], "rollin": rid,
            "period_start": "2026-11-01", "period_end": "2027-10-31",
            "one_off_cents": 1500000, "operating_cents": 240000,
            "contributions_cents": 60000, "licence_cents": 0,
            "build_alone_cents": 9000000, "own_effort_days": 12.5,
            "day_rate_cents": 64000, "public": True,
            "notes": "Erstes Betriebsjahr"}
        r = s.post(API + "/cost-reports", report, token=adopter)
        self.assertEqual(r.status, 201, r)
        for k, v in report.items():
            self.assertEqual(r.json[k], v, k)
        # own effort   = 12.5 x 64,000      =   800,000
        # one-off      = 1,500,000 + 800,000 = 2,300,000
        # recurring    = 240,000 + 60,000 + 0 =  300,000
        # total        = 2,300,000 + 300,000 = 2,600,000
        # savings      = 9,000,000 - 2,600,000 = 6,400,000
        # payback      = ceil(2,300,000 x 12 / (9,000,000 - 300,000))
        #              = ceil(27,600,000 / 8,700,000) = ceil(3.17) = 4
        self.assertEqual(r.json["derived"], {
            "day_rate_cents": 64000, "own_effort_cents": 800000,
            "one_off_total_cents": 2300000, "recurring_cents": 300000,
            "total_cents": 2600000, "savings_cents": 6400000,
            "payback_months": 4})
        self.assertEqual(r.json["solution"], "st-wohngeld")
        self.assertEqual(r.json["organisation"], "st-kiel")
        # Anonymous readers see it: the adopter made it public.
        anon = s.get(API + "/cost-reports/%d" % r.json["id"])
        self.assertEqual(anon.status, 200, anon)
        self.assertEqual(anon.json["derived"]["savings_cents"], 6400000)

        # -- the adopter writes a lesson ---------------------------------------
        text = ("Die **Schnittstelle** früh klären.\n\n"
                "- Testdaten anfordern\n- Hersteller einbinden\n\n"
                "<script>alert('x')</script>\n")
        r = s.post(API + "/lessons", {
            "solution": "st-wohngeld", "rollin": rid,
            "organisation": "st-kiel", "category": "technical",
            "title": "Schnittstellen zuerst", "text": text,
            "tags": ["schnittstelle", "planung"]}, token=adopter)
        self.assertEqual(r.status, 201, r)
        lesson = r.json
        self.assertEqual(lesson["text"], text)
        html = lesson["text_html"]
        self.assertIn("<strong>Schnittstelle</strong>", html)
        self.assertIn("<li>Testdaten anfordern</li>", html)
        self.assertNotIn("<script", html.lower())
        self.assertNotIn("alert(", html)
        r = s.get(API + "/lessons/%d" % lesson["id"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["text_html"], html)

        # -- feedback and the owner's answer ------------------------------------
        r = s.post(API + "/feedback", {
            "solution": "st-wohngeld", "organisation": "st-kiel",
            "rating": 4, "text": "Gute Begleitung, Doku ausbaufähig.",
            "version": "1.2"}, token=adopter)
        self.assertEqual(r.status, 201, r)
        fb = r.json
        self.assertEqual(fb["rating"], 4)
        self.assertNotIn("answer", fb)
        sol = s.get(API + "/solutions/st-wohngeld").json
        self.assertEqual(sol["rating"], {"average": 4, "count": 1})

        mark = s.last_event_id(admin)
        r = s.post(API + "/feedback/%d/answer" % fb["id"],
                   {"answer": "Danke, die Doku kommt mit 1.3."}, token=owner)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["answer"], "Danke, die Doku kommt mit 1.3.")
        self.assertEqual(r.json["answered_at"], TODAY + "T00:00:00Z")
        self.assertEqual(r.json["answered_by"], owner_actor)
        self.assertEqual(r.json["rating"], 4)
        r = s.get(API + "/feedback/%d" % fb["id"])
        self.assertEqual(r.json["answer"], "Danke, die Doku kommt mit 1.3.")
        self.assertEqual(r.json["answered_by"], owner_actor)
        answered = [e for e in self.events_since(mark)
                    if e["type"] == "feedback.answered"]
        self.assertEqual(len(answered), 1)
        self.assertEqual(answered[0]["actor"], owner_actor)

        # A second adopter rates it 5: the solution shows 4.5 from two.
        r = s.post(API + "/feedback", {
            "solution": "st-wohngeld", "organisation": "st-luebeck",
            "rating": 5}, token=adopter2)
        self.assertEqual(r.status, 201, r)
        sol = s.get(API + "/solutions/st-wohngeld").json
        self.assertEqual(sol["rating"], {"average": 4.5, "count": 2})
        listed = [x for x in s.all_items(API + "/solutions")
                  if x["slug"] == "st-wohngeld"]
        self.assertEqual(listed[0]["rating"], {"average": 4.5, "count": 2})

        # Every write of the story was the actor's own.
        for e in self.events_since(0):
            if e["type"].startswith(("rollin", "adoption")):
                self.assertEqual(e["actor"], team_actor, e)
            elif e["type"].startswith(("cost_report", "lesson")):
                self.assertEqual(e["actor"], adopter_actor, e)


class CostFiguresTest(ServerTest):
    """The derived figures of cost reports, to the cent."""

    ENV = {"ROLLIN_NOW": TODAY}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.admin = bootstrap_admin(s)
        create_orgs(s, cls.admin, ("cf-owner", "provider"),
                    ("cf-amt", "municipal"))
        cls.owner = s.token("owner", "cf-owner", label="cf-owner")
        cls.adopter = s.token("adopter", "cf-amt", label="cf-amt")
        r = s.post(API + "/solutions", {"slug": "cf-sol", "name": "Kosten",
                                        "owner": "cf-owner",
                                        "maturity": "production"},
                   token=cls.owner)
        assert r.status == 201, r
        r = s.post(API + "/solutions/cf-sol/adoptions", {
            "organisation": "cf-amt", "status": "live"}, token=cls.adopter)
        assert r.status == 201, r
        cls.adoption = r.json["id"]

    def report(self, **fields):
        body = {"adoption": self.adoption, "period_start": "2026-01-01",
                "period_end": "2026-12-31"}
        body.update(fields)
        r = self.server.post(API + "/cost-reports", body, token=self.adopter)
        self.assertEqual(r.status, 201, r)
        # What comes back on a fresh read is what was sent.
        again = self.server.get(API + "/cost-reports/%d" % r.json["id"],
                                token=self.adopter)
        self.assertEqual(again.status, 200, again)
        for k, v in body.items():
            self.assertEqual(again.json[k], v, k)
        self.assertEqual(again.json["derived"], r.json["derived"])
        return again.json

    def test_own_effort_with_a_day_rate(self):
        d = self.report(one_off_cents=1500000, operating_cents=240000,
                        contributions_cents=60000, licence_cents=0,
                        build_alone_cents=9000000, own_effort_days=12.5,
                        day_rate_cents=65000)["derived"]
        # 12.5 x 65,000 = 812,500; one-off 2,312,500; recurring 300,000;
        # total 2,612,500; savings 6,387,500;
        # payback ceil(27,750,000 / 8,700,000) = ceil(3.19) = 4
        self.assertEqual(d, {"day_rate_cents": 65000,
                             "own_effort_cents": 812500,
                             "one_off_total_cents": 2312500,
                             "recurring_cents": 300000,
                             "total_cents": 2612500,
                             "savings_cents": 6387500, "payback_months": 4})

    def test_default_day_rate_applies_when_none_is_given(self):
        r = self.report(one_off_cents=100000, operating_cents=50000,
                        build_alone_cents=200000, own_effort_days=3.25)
        self.assertNotIn("day_rate_cents", r)
        # 3.25 x 80,000 = 260,000; one-off 360,000; recurring 50,000;
        # total 410,000; savings -210,000 (reuse cost more this year);
        # payback ceil(4,320,000 / 150,000) = ceil(28.8) = 29
        self.assertEqual(r["derived"], {"day_rate_cents": 80000,
                                        "own_effort_cents": 260000,
                                        "one_off_total_cents": 360000,
                                        "recurring_cents": 50000,
                                        "total_cents": 410000,
                                        "savings_cents": -210000,
                                        "payback_months": 29})

    def test_own_effort_is_rounded_to_the_cent(self):
        # 0.33 x 33,333 = 10,999.89 -> 11,000
        d = self.report(own_effort_days=0.33, day_rate_cents=33333,
                        build_alone_cents=100000)["derived"]
        self.assertEqual(d["own_effort_cents"], 11000)
        self.assertEqual(d["one_off_total_cents"], 11000)
        self.assertEqual(d["savings_cents"], 89000)
        # ceil(132,000 / 100,000) = 2
        self.assertEqual(d["payback_months"], 2)

    def test_two_decimals_that_binary_floats_cannot_hold_are_accepted(self):
        # 0.29 and 0.57 are not exact in binary (0.29 x 100 is
        # 28.999999999999996); they still have just two decimals.
        for days, cents in ((0.29, 23200), (0.57, 45600), (1.13, 90400)):
            r = self.server.post(API + "/cost-reports", {
                "adoption": self.adoption, "period_start": "2026-01-01",
                "period_end": "2026-12-31", "own_effort_days": days},
                token=self.adopter)
            self.assertEqual(r.status, 201, (days, r))
            self.assertEqual(r.json["own_effort_days"], days)
            self.assertEqual(r.json["derived"]["own_effort_cents"], cents)

    def test_large_amounts_round_trip_exactly(self):
        d = self.report(one_off_cents=123456789012,
                        operating_cents=98765432109,
                        contributions_cents=1, licence_cents=999999999999,
                        build_alone_cents=1000000000000000,
                        own_effort_days=999999.99,
                        day_rate_cents=1000000000)["derived"]
        own = 99999999 * 1000000000 // 100      # 999,999,990,000,000
        one_off = 123456789012 + own
        recurring = 98765432109 + 1 + 999999999999
        self.assertEqual(d["own_effort_cents"], 999999990000000)
        self.assertEqual(d["own_effort_cents"], own)
        self.assertEqual(d["one_off_total_cents"], one_off)
        self.assertEqual(d["recurring_cents"], recurring)
        self.assertEqual(d["total_cents"], one_off + recurring)
        self.assertEqual(d["savings_cents"],
                         1000000000000000 - one_off - recurring)
        advantage = 1000000000000000 - recurring
        self.assertEqual(d["payback_months"],
                         -(-one_off * 12 // advantage))

    def test_no_payback_without_an_advantage_over_building_alone(self):
        d = self.report(one_off_cents=500000, operating_cents=300000,
                        build_alone_cents=300000)["derived"]
        self.assertIsNone(d["payback_months"])
        self.assertEqual(d["savings_cents"], -500000)
        d = self.report(operating_cents=100000,
                        build_alone_cents=300000)["derived"]
        # nothing one-off to recover: pays back at once
        self.assertEqual(d["payback_months"], 0)
        self.assertEqual(d["savings_cents"], 200000)


if __name__ == "__main__":
    unittest.main()
