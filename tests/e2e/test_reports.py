"""What adopters report, found again: lessons, feedback and cost reports
through their list filters; and the event log, which records every write
of roll-ins and reports with its type, subject and actor."""

import unittest

from harness import ServerTest
from test_rollin_story import bootstrap_admin, create_orgs

API = "/api/v1"
TODAY = "2026-12-01"


class ReportsWorld(ServerTest):
    ENV = {"ROLLIN_NOW": TODAY}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.admin = bootstrap_admin(s)
        create_orgs(s, cls.admin, ("rp-owner", "provider"),
                    ("rp-team", "association"), ("rp-amt", "municipal"),
                    ("rp-amt2", "municipal"))
        cls.tokens = {}
        cls.actors = {}
        for role, org in (("owner", "rp-owner"), ("onboarding", "rp-team"),
                          ("adopter", "rp-amt"), ("adopter", "rp-amt2")):
            label = "%s-%s" % (role, org)
            cls.tokens[org] = s.token(role, org, label=label)
            cls.actors[org] = "%s@%s#%d" % (role, org, s.token_id(label))
        cls.owner = cls.tokens["rp-owner"]
        cls.team = cls.tokens["rp-team"]
        cls.amt = cls.tokens["rp-amt"]
        cls.amt2 = cls.tokens["rp-amt2"]
        for slug in ("rp-a", "rp-b", "rp-c"):
            r = s.post(API + "/solutions", {
                "slug": slug, "name": slug, "owner": "rp-owner",
                "maturity": "production", "transfer_concept": [
                    {"step": "Start", "role": "onboarding",
                     "effort_days": 2}]}, token=cls.owner)
            assert r.status == 201, r
            r = s.post(API + "/solutions/%s/releases" % slug, {
                "version": "3.0", "status": "released",
                "date": "2026-09-01"}, token=cls.owner)
            assert r.status == 201, r

    def items(self, path, token=None):
        return self.server.all_items(API + path, token=token)

    def created(self, path, body, token):
        r = self.server.post(API + path, body, token=token)
        self.assertEqual(r.status, 201, r)
        return r.json

    def assertFiltered(self, path, mine, keep, token=None):
        """The list at path holds only items for which keep(item) is true,
        and of the records in mine exactly those."""
        got = self.items(path, token)
        for item in got:
            self.assertTrue(keep(item), (path, item))
        ids = {m["id"] for m in mine}
        self.assertEqual([g["id"] for g in got if g["id"] in ids],
                         [m["id"] for m in mine if keep(m)], path)
        return got


class FilterTest(ReportsWorld):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        r = s.post(API + "/rollins", {"solution": "rp-a", "adopter": "rp-amt",
                                      "onboarding_team": "rp-team"},
                   token=cls.team)
        assert r.status == 201, r
        cls.rollin = r.json["id"]
        cls.adoption_a = s.get(API + "/solutions/rp-a/adoptions"
                               "?organisation=rp-amt").json["items"][0]["id"]
        r = s.post(API + "/solutions/rp-b/adoptions", {
            "organisation": "rp-amt2", "status": "live", "version": "3.0"},
            token=cls.amt2)
        assert r.status == 201, r
        cls.adoption_b = r.json["id"]

    def test_lessons_by_solution_category_rollin_and_organisation(self):
        def lesson(token, **f):
            body = {"title": "Lesson", "text": "Text *mit* Markdown"}
            body.update(f)
            return self.created("/lessons", body, token)

        mine = [
            lesson(self.amt, solution="rp-a", rollin=self.rollin,
                   organisation="rp-amt", category="technical",
                   tags=["vpn"]),
            lesson(self.amt, solution="rp-a", organisation="rp-amt",
                   category="legal"),
            lesson(self.amt2, solution="rp-b", organisation="rp-amt2",
                   category="technical", tags=["vpn", "firewall"]),
            lesson(self.owner, solution="rp-b", organisation="rp-owner",
                   category="operations"),
        ]
        for path, keep in (
                ("/lessons?solution=rp-a", lambda x: x["solution"] == "rp-a"),
                ("/lessons?category=technical",
                 lambda x: x["category"] == "technical"),
                ("/lessons?solution=rp-b&category=technical",
                 lambda x: x["solution"] == "rp-b"
                 and x["category"] == "technical"),
                ("/lessons?rollin=%d" % self.rollin,
                 lambda x: x.get("rollin") == self.rollin),
                ("/lessons?organisation=rp-amt2",
                 lambda x: x["organisation"] == "rp-amt2"),
                ("/lessons?category=procurement",
                 lambda x: x["category"] == "procurement")):
            with self.subTest(path=path):
                self.assertFiltered(path, mine, keep)
        # Lessons are public and carry their rendered text in lists, too.
        got = self.items("/lessons?solution=rp-a&category=technical")
        self.assertEqual(len(got), 1)
        self.assertIn("<em>mit</em>", got[0]["text_html"])
        # Newest first on request.
        got = self.items("/lessons?solution=rp-b&sort=-id")
        self.assertEqual([g["id"] for g in got],
                         [mine[3]["id"], mine[2]["id"]])
        # A filter on something that is not filterable is refused.
        r = self.server.get(API + "/lessons?text=Text")
        self.assertError(r, 400, field="text", code="invalid_parameter")

    def test_feedback_by_solution_organisation_and_rating(self):
        mine = [
            self.created("/feedback", {"solution": "rp-a",
                                       "organisation": "rp-amt",
                                       "rating": 4}, self.amt),
            self.created("/feedback", {"solution": "rp-c",
                                       "organisation": "rp-amt",
                                       "rating": 2, "version": "3.0"},
                         self.amt),
            self.created("/feedback", {"solution": "rp-c",
                                       "organisation": "rp-amt2",
                                       "rating": 5}, self.amt2),
        ]
        for path, keep in (
                ("/feedback?solution=rp-c", lambda x: x["solution"] == "rp-c"),
                ("/feedback?organisation=rp-amt",
                 lambda x: x["organisation"] == "rp-amt"),
                ("/feedback?rating=5", lambda x: x["rating"] == 5),
                ("/feedback?solution=rp-c&organisation=rp-amt2",
                 lambda x: x["solution"] == "rp-c"
                 and x["organisation"] == "rp-amt2")):
            with self.subTest(path=path):
                self.assertFiltered(path, mine, keep)
        got = self.items("/feedback?solution=rp-c&sort=-rating")
        self.assertEqual([g["rating"] for g in got], [5, 2])
        sol = self.server.get(API + "/solutions/rp-c").json
        self.assertEqual(sol["rating"], {"average": 3.5, "count": 2})

    def test_cost_reports_by_adoption_rollin_and_publicity(self):
        def report(token, adoption, start, **f):
            body = {"adoption": adoption, "period_start": start,
                    "period_end": "2026-12-31", "one_off_cents": 10000}
            body.update(f)
            return self.created("/cost-reports", body, token)

        mine = [
            report(self.amt, self.adoption_a, "2026-03-01",
                   rollin=self.rollin, public=True),
            report(self.amt, self.adoption_a, "2026-01-01"),
            report(self.amt2, self.adoption_b, "2026-02-01", public=True),
        ]
        for path, keep, token in (
                ("/cost-reports?adoption=%d" % self.adoption_a,
                 lambda x: x["adoption"] == self.adoption_a, self.amt2),
                ("/cost-reports?adoption=%d" % self.adoption_a,
                 lambda x: x["adoption"] == self.adoption_a and x["public"],
                 None),
                ("/cost-reports?rollin=%d" % self.rollin,
                 lambda x: x.get("rollin") == self.rollin, self.amt),
                ("/cost-reports?public=true", lambda x: x["public"],
                 self.amt),
                ("/cost-reports?public=false", lambda x: not x["public"],
                 self.amt)):
            with self.subTest(path=path, signed_in=bool(token)):
                self.assertFiltered(path, mine, keep, token)
        # Sorted by period start, paged one by one.
        got, path = [], API + "/cost-reports?sort=period_start&limit=1"
        r = self.server.get(path, token=self.amt)
        while True:
            self.assertEqual(r.status, 200, r)
            self.assertLessEqual(len(r.json["items"]), 1)
            got += r.json["items"]
            if not r.json["next"]:
                break
            r = self.server.get(path + "&cursor=" + r.json["next"],
                                token=self.amt)
        ids = [g["id"] for g in got if g["id"] in {m["id"] for m in mine}]
        self.assertEqual(ids, [mine[1]["id"], mine[2]["id"], mine[0]["id"]])
        starts = [g["period_start"] for g in got]
        self.assertEqual(starts, sorted(starts))
        # Listed reports carry their derived figures and their solution.
        for g in got:
            self.assertIn("derived", g)
        by_id = {g["id"]: g for g in got}
        self.assertEqual(by_id[mine[2]["id"]]["solution"], "rp-b")
        self.assertEqual(by_id[mine[2]["id"]]["organisation"], "rp-amt2")
        self.assertEqual(
            by_id[mine[0]["id"]]["derived"]["one_off_total_cents"], 10000)
        self.assertError(self.server.get(API + "/cost-reports?public=maybe",
                                         token=self.amt), 400, field="public")


class EventTest(ReportsWorld):

    def test_every_write_leaves_its_event(self):
        s, A = self.server, self.actors
        team, amt, owner = A["rp-team"], A["rp-amt"], A["rp-owner"]
        mark = s.last_event_id(self.admin)
        expect = []     # (type, subject, actor, solution)

        r = s.post(API + "/rollins", {"solution": "rp-c", "adopter": "rp-amt",
                                      "onboarding_team": "rp-team"},
                   token=self.team)
        self.assertEqual(r.status, 201, r)
        rollin = r.json
        R = "rollins/%d" % rollin["id"]
        adoption = s.get(API + "/solutions/rp-c/adoptions"
                         "?organisation=rp-amt").json["items"][0]
        AD = "solutions/rp-c/adoptions/%d" % adoption["id"]
        steps = s.get(API + "/%s/steps" % R, token=self.team).json["items"]
        # The transfer concept's steps are copied, each with its event.
        expect += [("rollin_step.created", "%s/steps/%d" % (R, st["id"]),
                    team, "rp-c") for st in steps]
        expect += [("adoption.created", AD, team, "rp-c"),
                   ("rollin.created", R, team, "rp-c")]

        step = steps[0]
        r = s.patch(API + "/%s/steps/%d" % (R, step["id"]),
                    {"done": True, "actual_effort": 1.5},
                    etag='"%d"' % step["rev"], token=self.team)
        self.assertEqual(r.status, 200, r)
        expect += [("rollin_step.updated", "%s/steps/%d" % (R, step["id"]),
                    team, "rp-c")]

        r = s.post(API + "/%s/blockers" % R, {"title": "VPN",
                                              "category": "operations"},
                   token=self.team)
        self.assertEqual(r.status, 201, r)
        B = "%s/blockers/%d" % (R, r.json["id"])
        expect += [("rollin.blocker_raised", B, team, "rp-c"),
                   ("rollin_blocker.created", B, team, "rp-c")]
        r = s.patch(API + "/" + B, {"resolved_on": TODAY,
                                    "resolution": "Tunnel steht"},
                    etag=r.header("ETag"), token=self.team)
        self.assertEqual(r.status, 200, r)
        expect += [("rollin.blocker_resolved", B, team, "rp-c"),
                   ("rollin_blocker.updated", B, team, "rp-c")]

        etag = '"%d"' % rollin["rev"]
        for to in ("preparing", "integrating", "live"):
            r = s.patch(API + "/" + R, {"status": to}, etag=etag,
                        token=self.team)
            self.assertEqual(r.status, 200, r)
            etag = r.header("ETag")
            expect.append(("rollin.status_changed", R, team, "rp-c"))
            if to == "live":
                expect.append(("adoption.updated", AD, team, "rp-c"))
            expect.append(("rollin.updated", R, team, "rp-c"))

        lesson = self.created("/lessons", {
            "solution": "rp-c", "rollin": rollin["id"],
            "organisation": "rp-amt", "category": "operations",
            "title": "VPN früh", "text": "Früh beantragen."}, self.amt)
        L = "lessons/%d" % lesson["id"]
        expect.append(("lesson.created", L, amt, "rp-c"))
        r = s.patch(API + "/" + L, {"title": "VPN sehr früh"},
                    etag='"%d"' % lesson["rev"], token=self.amt)
        self.assertEqual(r.status, 200, r)
        expect.append(("lesson.updated", L, amt, "rp-c"))

        fb = self.created("/feedback", {"solution": "rp-c",
                                        "organisation": "rp-amt",
                                        "rating": 4}, self.amt)
        F = "feedback/%d" % fb["id"]
        expect.append(("feedback.created", F, amt, "rp-c"))
        r = s.post(API + "/%s/answer" % F, {"answer": "Danke"},
                   token=self.owner)
        self.assertEqual(r.status, 200, r)
        expect.append(("feedback.answered", F, owner, "rp-c"))

        cost = self.created("/cost-reports", {
            "adoption": adoption["id"], "rollin": rollin["id"],
            "period_start": "2026-01-01", "period_end": "2026-12-31",
            "one_off_cents": 250000}, self.amt)
        C = "cost-reports/%d" % cost["id"]
        expect.append(("cost_report.created", C, amt, "rp-c"))
        r = s.patch(API + "/" + C, {"public": True},
                    etag='"%d"' % cost["rev"], token=self.amt)
        self.assertEqual(r.status, 200, r)
        expect.append(("cost_report.updated", C, amt, "rp-c"))

        a = self.created("/solutions/rp-c/assessments", {
            "kind": "accessibility", "result": "failed",
            "scope": "solution", "date": "2026-11-01"}, self.owner)
        expect.append(("assessment.created",
                       "solutions/rp-c/assessments/%d" % a["id"], owner,
                       "rp-c"))
        rc = self.created("/reuse-checks", {
            "organisation": "rp-amt", "title": "Barrierefreiheit",
            "need": "Formulare", "decision": "adapt", "chosen": "rp-c",
            "considered": [{"solution": "rp-c", "suitable": True}]},
            self.amt)
        expect.append(("reuse_check.created", "reuse-checks/%d" % rc["id"],
                       amt, "rp-c"))

        for path in (C, L, F):
            r = s.delete(API + "/" + path, token=self.amt)
            self.assertEqual(r.status, 204, r)
        expect += [("cost_report.deleted", C, amt, "rp-c"),
                   ("lesson.deleted", L, amt, "rp-c"),
                   ("feedback.deleted", F, amt, "rp-c")]

        events = s.events(self.admin, mark)
        got = [(e["type"], e["subject"], e["actor"], e["solution"])
               for e in events]
        self.assertEqual(got, expect)

        by_type = {e["type"]: e for e in events}
        # The payloads say what happened.
        self.assertEqual(by_type["lesson.updated"]["payload"]["changed"],
                         ["title"])
        self.assertEqual(
            by_type["lesson.updated"]["payload"]["lesson"]["title"],
            "VPN sehr früh")
        self.assertEqual(by_type["feedback.answered"]["payload"]["answer"],
                         "Danke")
        self.assertEqual(
            by_type["cost_report.created"]["payload"]["cost_report"]
            ["one_off_cents"], 250000)
        self.assertEqual(
            by_type["rollin.blocker_resolved"]["payload"]["resolution"],
            "Tunnel steht")
        changes = [(e["payload"]["from"], e["payload"]["to"])
                   for e in events if e["type"] == "rollin.status_changed"]
        self.assertEqual(changes, [("planned", "preparing"),
                                   ("preparing", "integrating"),
                                   ("integrating", "live")])
        live = [e for e in events if e["type"] == "adoption.updated"][0]
        self.assertEqual(live["payload"]["adoption"]["status"], "live")
        self.assertEqual(live["payload"]["adoption"]["version"], "3.0")

    def test_refused_writes_leave_no_event(self):
        s = self.server
        mark = s.last_event_id(self.admin)
        for path, body, token in (
                ("/lessons", {"solution": "rp-a", "organisation": "rp-amt",
                              "category": "gossip", "title": "x",
                              "text": "y"}, self.amt),
                ("/feedback", {"solution": "rp-a", "organisation": "rp-amt",
                               "rating": 7}, self.amt),
                ("/feedback", {"solution": "rp-a", "organisation": "rp-amt2",
                               "rating": 3}, self.amt),
                ("/rollins", {"solution": "rp-a", "adopter": "rp-amt",
                              "onboarding_team": "rp-team"}, self.amt),
                ("/cost-reports", {"adoption": 424242,
                                   "period_start": "2026-01-01",
                                   "period_end": "2026-02-01"}, self.amt)):
            r = s.post(API + path, body, token=token)
            self.assertIn(r.status, (403, 422), r)
        self.assertEqual(s.events(self.admin, mark), [])


if __name__ == "__main__":
    unittest.main()
