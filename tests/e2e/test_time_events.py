"""Events that time creates: a cycle's support ending and end of life, an
overdue planned release, an overdue roll-in step, a stale entry. The
server is restarted with the clock (ROLLIN_NOW) moved across the due
dates, as if it had been down meanwhile: each occurrence appears in the
event log exactly once, at the first run after it fell due, and never
again however often the server restarts or the timer ticks."""

import time
import unittest

from harness import Server

API = "/api/v1"
START = "2026-03-02T10:00:00Z"


class TimeEventsTest(unittest.TestCase):

    def setUp(self):
        self.server = Server(demo=True, env={
            "ROLLIN_NOW": START, "ROLLIN_STALE_DAYS": "30",
            "ROLLIN_TIMER_INTERVAL": "1"}).start()
        self.addCleanup(self.server.dir.cleanup)
        self.addCleanup(self.server.stop)
        self.admin = self.server.token_for("admin", "bmi")

    def post(self, path, body):
        r = self.server.post(API + path, body, token=self.admin)
        self.assertEqual(r.status, 201, r)
        return r.json

    def restart_at(self, now):
        self.server.env["ROLLIN_NOW"] = now
        self.assertEqual(self.server.restart(), 0)
        # Let the one-second timer tick a few times on the fixed clock.
        time.sleep(2.5)

    def timed(self):
        """The time-driven events about this test's records, oldest first."""
        return [e for e in self.server.events(self.admin)
                if e["actor"] == "timer" and
                (e["subject"].startswith("solutions/te-sol") or
                 e["subject"].startswith("rollins/%d/" % self.rollin))]

    def summary(self):
        return sorted((e["type"], e["subject"]) for e in self.timed())

    def test_due_dates_across_restarts(self):
        self.post("/organisations", {"slug": "te-org", "name": "Zeitamt",
                                     "kind": "municipal"})
        self.post("/organisations", {"slug": "te-adopter", "kind": "municipal",
                                     "name": "Nachnutzer"})
        self.post("/organisations", {"slug": "te-team", "kind": "provider",
                                     "name": "Einführungsteam"})
        self.post("/solutions", {"slug": "te-sol", "name": "Zeitverfahren",
                                 "owner": "te-org", "maturity": "production"})
        cycle = self.post("/solutions/te-sol/cycles", {
            "name": "1.x", "support_until": "2026-04-20",
            "eol": "2026-05-10"})["id"]
        release = self.post("/solutions/te-sol/releases", {
            "version": "1.1.0", "cycle": "1.x", "status": "planned",
            "planned_date": "2026-04-01"})["id"]
        self.post("/solutions/te-sol/releases", {
            "version": "1.0.0", "cycle": "1.x", "status": "released",
            "date": "2026-03-01"})
        self.rollin = self.post("/rollins", {
            "solution": "te-sol", "adopter": "te-adopter",
            "onboarding_team": "te-team"})["id"]
        step = self.post("/rollins/%d/steps" % self.rollin, {
            "position": 1, "step": "Kick-off", "role": "adopter",
            "planned_date": "2026-04-01"})["id"]
        self.post("/rollins/%d/steps" % self.rollin, {
            "position": 2, "step": "Vertrag", "role": "owner",
            "planned_date": "2026-03-20", "done": True})
        cyc = "solutions/te-sol/cycles/%d" % cycle
        rel = "solutions/te-sol/releases/%d" % release
        stp = "rollins/%d/steps/%d" % (self.rollin, step)

        # Nothing is due yet.
        self.restart_at(START)
        self.assertEqual(self.timed(), [])

        # Down until mid-April: support ends on 20 April (the 90-day
        # notice fell due before the cycle was entered, the 30- and 7-day
        # ones since), the release and the step were due on 1 April, the
        # entry was last changed 44 days ago.
        self.restart_at("2026-04-15T08:00:00Z")
        first = self.timed()
        self.assertEqual(self.summary(), sorted([
            ("cycle.support_ending", cyc), ("cycle.support_ending", cyc),
            ("release.overdue", rel), ("rollin.step_overdue", stp),
            ("solution.stale", "solutions/te-sol")]))
        leads = sorted(e["payload"]["lead"] for e in first
                       if e["type"] == "cycle.support_ending")
        self.assertEqual(leads, [7, 30])
        for e in first:
            self.assertEqual(e["solution"], "te-sol", e)
            self.assertEqual(e["time"], "2026-04-15T08:00:00Z", e)
            if e["type"] == "cycle.support_ending":
                self.assertEqual(e["payload"]["days_left"], 5)
                self.assertEqual(e["payload"]["support_until"], "2026-04-20")
                self.assertEqual(e["payload"]["cycle"]["name"], "1.x")
            if e["type"] == "release.overdue":
                self.assertEqual(e["payload"]["release"]["version"], "1.1.0")
                self.assertEqual(e["payload"]["days_overdue"], 14)
            if e["type"] == "rollin.step_overdue":
                self.assertEqual(e["payload"]["rollin_step"]["step"],
                                 "Kick-off")
            if e["type"] == "solution.stale":
                self.assertEqual(e["payload"]["days"], 44)
                self.assertEqual(e["payload"]["stale_after_days"], 30)

        # Restarting on the same day emits nothing again.
        self.restart_at("2026-04-15T09:00:00Z")
        self.assertEqual([e["id"] for e in self.timed()],
                         [e["id"] for e in first])

        # The owner confirms the entry; the end of life passes while the
        # server is down; the confirmation is stale 35 days later.
        r = self.server.post(API + "/solutions/te-sol/confirm", None,
                             token=self.admin)
        self.assertEqual(r.status, 200, r)
        self.restart_at("2026-05-20T08:00:00Z")
        new = [e for e in self.timed() if e["id"] > first[-1]["id"]]
        self.assertEqual(sorted((e["type"], e["subject"]) for e in new), [
            ("cycle.eol_reached", cyc), ("solution.stale", "solutions/te-sol")])
        eol = [e for e in new if e["type"] == "cycle.eol_reached"][0]
        self.assertEqual(eol["payload"]["eol"], "2026-05-10")

        self.restart_at("2026-05-21T08:00:00Z")
        self.assertEqual(len(self.timed()), len(first) + 2)

    def test_timer_ticks_while_running(self):
        """The running server notices what falls due without a restart,
        once, and nothing that fell due before its record existed."""
        self.post("/organisations", {"slug": "te-org", "name": "Zeitamt",
                                     "kind": "municipal"})
        self.post("/solutions", {"slug": "te-sol", "name": "Zeitverfahren",
                                 "owner": "te-org", "maturity": "production"})
        self.rollin = 0
        # Planned for yesterday: overdue from today, the day it is entered.
        late = self.post("/solutions/te-sol/releases", {
            "version": "2.0.0", "status": "planned",
            "planned_date": "2026-03-01"})["id"]
        # A cycle whose end of life lies years back: history, no news.
        self.post("/solutions/te-sol/cycles", {
            "name": "0.x", "support_until": "2019-01-01",
            "eol": "2020-01-01"})
        deadline = time.time() + 10
        while not self.timed() and time.time() < deadline:
            time.sleep(0.2)
        time.sleep(2.5)
        self.assertEqual(self.summary(), [
            ("release.overdue", "solutions/te-sol/releases/%d" % late)])


if __name__ == "__main__":
    unittest.main()
