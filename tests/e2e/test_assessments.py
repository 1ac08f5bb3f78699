"""Assessments done once and reused by every adopter ("one checks for all"):
what they cover as the solution's current version moves on, when they
expire; and reuse checks, in which a seeking organisation documents what it
considered and what it decided."""

import unittest

from harness import ServerTest
from test_rollin_story import bootstrap_admin, create_orgs

API = "/api/v1"
TODAY = "2026-12-01"


class AssessmentWorld(ServerTest):
    ENV = {"ROLLIN_NOW": TODAY}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.admin = bootstrap_admin(s)
        create_orgs(s, cls.admin, ("as-owner", "provider"),
                    ("as-owner2", "provider"), ("as-ldsb", "state"),
                    ("as-amt", "municipal"))
        cls.owner = s.token("owner", "as-owner", label="as-owner")
        cls.owner2 = s.token("owner", "as-owner2", label="as-owner2")
        cls.ldsb = s.token("adopter", "as-ldsb", label="as-ldsb")
        cls.amt = s.token("adopter", "as-amt", label="as-amt")
        for slug in ("as-sol", "as-fixed", "as-new"):
            r = s.post(API + "/solutions", {"slug": slug, "name": slug,
                                            "owner": "as-owner",
                                            "maturity": "production"},
                       token=cls.owner)
            assert r.status == 201, r
        for slug in ("as-sol", "as-fixed"):
            for cycle in ("1.x", "2.x"):
                r = s.post(API + "/solutions/%s/cycles" % slug,
                           {"name": cycle}, token=cls.owner)
                assert r.status == 201, r
            for version, day in (("1.0", "2026-01-10"), ("1.1", "2026-06-01")):
                r = s.post(API + "/solutions/%s/releases" % slug, {
                    "version": version, "cycle": "1.x", "status": "released",
                    "date": day}, token=cls.owner)
                assert r.status == 201, r

    def assess(self, solution, token=None, **fields):
        body = {"kind": "data-protection", "result": "passed",
                "scope": "solution", "date": "2026-09-01"}
        body.update(fields)
        r = self.server.post(API + "/solutions/%s/assessments" % solution,
                             body, token=token or self.owner)
        self.assertEqual(r.status, 201, r)
        for k, v in body.items():
            self.assertEqual(r.json[k], v, k)
        return r.json

    def covers(self, solution):
        """{summary: (current_version, covers_current_version)}."""
        items = self.server.all_items(API + "/solutions/%s/assessments"
                                      % solution)
        return {a.get("summary"): (a.get("current_version"),
                               a["covers_current_version"]) for a in items}

    def assertRefused(self, method, path, body, status, field, list_path,
                      token, code=None, etag=None):
        s = self.server
        before = len(s.all_items(API + list_path, token=self.admin))
        mark = s.last_event_id(self.admin)
        r = s.request(method, API + path, body=body, token=token,
                      headers={"If-Match": etag} if etag else None)
        self.assertError(r, status, field=field, code=code)
        self.assertEqual(len(s.all_items(API + list_path, token=self.admin)),
                         before)
        self.assertEqual(s.events(self.admin, mark), [])
        return r


class AssessmentTest(AssessmentWorld):

    def test_coverage_follows_the_current_version(self):
        s = self.server
        self.assess("as-sol", summary="solution", kind="licence")
        self.assess("as-sol", summary="cycle 1.x", scope="cycle",
                    cycle="1.x", kind="it-security")
        self.assess("as-sol", summary="version 1.1",
                    result="passed-with-conditions", scope="version",
                    version="1.1", conditions="Protokollierung aktivieren")
        self.assess("as-sol", summary="version 1.0", scope="version",
                    version="1.0")
        self.assess("as-sol", summary="failed", result="failed",
                    kind="accessibility")
        self.assess("as-sol", summary="failed 1.1", result="failed",
                    scope="version", version="1.1")
        self.assertEqual(self.covers("as-sol"), {
            "solution": ("1.1", True),
            "cycle 1.x": ("1.1", True),
            "version 1.1": ("1.1", True),
            "version 1.0": ("1.1", False),
            "failed": ("1.1", False),
            "failed 1.1": ("1.1", False)})

        # A planned release does not change what is current.
        r = s.post(API + "/solutions/as-sol/releases", {
            "version": "2.0", "cycle": "2.x", "status": "planned",
            "planned_date": "2026-11-15"}, token=self.owner)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(self.covers("as-sol")["version 1.1"], ("1.1", True))

        # Publishing 2.0 in the other cycle makes it the current version.
        r = s.patch(API + "/solutions/as-sol/releases/%d" % r.json["id"],
                    {"status": "released", "date": "2026-11-15"},
                    etag=r.header("ETag"), token=self.owner)
        self.assertEqual(r.status, 200, r)
        self.assess("as-sol", summary="cycle 2.x", scope="cycle",
                    cycle="2.x")
        self.assess("as-sol", summary="version 2.0", scope="version",
                    version="2.0", date="2026-11-20")
        self.assertEqual(self.covers("as-sol"), {
            "solution": ("2.0", True),
            "cycle 1.x": ("2.0", False),
            "version 1.1": ("2.0", False),
            "version 1.0": ("2.0", False),
            "failed": ("2.0", False),
            "failed 1.1": ("2.0", False),
            "cycle 2.x": ("2.0", True),
            "version 2.0": ("2.0", True)})

    def test_expiry(self):
        self.assess("as-fixed", summary="expired yesterday",
                    valid_until="2026-11-30")
        self.assess("as-fixed", summary="valid until today",
                    valid_until=TODAY)
        self.assess("as-fixed", summary="valid for years",
                    valid_until="2029-12-31", scope="version", version="1.1")
        self.assess("as-fixed", summary="without end")
        items = {a.get("summary"): a for a in self.server.all_items(
            API + "/solutions/as-fixed/assessments")}
        for name, expired in (("expired yesterday", True),
                              ("valid until today", False),
                              ("valid for years", False),
                              ("without end", False)):
            a = items[name]
            self.assertEqual(a["expired"], expired, name)
            # An expired assessment covers nothing.
            self.assertEqual(a["covers_current_version"], not expired, name)
        one = self.server.get(API + "/solutions/as-fixed/assessments/%d"
                              % items["expired yesterday"]["id"])
        self.assertTrue(one.json["expired"])
        self.assertFalse(one.json["covers_current_version"])

    def test_nothing_released_nothing_covered(self):
        a = self.assess("as-new", summary="early")
        self.assertFalse(a["covers_current_version"])
        self.assertNotIn("current_version", a)
        self.assertFalse(a["expired"])

    def test_conditions_are_required_for_a_conditional_pass(self):
        base = {"kind": "it-security", "result": "passed-with-conditions",
                "scope": "solution", "date": "2026-10-01"}
        path = "/solutions/as-fixed/assessments"
        self.assertRefused("POST", path, base, 422, "conditions", path,
                           self.owner, code="missing_field")
        a = self.assess("as-fixed", summary="plain pass", kind="it-security",
                        date="2026-10-01")
        self.assertRefused("PATCH", path + "/%d" % a["id"],
                           {"result": "passed-with-conditions"}, 422,
                           "conditions", path, self.owner,
                           etag='"%d"' % a["rev"])
        r = self.server.patch(API + path + "/%d" % a["id"], {
            "result": "passed-with-conditions",
            "conditions": "Zwei-Faktor-Anmeldung für Admins"},
            etag='"%d"' % a["rev"], token=self.owner)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["result"], "passed-with-conditions")
        # Empty conditions are no conditions.
        self.assertRefused("POST", path, dict(base, conditions=""), 422,
                           "conditions", path, self.owner)

    def test_bad_input(self):
        base = {"kind": "data-protection", "result": "passed",
                "scope": "solution", "date": "2026-09-01"}
        path = "/solutions/as-fixed/assessments"
        for changes, field, code in (
                ({"kind": "gut-feeling"}, "kind", "invalid_value"),
                ({"result": "ok"}, "result", "invalid_value"),
                ({"scope": "planet"}, "scope", "invalid_value"),
                ({"scope": "cycle"}, "cycle", "missing_field"),
                ({"scope": "cycle", "cycle": "9.x"}, "cycle",
                 "unknown_reference"),
                ({"scope": "version"}, "version", "missing_field"),
                ({"date": "2026-09-31"}, "date", "invalid_format"),
                ({"date": None}, "date", "missing_field"),
                ({"valid_until": "2026-08-31"}, "valid_until",
                 "invalid_value"),
                ({"valid_until": "morgen"}, "valid_until", "invalid_format"),
                ({"document": "ftp://x.example/dsfa.pdf"}, "document",
                 "invalid_format"),
                ({"performed_by": "as-nobody"}, "performed_by",
                 "unknown_reference"),
                ({"version": 2}, "version", "wrong_type"),
                ({"expired": False}, "expired", "unknown_field")):
            body = dict(base)
            body.update(changes)
            with self.subTest(changes=changes):
                self.assertRefused("POST", path, body, 422, field, path,
                                   self.owner, code=code)
        self.assertRefused("POST", "/solutions/as-nowhere/assessments",
                           base, 404, None, path, self.owner)

    def test_who_records_assessments(self):
        base = {"kind": "data-protection", "result": "passed",
                "scope": "solution", "date": "2026-09-01"}
        path = "/solutions/as-fixed/assessments"
        # Another owner, or an organisation naming someone else as the
        # performer, may not; anonymous clients never.
        self.assertRefused("POST", path, base, 403, None, path, self.owner2)
        self.assertRefused("POST", path, dict(base, performed_by="as-ldsb"),
                           403, None, path, self.amt)
        self.assertRefused("POST", path, base, 401, None, path, "")
        # The office that performed it records it itself.
        a = self.assess("as-fixed", token=self.ldsb, performed_by="as-ldsb",
                        summary="DSFA durch den LfD", performer="Referat 3")
        self.assertEqual(a["updated_by"],
                         "adopter@as-ldsb#%d" % self.server.token_id("as-ldsb"))
        # Everyone reads them.
        r = self.server.get(API + path + "/%d" % a["id"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["performed_by"], "as-ldsb")


class ReuseCheckTest(AssessmentWorld):

    BASE = {"organisation": "as-amt", "title": "Wohngeld digitalisieren",
            "need": "Anträge online annehmen und bearbeiten"}

    def test_a_reuse_check_documents_what_was_considered(self):
        s = self.server
        considered = [
            {"solution": "as-sol", "assessment": "passt fachlich",
             "suitable": True},
            {"name": "Eigenentwicklung Nachbarkreis",
             "url": "https://kreis.example/wohngeld", "suitable": False,
             "assessment": "kein Betrieb zugesichert"},
            {"solution": "as-fixed", "suitable": False}]
        body = dict(self.BASE, considered=considered, decision="reuse",
                    chosen="as-sol", reason="Betrieb durch Dataport",
                    decided_on="2026-11-28")
        r = s.post(API + "/reuse-checks", body, token=self.amt)
        self.assertEqual(r.status, 201, r)
        for k, v in body.items():
            self.assertEqual(r.json[k], v, k)
        again = s.get(API + "/reuse-checks/%d" % r.json["id"],
                      token=self.owner2)
        self.assertEqual(again.status, 200, again)
        self.assertEqual(again.json["considered"], considered)
        self.assertEqual(again.json["chosen"], "as-sol")
        # Reuse checks are an organisation's working papers.
        self.assertError(s.get(API + "/reuse-checks/%d" % r.json["id"]), 401)
        self.assertError(s.get(API + "/reuse-checks"), 401)
        # Building alone needs no chosen solution.
        r = s.post(API + "/reuse-checks", dict(
            self.BASE, considered=[{"name": "Markt", "suitable": False}],
            decision="build"), token=self.amt)
        self.assertEqual(r.status, 201, r)
        self.assertNotIn("chosen", r.json)
        builds = s.all_items(API + "/reuse-checks?decision=build",
                             token=self.amt)
        self.assertEqual([x["id"] for x in builds], [r.json["id"]])

    def test_bad_input(self):
        path = "/reuse-checks"
        good = [{"solution": "as-sol", "suitable": True}]
        for changes, field, code in (
                ({"considered": good + [{"solution": "as-nirgends"}],
                  "decision": "build"}, "considered[1].solution",
                 "unknown_reference"),
                ({"considered": [{"suitable": True}], "decision": "build"},
                 "considered[0]", "missing_field"),
                ({"considered": [{"solution": "Not A Slug"}],
                  "decision": "build"}, "considered[0].solution",
                 "invalid_format"),
                ({"considered": [{"name": "X", "url": "kreis.example"}],
                  "decision": "build"}, "considered[0].url",
                 "invalid_format"),
                ({"considered": [{"name": "X", "price": 5}],
                  "decision": "build"}, "considered[0].price",
                 "unknown_field"),
                ({"considered": [{"name": "X", "suitable": "ja"}],
                  "decision": "build"}, "considered[0].suitable",
                 "wrong_type"),
                ({"considered": {"solution": "as-sol"},
                  "decision": "build"}, "considered", "wrong_type"),
                ({"considered": good, "decision": "reuse"}, "chosen",
                 "missing_field"),
                ({"considered": good, "decision": "adapt"}, "chosen",
                 "missing_field"),
                ({"decision": "reuse", "chosen": "as-nirgends"}, "chosen",
                 "unknown_reference"),
                ({"decision": "maybe"}, "decision", "invalid_value"),
                ({}, "decision", "missing_field"),
                ({"decision": "build", "decided_on": "2026-11-31"},
                 "decided_on", "invalid_format"),
                ({"decision": "build", "budget": 1}, "budget",
                 "unknown_field")):
            body = dict(self.BASE)
            body.update(changes)
            with self.subTest(changes=changes):
                r = self.assertRefused("POST", path, body, 422, field, path,
                                       self.amt, code=code)
        # Changing a check to reuse needs the chosen solution, too.
        r = self.server.post(API + path, dict(self.BASE, decision="postpone"),
                             token=self.amt)
        self.assertEqual(r.status, 201, r)
        self.assertRefused("PATCH", path + "/%d" % r.json["id"],
                           {"decision": "reuse"}, 422, "chosen", path,
                           self.amt, etag='"%d"' % r.json["rev"])
        # Nobody documents another organisation's decision.
        self.assertRefused("POST", path, dict(self.BASE, decision="build"),
                           403, None, path, self.ldsb)
        self.assertRefused("POST", path, dict(self.BASE, decision="build"),
                           401, None, path, "")


if __name__ == "__main__":
    unittest.main()
