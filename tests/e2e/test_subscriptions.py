"""Who receives an event (GET /api/v1/events/{id}/recipients): explicit
subscriptions by type or type family and by solution, every organisation
still using the solution for its releases and cycle events, a roll-in's
onboarding team for the roll-in's events; each organisation and contact
once; stopped adopters left out."""

import unittest

from harness import ServerTest

API = "/api/v1"


class RecipientsTest(ServerTest):
    DEMO = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.admin = s.token_for("admin", "bmi")
        for slug, kind in (("sb-owner", "state"), ("sb-a", "municipal"),
                           ("sb-b", "municipal"), ("sb-c", "municipal"),
                           ("sb-d", "municipal"), ("sb-team", "provider")):
            cls.create("/organisations", {"slug": slug, "kind": kind,
                                          "name": "Org " + slug})
        for slug in ("sb-sol", "sb-other"):
            cls.create("/solutions", {"slug": slug, "name": slug,
                                      "owner": "sb-owner",
                                      "maturity": "production"})
        cls.contact = cls.create("/contacts", {"organisation": "sb-b",
                                               "name": "Bea Beispiel"})["id"]
        # sb-b's contact wants every cycle event of sb-sol.
        cls.family = cls.create("/subscriptions", {
            "organisation": "sb-b", "contact": cls.contact,
            "event_types": ["cycle.*"], "solutions": ["sb-sol"]})["id"]
        # sb-a wants published releases of every solution, as an
        # organisation; it also uses sb-sol.
        cls.releases = cls.create("/subscriptions", {
            "organisation": "sb-a", "event_types": ["release.published"]})["id"]
        for org, status in (("sb-a", "live"), ("sb-b", "rolling-in"),
                            ("sb-c", "stopped")):
            cls.create("/solutions/sb-sol/adoptions", {"organisation": org,
                                                       "status": status})

    @classmethod
    def create(cls, path, body):
        r = cls.server.post(API + path, body, token=cls.admin)
        assert r.status == 201, r
        return r.json

    def newest(self, typ, subject):
        ids = [e["id"] for e in self.server.events(self.admin)
               if e["type"] == typ and e["subject"] == subject]
        self.assertTrue(ids, (typ, subject))
        return ids[-1]

    def recipients(self, event_id):
        r = self.server.get(API + "/events/%d/recipients" % event_id,
                            token=self.admin)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["event"]["id"], event_id)
        items = r.json["items"]
        pairs = [(i["organisation"], i["contact"]) for i in items]
        self.assertEqual(len(pairs), len(set(pairs)), items)
        return items

    @staticmethod
    def brief(items):
        """This test's recipients (the demo data subscribes others)."""
        return [(i["organisation"], i["contact"], i["reason"],
                 i.get("subscription")) for i in items
                if i["organisation"].startswith("sb-")]

    def test_cycle_event_goes_to_family_subscriber_and_users(self):
        c = self.create("/solutions/sb-sol/cycles", {"name": "9.x"})
        ev = self.newest("cycle.created", "solutions/sb-sol/cycles/%d"
                         % c["id"])
        items = self.recipients(ev)
        # sb-b's contact by subscription; sb-a and sb-b (as an
        # organisation) as users; sb-c stopped using it.
        self.assertEqual(self.brief(items), [
            ("sb-b", self.contact, "subscription", self.family),
            ("sb-a", None, "adopter", None),
            ("sb-b", None, "adopter", None)])

        # The same family on another solution: not for sb-b's contact,
        # and sb-other has no users.
        c = self.create("/solutions/sb-other/cycles", {"name": "1.x"})
        ev = self.newest("cycle.created", "solutions/sb-other/cycles/%d"
                         % c["id"])
        self.assertEqual(self.brief(self.recipients(ev)), [])

    def test_published_release_once_per_organisation(self):
        rel = self.create("/solutions/sb-sol/releases", {
            "version": "9.0.0", "status": "released",
            "date": "2026-01-10"})
        ev = self.newest("release.published", "solutions/sb-sol/releases/%d"
                         % rel["id"])
        items = self.recipients(ev)
        # sb-a subscribed and uses it: once, as the subscriber.
        self.assertEqual(self.brief(items), [
            ("sb-a", None, "subscription", self.releases),
            ("sb-b", None, "adopter", None)])
        # The release's creation is no publication: no defaults.
        ev = self.newest("release.created", "solutions/sb-sol/releases/%d"
                         % rel["id"])
        self.assertEqual(self.brief(self.recipients(ev)), [])

    def test_onboarding_team_receives_rollin_events(self):
        r = self.create("/rollins", {"solution": "sb-other",
                                     "adopter": "sb-d",
                                     "onboarding_team": "sb-team"})
        ev = self.newest("rollin.created", "rollins/%d" % r["id"])
        self.assertEqual(self.brief(self.recipients(ev)),
                         [("sb-team", None, "onboarding_team", None)])
        step = self.create("/rollins/%d/steps" % r["id"], {
            "position": 1, "step": "Kick-off", "role": "adopter"})
        ev = self.newest("rollin_step.created", "rollins/%d/steps/%d"
                         % (r["id"], step["id"]))
        self.assertEqual(self.brief(self.recipients(ev)),
                         [("sb-team", None, "onboarding_team", None)])

    def test_answer_shape_and_errors(self):
        ev = self.server.last_event_id(self.admin)
        r = self.server.get(API + "/events/%d/recipients" % ev,
                            token=self.admin)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(set(r.json), {"event", "items"})
        self.assertEqual(set(r.json["event"]), {
            "id", "time", "type", "subject", "actor", "solution", "payload"})
        self.assertError(self.server.get(API + "/events/%d/recipients"
                                         % (ev + 1000), token=self.admin),
                         404, code="not_found")
        self.assertError(self.server.get(API + "/events/abc/recipients",
                                         token=self.admin),
                         404, code="not_found")
        self.assertError(self.server.get(API + "/events/%d/recipients" % ev),
                         401, code="unauthenticated")


if __name__ == "__main__":
    unittest.main()
