"""The event log: every write leaves one event (type, subject, actor,
payload) in the order the writes happened; the log pages with ?after=;
a refused write leaves none."""

import unittest

from harness import ServerTest

API = "/api/v1"


class EventsTest(ServerTest):
    DEMO = True
    DEMO_TEMPLATE = True
    ENV = {"ROLLIN_TIMER_INTERVAL": "86400"}  # no time events between

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.server.token_for("admin", "bmi")

    def test_every_write_is_an_event_in_order(self):
        s, t = self.server, self.admin
        mark = s.last_event_id(t)
        steps = []

        def write(method, path, body, etag=None, token=t):
            r = s.request(method, API + path, body=body, token=token,
                          headers={"If-Match": etag} if etag else None)
            self.assertIn(r.status, (200, 201, 204), r)
            return r

        write("POST", "/organisations", {"slug": "ev-org", "name": "Ereignis",
                                         "kind": "other"})
        steps.append(("organisation.created", "organisations/ev-org", None))
        owner = s.token("owner", "ev-org", label="ev-owner")
        owner_id = s.token_id("ev-owner")
        mark_tok = s.last_event_id(t)   # token creation is logged, too
        self.assertEqual(s.events(t, mark_tok - 1)[0]["type"],
                         "token.created")
        write("POST", "/solutions", {"slug": "ev-sol", "name": "Ereignisse",
                                     "owner": "ev-org", "maturity": "pilot"},
              token=owner)
        steps.append(("solution.created", "solutions/ev-sol", "ev-sol"))
        c = write("POST", "/solutions/ev-sol/cycles", {"name": "1.x"},
                  token=owner).json
        steps.append(("cycle.created", "solutions/ev-sol/cycles/%d"
                      % c["id"], "ev-sol"))
        r = write("POST", "/solutions/ev-sol/releases", {
            "version": "1.0", "cycle": "1.x", "status": "planned",
            "planned_date": "2030-01-01"}, token=owner).json
        steps.append(("release.created", "solutions/ev-sol/releases/%d"
                      % r["id"], "ev-sol"))
        write("PATCH", "/solutions/ev-sol", {"summary": "Neu", "maturity":
                                             "production"}, etag='"1"',
              token=owner)
        steps.append(("solution.updated", "solutions/ev-sol", "ev-sol"))
        write("POST", "/contacts", {"organisation": "ev-org",
                                    "name": "Eva Ereignis"}, token=owner)
        write("DELETE", "/solutions/ev-sol/releases/%d" % r["id"], None,
              token=owner)
        write("POST", "/solutions/ev-sol/confirm", None, token=owner)

        events = s.events(t, mark)
        self.assertEqual([e["id"] for e in events],
                         sorted(e["id"] for e in events))
        self.assertEqual(len({e["id"] for e in events}), len(events))
        types = [e["type"] for e in events]
        self.assertEqual(types, ["organisation.created", "token.created",
                                 "solution.created", "cycle.created",
                                 "release.created", "solution.updated",
                                 "contact.created", "release.deleted",
                                 "solution.confirmed"])
        mine = [e for e in events if e["type"] != "token.created"]
        for (typ, subject, sol), e in zip(steps, mine):
            self.assertEqual(e["type"], typ)
            self.assertEqual(e["subject"], subject)
            self.assertEqual(e["solution"], sol, e)
            self.assertTrue(e["time"].endswith("Z"), e)
        self.assertTrue(mine[0]["actor"].startswith("admin@bmi#"))
        for e in mine[1:]:
            self.assertEqual(e["actor"], "owner@ev-org#%d" % owner_id, e)
        # The payload carries the record as it was written.
        self.assertEqual(mine[0]["payload"]["organisation"]["name"],
                         "Ereignis")
        sol = mine[1]["payload"]["solution"]
        self.assertEqual((sol["slug"], sol["owner"]), ("ev-sol", "ev-org"))
        self.assertEqual(mine[2]["payload"]["cycle"]["name"], "1.x")
        upd = mine[4]["payload"]
        self.assertEqual(sorted(upd["changed"]), ["maturity", "summary"])
        self.assertEqual(upd["solution"]["summary"], "Neu")
        self.assertEqual(upd["solution"]["rev"], 2)
        deleted = events[types.index("release.deleted")]
        self.assertEqual(deleted["payload"]["release"]["version"], "1.0")
        confirmed = events[-1]
        self.assertEqual(confirmed["subject"], "solutions/ev-sol")

    def test_paging_with_after(self):
        s, t = self.server, self.admin
        every = s.events(t)
        self.assertGreater(len(every), 10)
        paged, after = [], 0
        while True:
            r = s.get(API + "/events?after=%d&limit=7" % after, token=t)
            self.assertEqual(r.status, 200, r)
            self.assertLessEqual(len(r.json["items"]), 7)
            paged += r.json["items"]
            if not r.json["next"]:
                break
            after = int(r.json["next"])
        # Events written by other tests meanwhile may follow; none repeat.
        self.assertEqual(paged[:len(every)], every)
        self.assertEqual(len({e["id"] for e in paged}), len(paged))
        mid = every[len(every) // 2]["id"]
        r = s.get(API + "/events?after=%d&limit=3" % mid, token=t)
        self.assertEqual([e["id"] for e in r.json["items"]],
                         [e["id"] for e in every if e["id"] > mid][:3])
        r = s.get(API + "/events?after=%d" % (every[-1]["id"] + 1000),
                  token=t)
        self.assertEqual(r.json, {"items": [], "next": None})

    def test_failed_writes_add_no_event(self):
        s, t = self.server, self.admin
        s.post(API + "/organisations", {"slug": "ev-fail", "name": "x",
                                        "kind": "other"}, token=t)
        mark = s.last_event_id(t)
        owner = s.token_for("adopter", "ev-fail")
        mark = s.last_event_id(t)
        bad = [
            ("POST", "/organisations", {"slug": "ev-fail", "name": "x",
                                        "kind": "other"}, t),   # duplicate
            ("POST", "/organisations", {"slug": "Bad!", "name": "x",
                                        "kind": "other"}, t),
            ("POST", "/solutions", {"slug": "ev-x", "name": "x",
                                    "owner": "ev-fail", "maturity": "pilot"},
             owner),                                             # forbidden
            ("POST", "/solutions", {"slug": "ev-x", "name": "x",
                                    "owner": "ev-fail", "maturity": "pilot"},
             None),                                              # anonymous
            ("PATCH", "/organisations/ev-fail", {"name": "y"}, t),  # no rev
            ("DELETE", "/organisations/ev-fail", None, owner),
            ("DELETE", "/solutions/wohngeld-online", None, t),
            ("DELETE", "/organisations/dataport", None, t),      # in use
        ]
        for method, path, body, tok in bad:
            r = s.request(method, API + path, body=body, token=tok)
            self.assertGreaterEqual(r.status, 400, (method, path, r))
        self.assertEqual(s.events(t, mark), [])
        self.assertEqual(s.get(API + "/organisations/dataport").status, 200)

    def test_events_carry_the_solution_of_nested_records(self):
        s, t = self.server, self.admin
        mark = s.last_event_id(t)
        r = s.post(API + "/solutions/wohngeld-online/adoptions", {
            "organisation": "vitako", "status": "evaluating"}, token=t)
        self.assertEqual(r.status, 201, r)
        e = s.events(t, mark)
        self.assertEqual([x["type"] for x in e], ["adoption.created"])
        self.assertEqual(e[0]["solution"], "wohngeld-online")
        self.assertEqual(e[0]["subject"],
                         "solutions/wohngeld-online/adoptions/%d"
                         % r.json["id"])
        self.assertEqual(e[0]["payload"]["adoption"]["organisation"],
                         "vitako")


if __name__ == "__main__":
    unittest.main()
