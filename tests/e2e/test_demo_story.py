"""The demo tells the whole story a newcomer should see: roll-ins in every
state (some late, some blocked), adoptions that follow them, what adopters
reported back (lessons, feedback, costs), reusable assessments, reuse checks
and subscriptions. The demo is dated relative to 2026-11-29, so the clock is
fixed there."""

import collections
import datetime
import unittest

from harness import Server

API = "/api/v1"
TODAY = "2026-11-29"
STATES = {"planned", "preparing", "integrating", "pilot", "live", "on-hold",
          "aborted"}
RUNNING = {"preparing", "integrating", "pilot", "on-hold"}
CATEGORIES = {"technical", "organisational", "legal", "procurement",
              "data-protection", "operations"}


def days(a, b):
    return (datetime.date.fromisoformat(b) -
            datetime.date.fromisoformat(a)).days


class DemoStoryTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.server = Server(demo=True, env={"ROLLIN_NOW": TODAY}).start()
        cls.admin = cls.server.token("admin", "bmi")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.server.dir.cleanup()

    def items(self, path, token=None):
        sep = "&" if "?" in path else "?"
        return self.server.all_items(API + path + sep + "limit=500",
                                     token=token)

    def get(self, path, token=None):
        r = self.server.get(API + path, token=token)
        self.assertEqual(r.status, 200, r)
        return r.json

    def rollins(self):
        return self.items("/rollins", token=self.admin)

    def solutions(self):
        return {s["slug"]: s for s in self.items("/solutions")}

    def current_version(self, slug):
        released = [r for r in self.items("/solutions/%s/releases" % slug)
                    if r["status"] == "released"]
        released.sort(key=lambda r: (r["date"], r["id"]))
        return released[-1]["version"]

    def adoption(self, slug, org):
        found = [a for a in self.items("/solutions/%s/adoptions" % slug,
                                       token=self.admin)
                 if a["organisation"] == org]
        self.assertEqual(len(found), 1, (slug, org))
        return found[0]

    # -- roll-ins ----------------------------------------------------------

    def test_rollins_cover_every_state_and_are_for_signed_in_users(self):
        r = self.server.get(API + "/rollins")
        self.assertEqual(r.status, 401, r)
        rollins = self.rollins()
        self.assertGreaterEqual(len(rollins), 10)
        states = collections.Counter(x["status"] for x in rollins)
        self.assertEqual(set(states), STATES, states)
        self.assertGreaterEqual(states["live"], 3, states)
        # Different solutions, adopters and onboarding teams, and the teams
        # are IT service providers.
        self.assertGreaterEqual(len({x["solution"] for x in rollins}), 8)
        self.assertGreaterEqual(len({x["adopter"] for x in rollins}), 6)
        teams = {x["onboarding_team"] for x in rollins}
        self.assertGreaterEqual(len(teams), 4, teams)
        for team in teams:
            self.assertEqual(self.get("/organisations/" + team)["kind"],
                             "provider", team)
        # Live ones took a plausible time, so go-live statistics mean
        # something; the others are not live yet.
        for x in rollins:
            if x["status"] == "live":
                took = days(x["started_on"], x["actual_golive"])
                self.assertTrue(60 <= took <= 240, (x["id"], took))
                self.assertLessEqual(x["actual_golive"], TODAY)
                self.assertEqual(x["next_states"], [], x)
            else:
                self.assertIsNone(x.get("actual_golive"), x)
        # Each roll-in can move on only where the transitions allow.
        held = [x for x in rollins if x["status"] == "on-hold"]
        self.assertIn("integrating", held[0]["next_states"])
        self.assertNotIn("live", held[0]["next_states"])

    def test_steps_come_from_the_transfer_concept_and_show_the_progress(self):
        sols = self.solutions()
        for x in self.rollins():
            steps = self.items("/rollins/%d/steps" % x["id"],
                               token=self.admin)
            concept = sols[x["solution"]]["transfer_concept"]
            self.assertEqual([s["step"] for s in steps],
                             [c["step"] for c in concept], x["id"])
            self.assertEqual([s["position"] for s in steps],
                             list(range(1, len(concept) + 1)))
            # Every step has an owner and a due date: the demo plans.
            for s in steps:
                self.assertTrue(s.get("owner"), s)
                self.assertTrue(s.get("planned_date"), s)
                self.assertEqual(s["overdue"], not s["done"] and
                                 s["planned_date"] < TODAY, s)
            done = [s for s in steps if s["done"]]
            p = x["progress"]
            self.assertEqual(p["steps"], len(steps))
            self.assertEqual(p["done"], len(done))
            self.assertEqual(p["overdue"],
                             sum(1 for s in steps if s["overdue"]))
            self.assertAlmostEqual(p["actual_effort"], sum(
                s.get("actual_effort") or 0 for s in steps))
            if x["status"] == "live":
                self.assertEqual(len(done), len(steps), x["id"])
                self.assertTrue(all(s["actual_date"] for s in steps))
            if x["status"] == "planned":
                self.assertEqual(done, [], x["id"])

    def test_some_running_rollins_are_late_and_blocked(self):
        late_and_blocked = []
        resolved = 0
        for x in self.rollins():
            blockers = self.items("/rollins/%d/blockers" % x["id"],
                                  token=self.admin)
            open_ = [b for b in blockers if not b.get("resolved_on")]
            self.assertEqual(x["progress"]["open_blockers"], len(open_))
            for b in blockers:
                self.assertIn(b["category"], CATEGORIES, b)
                self.assertLessEqual(b["raised_on"], TODAY)
                if b.get("resolved_on"):
                    resolved += 1
                    self.assertTrue(b.get("resolution"), b)
                    self.assertGreaterEqual(b["resolved_on"], b["raised_on"])
            if x["status"] in ("live", "aborted"):
                self.assertEqual(open_, [], x["id"])
            if x["progress"]["overdue"] and open_:
                self.assertIn(x["status"], RUNNING, x)
                late_and_blocked.append(x["id"])
        self.assertGreaterEqual(len(late_and_blocked), 3, late_and_blocked)
        self.assertGreaterEqual(resolved, 3)
        # Raising and resolving went through the log, like any write.
        types = collections.Counter(e["type"] for e in
                                    self.server.events(self.admin))
        self.assertEqual(types["rollin.blocker_resolved"], resolved)
        self.assertGreaterEqual(types["rollin.status_changed"], 16)

    def test_adoptions_follow_the_rollins(self):
        for x in self.rollins():
            a = self.adoption(x["solution"], x["adopter"])
            if x["status"] == "live":
                self.assertEqual(a["status"], "live", x)
                self.assertEqual(a["since"], x["actual_golive"], x)
                self.assertEqual(a["version"],
                                 self.current_version(x["solution"]), x)
            elif x["status"] == "aborted":
                self.assertEqual(a["status"], "stopped", x)
            else:
                self.assertEqual(a["status"], "rolling-in", x)

    # -- what adopters report back -----------------------------------------

    def test_cost_reports_derive_savings(self):
        reports = self.items("/cost-reports", token=self.admin)
        self.assertGreaterEqual(len(reports), 6)
        rates = collections.Counter()
        for c in reports:
            d = c["derived"]
            rate = c.get("day_rate_cents") or 80000
            rates[rate] += 1
            self.assertEqual(d["day_rate_cents"], rate, c)
            own = round(c["own_effort_days"] * rate)
            self.assertEqual(d["own_effort_cents"], own, c)
            one_off = c["one_off_cents"] + own
            recurring = (c["operating_cents"] + c["contributions_cents"] +
                         c["licence_cents"])
            self.assertEqual(d["one_off_total_cents"], one_off)
            self.assertEqual(d["recurring_cents"], recurring)
            self.assertEqual(d["total_cents"], one_off + recurring)
            self.assertEqual(d["savings_cents"],
                             c["build_alone_cents"] - one_off - recurring)
            # The report names whose adoption it is.
            a = self.adoption(c["solution"], c["organisation"])
            self.assertEqual(c["adoption"], a["id"])
        self.assertGreaterEqual(len(rates), 2, rates)
        self.assertTrue(any(c["derived"]["savings_cents"] > 0 and
                            c["derived"]["payback_months"] is not None
                            for c in reports))
        # A report of a roll-in belongs to that roll-in's adoption.
        rollins = {x["id"]: x for x in self.rollins()}
        tied = [c for c in reports if c.get("rollin")]
        self.assertGreaterEqual(len(tied), 4)
        for c in tied:
            x = rollins[c["rollin"]]
            self.assertEqual((c["solution"], c["organisation"]),
                             (x["solution"], x["adopter"]))

    def test_anonymous_readers_see_only_public_cost_reports(self):
        everything = self.items("/cost-reports", token=self.admin)
        public = sorted(c["id"] for c in everything if c["public"])
        hidden = [c["id"] for c in everything if not c["public"]]
        self.assertTrue(public)
        self.assertTrue(hidden)
        anon = self.items("/cost-reports")
        self.assertEqual(sorted(c["id"] for c in anon), public)
        for cid in hidden:
            r = self.server.get(API + "/cost-reports/%d" % cid)
            self.assertEqual(r.status, 404, r)
        r = self.server.get(API + "/cost-reports/%d" % public[0])
        self.assertEqual(r.status, 200, r)

    def test_lessons_are_markdown_rendered_safely(self):
        lessons = self.items("/lessons")
        self.assertGreaterEqual(len(lessons), 8)
        self.assertGreaterEqual(len({x["category"] for x in lessons}), 5)
        rollins = {x["id"]: x for x in self.rollins()}
        tied = [x for x in lessons if x.get("rollin")]
        self.assertGreaterEqual(len(tied), 4)
        for x in tied:
            r = rollins[x["rollin"]]
            self.assertEqual(x["solution"], r["solution"])
            self.assertEqual(x["organisation"], r["adopter"])
        for x in lessons:
            self.assertTrue(x["tags"], x)
            html = x["text_html"]
            self.assertIn("<li>", html, x["title"])
            self.assertTrue("<strong>" in html or "<em>" in html, html)
            self.assertNotIn("**", html)
        # Lessons are found by what they are about.
        words = " ".join(x["text"] for x in lessons)
        self.assertTrue(any(ch in words for ch in "äöüß"))

    def test_feedback_has_answers_and_makes_the_rating(self):
        feedback = self.items("/feedback")
        self.assertGreaterEqual(len(feedback), 8)
        self.assertEqual({f["rating"] for f in feedback} - {2, 3, 4, 5},
                         set())
        self.assertGreaterEqual(len({f["rating"] for f in feedback}), 3)
        answered = [f for f in feedback if f.get("answer")]
        self.assertGreaterEqual(len(answered), 4)
        for f in answered:
            self.assertTrue(f["answered_at"].startswith(TODAY), f)
            self.assertTrue(f["answered_by"], f)
        for f in feedback:
            self.assertTrue(f["version"], f)
        by_solution = collections.defaultdict(list)
        for f in feedback:
            by_solution[f["solution"]].append(f["rating"])
        sols = self.solutions()
        for slug, ratings in by_solution.items():
            rating = sols[slug]["rating"]
            self.assertEqual(rating["count"], len(ratings), slug)
            self.assertAlmostEqual(rating["average"],
                                   sum(ratings) / len(ratings), msg=slug)
        unrated = [s for s in sols.values() if s["slug"] not in by_solution]
        self.assertTrue(unrated)
        for s in unrated:
            self.assertEqual(s["rating"], {"average": None, "count": 0})

    # -- assessments, reuse checks, subscriptions ----------------------------

    def test_assessments_one_expired_some_cover_the_current_version(self):
        found = []
        for slug in self.solutions():
            found += self.items("/solutions/%s/assessments" % slug)
        self.assertGreaterEqual(len(found), 6)
        self.assertGreaterEqual(len({a["solution"] for a in found}), 6)
        self.assertEqual({a["kind"] for a in found} >=
                         {"data-protection", "it-security", "accessibility",
                          "procurement-law", "licence"}, True)
        self.assertEqual({a["scope"] for a in found},
                         {"solution", "cycle", "version"})
        results = collections.Counter(a["result"] for a in found)
        self.assertGreaterEqual(results["failed"], 1)
        self.assertGreaterEqual(results["passed-with-conditions"], 1)
        for a in found:
            if a["result"] == "passed-with-conditions":
                self.assertTrue(a["conditions"], a)
        expired = [a for a in found if a["expired"]]
        self.assertEqual(len(expired), 1, expired)
        self.assertLess(expired[0]["valid_until"], TODAY)
        self.assertFalse(expired[0]["covers_current_version"])
        covering = [a for a in found if a["covers_current_version"]]
        self.assertGreaterEqual(len(covering), 3)
        for a in covering:
            self.assertEqual(a["current_version"],
                             self.current_version(a["solution"]))
            self.assertNotEqual(a["result"], "failed")
        # An assessment of an older version does not cover the current one.
        old = [a for a in found if a["scope"] == "version" and
               a["version"] != a["current_version"]]
        self.assertTrue(old)
        self.assertFalse(any(a["covers_current_version"] for a in old))

    def test_reuse_checks_document_the_decision(self):
        r = self.server.get(API + "/reuse-checks")
        self.assertEqual(r.status, 401, r)
        checks = self.items("/reuse-checks", token=self.admin)
        self.assertGreaterEqual(len(checks), 2)
        sols = self.solutions()
        reuse = [c for c in checks if c["decision"] == "reuse"]
        self.assertTrue(reuse)
        for c in reuse:
            self.assertIn(c["chosen"], sols)
            self.assertTrue(c["reason"])
            considered = c["considered"]
            self.assertGreaterEqual(len(considered), 2)
            self.assertIn(c["chosen"], [x.get("solution")
                                        for x in considered])
        # Some check weighed a product outside the catalogue, too.
        self.assertTrue(any(x.get("name") and not x.get("solution")
                            for c in checks for x in c["considered"]))
        other = [c for c in checks if c["decision"] in ("build", "postpone")]
        self.assertTrue(other)
        self.assertIsNone(other[0].get("chosen"))
        # The reuse decision led to a roll-in of the chosen solution.
        starts = {(x["solution"], x["adopter"]) for x in self.rollins()}
        self.assertTrue(any((c["chosen"], c["organisation"]) in starts
                            for c in reuse))

    def test_subscriptions_follow_solutions(self):
        subs = self.items("/subscriptions", token=self.admin)
        self.assertGreaterEqual(len(subs), 2)
        types = {t for s in subs for t in s["event_types"]}
        self.assertIn("release.published", types)
        self.assertIn("cycle.*", types)
        sols = self.solutions()
        for s in subs:
            for slug in s["solutions"]:
                self.assertIn(slug, sols)
            if s.get("contact"):
                c = self.get("/contacts/%d" % s["contact"], token=self.admin)
                self.assertEqual(c["organisation"], s["organisation"])

    # -- loading ----------------------------------------------------------

    def inventory(self):
        t = self.admin
        inv = {"rollins": self.rollins(),
               "lessons": self.items("/lessons"),
               "feedback": self.items("/feedback"),
               "cost_reports": self.items("/cost-reports", token=t),
               "reuse_checks": self.items("/reuse-checks", token=t),
               "subscriptions": self.items("/subscriptions", token=t),
               "adoptions": [],
               "assessments": [],
               "steps": [],
               "blockers": []}
        for slug in self.solutions():
            inv["adoptions"] += self.items("/solutions/%s/adoptions" % slug,
                                           token=t)
            inv["assessments"] += self.items(
                "/solutions/%s/assessments" % slug)
        for x in inv["rollins"]:
            inv["steps"] += self.items("/rollins/%d/steps" % x["id"],
                                       token=t)
            inv["blockers"] += self.items("/rollins/%d/blockers" % x["id"],
                                          token=t)
        inv["events"] = self.server.events(t)
        return inv

    def test_zz_second_start_with_demo_adds_nothing(self):
        s = self.server
        before = self.inventory()
        self.assertEqual(s.stop(), 0)
        s.demo = True
        s.start()
        after = self.inventory()
        for what in before:
            self.assertEqual(len(after[what]), len(before[what]), what)
        self.assertEqual(after, before)
        self.assertTrue(any("not empty" in line for line in s.log), s.log)


if __name__ == "__main__":
    unittest.main()
