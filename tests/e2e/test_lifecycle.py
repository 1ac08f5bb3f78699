"""Maintenance cycles and releases: what the service derives (latest
version, support status, overdue plans) and the event adopters wait for
when a planned release is published. The server's clock is fixed with
ROLLIN_NOW so that "today" is 2026-06-15."""

import unittest

from harness import ServerTest

API = "/api/v1"
SOL = API + "/solutions/lc-solution"


class LifecycleTest(ServerTest):
    DEMO = True
    DEMO_TEMPLATE = True
    # Fixed clock; no timer tick adds time events in between.
    ENV = {"ROLLIN_NOW": "2026-06-15", "ROLLIN_TIMER_INTERVAL": "86400"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.admin = s.token_for("admin", "bmi")
        r = s.post(API + "/organisations", {"slug": "lc-owner", "kind":
                                           "provider", "name": "LC Betrieb"},
                   token=cls.admin)
        assert r.status == 201, r
        cls.owner = s.token_for("owner", "lc-owner")
        r = s.post(API + "/solutions", {"slug": "lc-solution", "name":
                                       "Lebenszyklus", "owner": "lc-owner",
                                       "maturity": "production"},
                   token=cls.owner)
        assert r.status == 201, r

    def post(self, path, body):
        r = self.server.post(path, body, token=self.owner)
        self.assertEqual(r.status, 201, r)
        return r.json

    def patch(self, path, body):
        s = self.server
        etag = s.get(path).header("ETag")
        r = s.patch(path, body, etag=etag, token=self.owner)
        self.assertEqual(r.status, 200, r)
        return r.json

    def cycle(self, cid):
        r = self.server.get(SOL + "/cycles/%d" % cid)
        self.assertEqual(r.status, 200, r)
        return r.json

    def test_latest_is_the_newest_released_release(self):
        c = self.post(SOL + "/cycles", {"name": "1.x",
                                        "release_date": "2026-01-10"})
        self.assertIsNone(c["latest"])
        self.post(SOL + "/releases", {"version": "1.0.0", "cycle": "1.x",
                                      "status": "released",
                                      "date": "2026-01-10"})
        self.assertEqual(self.cycle(c["id"])["latest"], "1.0.0")
        self.assertEqual(self.cycle(c["id"])["latest_date"], "2026-01-10")
        # A planned or withdrawn release is not the latest.
        planned = self.post(SOL + "/releases", {
            "version": "1.1.0", "cycle": "1.x", "status": "planned",
            "planned_date": "2026-07-01"})
        self.post(SOL + "/releases", {"version": "1.0.9", "cycle": "1.x",
                                      "status": "withdrawn",
                                      "date": "2026-03-01"})
        self.assertEqual(self.cycle(c["id"])["latest"], "1.0.0")
        # Publishing the planned one makes it the latest.
        self.patch(SOL + "/releases/%d" % planned["id"],
                   {"status": "released", "date": "2026-06-14"})
        got = self.cycle(c["id"])
        self.assertEqual(got["latest"], "1.1.0")
        self.assertEqual(got["latest_date"], "2026-06-14")
        # Other cycles' releases do not count.
        self.post(SOL + "/cycles", {"name": "2.x"})
        self.post(SOL + "/releases", {"version": "2.0.0", "cycle": "2.x",
                                      "status": "released",
                                      "date": "2026-06-15"})
        self.assertEqual(self.cycle(c["id"])["latest"], "1.1.0")
        # Withdrawing the latest falls back to the one before.
        self.patch(SOL + "/releases/%d" % planned["id"],
                   {"status": "withdrawn"})
        self.assertEqual(self.cycle(c["id"])["latest"], "1.0.0")
        listed = self.server.get(SOL + "/cycles?sort=name").json["items"]
        self.assertEqual([(x["name"], x["latest"]) for x in listed
                          if x["name"] in ("1.x", "2.x")],
                         [("1.x", "1.0.0"), ("2.x", "2.0.0")])

    def test_latest_cannot_be_typed(self):
        s = self.server
        r = s.post(SOL + "/cycles", {"name": "typed.x", "latest": "9.9"},
                   token=self.owner)
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.error["field"], "latest")
        self.assertIn(r.error["code"], ("unknown_field", "read_only"))
        self.assertEqual(s.get(SOL + "/cycles?sort=name").status, 200)
        self.assertNotIn("typed.x", [c["name"] for c in s.get(
            SOL + "/cycles?limit=500").json["items"]])
        c = self.post(SOL + "/cycles", {"name": "typed2.x"})
        for field in ("latest", "latest_date", "support_status"):
            r = s.patch(SOL + "/cycles/%d" % c["id"], {field: "x"},
                        etag='"1"', token=self.owner)
            self.assertEqual(r.status, 422, r)
            self.assertEqual(r.error["field"], field)
            self.assertIn(r.error["code"], ("unknown_field", "read_only"))
        self.assertEqual(self.cycle(c["id"])["rev"], 1)
        self.assertIsNone(self.cycle(c["id"])["latest"])

    def test_support_status_follows_the_dates(self):
        cases = [
            ({"support_until": "2026-12-31", "eol": "2027-06-30"}, "active"),
            ({}, "active"),
            ({"support_until": "2026-06-15", "eol": "2027-06-30"},
             "security"),
            ({"support_until": "2026-01-01", "eol": "2026-12-31"},
             "security"),
            ({"support_until": "2025-01-01", "eol": "2026-06-01"}, "eol"),
            ({"eol": "2026-06-15"}, "eol"),
            ({"eol": "2026-01-01", "extended_support": "2027-01-01"},
             "extended"),
            ({"eol": "2025-01-01", "extended_support": "2026-01-01"}, "eol"),
        ]
        for i, (dates, want) in enumerate(cases):
            body = dict(dates, name="st-%d" % i)
            c = self.post(SOL + "/cycles", body)
            self.assertEqual(c["support_status"], want, dates)
            self.assertEqual(self.cycle(c["id"])["support_status"], want)

    def test_release_overdue(self):
        cases = [
            ({"status": "planned", "planned_date": "2026-06-14"}, True),
            ({"status": "planned", "planned_date": "2026-06-15"}, False),
            ({"status": "planned", "planned_date": "2026-09-01"}, False),
            ({"status": "released", "planned_date": "2026-01-01",
              "date": "2026-02-01"}, False),
            ({"status": "withdrawn", "planned_date": "2026-01-01"}, False),
        ]
        for i, (body, want) in enumerate(cases):
            r = self.post(SOL + "/releases", dict(body, version="od-%d" % i))
            self.assertIs(r["overdue"], want, body)
        listed = self.server.all_items(SOL + "/releases?status=planned")
        overdue = {x["version"] for x in listed if x["overdue"]}
        self.assertIn("od-0", overdue)
        self.assertNotIn("od-1", overdue)
        # Publishing ends the overdue state.
        rid = [x["id"] for x in listed if x["version"] == "od-0"][0]
        got = self.patch(SOL + "/releases/%d" % rid,
                         {"status": "released", "date": "2026-06-15"})
        self.assertIs(got["overdue"], False)

    def test_release_published_event(self):
        s = self.server
        self.post(SOL + "/cycles", {"name": "pub.x"})
        r = self.post(SOL + "/releases", {"version": "pub-1", "cycle": "pub.x",
                                          "status": "planned",
                                          "planned_date": "2026-07-01"})
        mark = s.last_event_id(self.admin)
        self.assertEqual([e["type"] for e in s.events(self.admin, mark)], [])
        got = self.patch(SOL + "/releases/%d" % r["id"],
                         {"status": "released", "date": "2026-06-15"})
        events = s.events(self.admin, mark)
        types = [e["type"] for e in events]
        self.assertEqual(types.count("release.published"), 1, types)
        self.assertIn("release.updated", types)
        pub = events[types.index("release.published")]
        self.assertEqual(pub["subject"],
                         "solutions/lc-solution/releases/%d" % r["id"])
        self.assertEqual(pub["solution"], "lc-solution")
        self.assertTrue(pub["actor"].startswith("owner@lc-owner#"), pub)
        self.assertIn("pub-1", str(pub["payload"]))
        self.assertEqual(got["status"], "released")
        # Editing the notes of a published release publishes nothing anew.
        mark = s.last_event_id(self.admin)
        self.patch(SOL + "/releases/%d" % r["id"], {"notes": "Fixes"})
        types = [e["type"] for e in s.events(self.admin, mark)]
        self.assertEqual(types, ["release.updated"])
        # A planned release edited but still planned is not published.
        p = self.post(SOL + "/releases", {"version": "pub-2", "status":
                                          "planned",
                                          "planned_date": "2026-08-01"})
        mark = s.last_event_id(self.admin)
        self.patch(SOL + "/releases/%d" % p["id"],
                   {"planned_date": "2026-08-15"})
        types = [e["type"] for e in s.events(self.admin, mark)]
        self.assertNotIn("release.published", types)
        # A release recorded as already released is published, too.
        mark = s.last_event_id(self.admin)
        self.post(SOL + "/releases", {"version": "pub-3", "status":
                                      "released", "date": "2026-06-01"})
        types = [e["type"] for e in s.events(self.admin, mark)]
        self.assertIn("release.published", types)

    def test_release_rules(self):
        s = self.server
        r = s.post(SOL + "/releases", {"version": "rule-1", "status":
                                       "planned"}, token=self.owner)
        self.assertError(r, 422, field="planned_date", code="missing_field")
        r = s.post(SOL + "/releases", {"version": "rule-2", "status":
                                       "released"}, token=self.owner)
        self.assertError(r, 422, field="date", code="missing_field")
        r = s.post(SOL + "/releases", {"version": "rule-3", "status":
                                       "released", "cycle": "no-such.x",
                                       "date": "2026-01-01"},
                   token=self.owner)
        self.assertError(r, 422, field="cycle", code="unknown_reference")
        # A cycle of another solution is not a cycle of this one.
        r = s.post(SOL + "/releases", {"version": "rule-4", "status":
                                       "released", "cycle": "3.x",
                                       "date": "2026-01-01"},
                   token=self.owner)
        self.assertError(r, 422, field="cycle", code="unknown_reference")
        versions = [x["version"] for x in s.all_items(SOL + "/releases")]
        for v in ("rule-1", "rule-2", "rule-3", "rule-4"):
            self.assertNotIn(v, versions)

    def test_cycle_dates_must_be_in_order(self):
        s = self.server
        for body, field in (
                ({"release_date": "2026-05-01", "support_until":
                  "2026-04-01"}, "support_until"),
                ({"release_date": "2026-05-01", "eol": "2026-04-01"}, "eol"),
                ({"support_until": "2027-01-01", "eol": "2026-12-31"}, "eol"),
                ({"eol": "2027-01-01", "extended_support": "2026-12-31"},
                 "extended_support")):
            r = s.post(SOL + "/cycles", dict(body, name="order.x"),
                       token=self.owner)
            self.assertError(r, 422, field=field, code="invalid_value")
        self.assertNotIn("order.x", [c["name"] for c in s.all_items(
            SOL + "/cycles")])
        c = self.post(SOL + "/cycles", {"name": "order.x", "eol":
                                        "2027-01-01"})
        r = s.patch(SOL + "/cycles/%d" % c["id"],
                    {"support_until": "2027-02-01"}, etag='"1"',
                    token=self.owner)
        self.assertError(r, 422, field="eol", code="invalid_value")
        self.assertNotIn("support_until", self.cycle(c["id"]))

    def test_responsibility_dates_must_be_in_order(self):
        r = self.server.post(SOL + "/responsibilities", {
            "role": "operation", "organisation": "lc-owner",
            "since": "2026-05-01", "until": "2026-04-30"}, token=self.owner)
        self.assertError(r, 422, field="until", code="invalid_value")

    def test_retirement_is_an_event(self):
        s = self.server
        r = s.post(API + "/solutions", {"slug": "lc-old", "name": "Alt",
                                       "owner": "lc-owner",
                                       "maturity": "production"},
                   token=self.owner)
        self.assertEqual(r.status, 201, r)
        mark = s.last_event_id(self.admin)
        u = s.patch(API + "/solutions/lc-old", {"maturity": "retired"},
                    etag='"1"', token=self.owner)
        self.assertEqual(u.status, 200, u)
        types = [(e["type"], e["subject"]) for e in s.events(self.admin,
                                                              mark)]
        self.assertIn(("solution.retired", "solutions/lc-old"), types)
        self.assertIn(("solution.updated", "solutions/lc-old"), types)


if __name__ == "__main__":
    unittest.main()
