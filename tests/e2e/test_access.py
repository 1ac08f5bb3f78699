"""Who may do what: anonymous readers, tokens that are wrong or revoked,
owners confined to their own organisation's solutions, adopters to their
own adoptions, admins for organisations; personal data of contacts only
for signed-in clients."""

import json
import unittest

from harness import Server, ServerTest

API = "/api/v1"


class AccessTest(ServerTest):
    DEMO = True
    DEMO_TEMPLATE = True
    ENV = {"ROLLIN_TIMER_INTERVAL": "86400"}  # no time events between

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.admin = s.token_for("admin", "bmi")
        for slug in ("acc-a", "acc-b", "acc-user"):
            r = s.post(API + "/organisations", {"slug": slug, "kind": "other",
                                               "name": "Org " + slug},
                       token=cls.admin)
            assert r.status == 201, r
        cls.owner_a = s.token_for("owner", "acc-a")
        cls.owner_b = s.token_for("owner", "acc-b")
        cls.adopter = s.token_for("adopter", "acc-user")
        cls.onboarding = s.token_for("onboarding", "acc-user")
        for slug, owner, tok in (("acc-sol-a", "acc-a", cls.owner_a),
                                 ("acc-sol-b", "acc-b", cls.owner_b)):
            r = s.post(API + "/solutions", {"slug": slug, "name": slug,
                                           "owner": owner,
                                           "maturity": "pilot"}, token=tok)
            assert r.status == 201, r
            r = s.post(API + "/solutions/%s/cycles" % slug, {"name": "1.x"},
                       token=tok)
            assert r.status == 201, r
            r = s.post(API + "/solutions/%s/releases" % slug,
                       {"version": "1.0", "cycle": "1.x", "status": "planned",
                        "planned_date": "2030-01-01"}, token=tok)
            assert r.status == 201, r

    def setUp(self):
        self.mark = self.server.last_event_id(self.admin)

    def no_new_events(self):
        self.assertEqual(self.server.events(self.admin, self.mark), [])

    def denied(self, r, status):
        self.assertError(r, status)
        self.assertEqual(r.error["code"], {401: "unauthenticated",
                                           403: "forbidden"}[status])
        if status == 401:
            self.assertTrue((r.header("WWW-Authenticate") or "").startswith(
                "Bearer"), r.headers)

    # -- anonymous ---------------------------------------------------------

    def test_anonymous_reads_the_catalogue(self):
        s = self.server
        for path in ("/solutions", "/solutions/acc-sol-a", "/organisations",
                     "/solutions/acc-sol-a/releases", "/contacts",
                     "/search?q=Wohngeld", "/problems", "/categories", ""):
            self.assertEqual(s.get(API + path).status, 200, path)

    def test_anonymous_writes_are_refused(self):
        s = self.server
        cyc = s.get(API + "/solutions/acc-sol-a/cycles").json["items"][0]
        cases = [
            ("POST", "/organisations", {"slug": "anon", "name": "x",
                                        "kind": "other"}),
            ("POST", "/solutions", {"slug": "anon", "name": "x",
                                    "owner": "acc-a", "maturity": "pilot"}),
            ("PATCH", "/solutions/acc-sol-a", {"summary": "anon"}),
            ("POST", "/solutions/acc-sol-a/cycles", {"name": "anon"}),
            ("DELETE", "/solutions/acc-sol-a/cycles/%d" % cyc["id"], None),
            ("POST", "/contacts", {"organisation": "acc-a", "name": "x"}),
            ("POST", "/solutions/acc-sol-a/confirm", None),
            ("DELETE", "/organisations/acc-user", None),
        ]
        for method, path, body in cases:
            r = s.request(method, API + path, body=body,
                          headers={"If-Match": '"1"'})
            self.denied(r, 401)
        self.assertEqual(s.get(API + "/solutions/acc-sol-a").json.get(
            "summary"), None)
        self.assertEqual(s.get(API + "/organisations/acc-user").status, 200)
        self.no_new_events()

    def test_events_need_sign_in(self):
        s = self.server
        self.denied(s.get(API + "/events"), 401)
        self.denied(s.get(API + "/events?after=0"), 401)
        for tok in (self.adopter, self.owner_a, self.admin):
            self.assertEqual(s.get(API + "/events?limit=1", token=tok).status,
                             200)

    # -- tokens ------------------------------------------------------------

    def test_unknown_or_malformed_tokens_are_refused(self):
        s = self.server
        for header in ("Bearer nonsense", "Bearer " + self.admin + "x",
                       "Bearer " + self.admin[:-1], "Basic dXNlcjpwYXNz",
                       self.admin, "Bearer "):
            for method, path, body in (
                    ("GET", "/solutions", None),
                    ("POST", "/solutions/acc-sol-a/cycles", {"name": "bad"})):
                r = s.request(method, API + path, body=body,
                              headers={"Authorization": header})
                self.denied(r, 401)
        self.no_new_events()

    def test_revoked_token_is_refused(self):
        s = self.server
        tok = s.token("owner", "acc-a", label="acc-revoke-me")
        r = s.post(API + "/solutions/acc-sol-a/cycles", {"name": "rv.x"},
                   token=tok)
        self.assertEqual(r.status, 201, r)
        p = s.cli("token", "revoke", str(s.token_id("acc-revoke-me")))
        self.assertEqual(p.returncode, 0, p.stderr)
        listed = [t for t in json.loads(
            s.cli("token", "list").stdout) if t["label"] == "acc-revoke-me"]
        self.assertTrue(listed[0]["revoked_at"])
        self.mark = s.last_event_id(self.admin)
        r = s.post(API + "/solutions/acc-sol-a/cycles", {"name": "rv2.x"},
                   token=tok)
        self.denied(r, 401)
        self.denied(s.get(API + "/solutions", token=tok), 401)
        self.denied(s.get(API + "/events", token=tok), 401)
        self.no_new_events()
        # Revoking twice says so.
        p = s.cli("token", "revoke", str(s.token_id("acc-revoke-me")),
                  check=False)
        self.assertNotEqual(p.returncode, 0)
        # The secret itself is never stored or listed.
        self.assertNotIn(tok, s.cli("token", "list").stdout)

    def test_token_for_unknown_organisation_is_refused(self):
        p = self.server.cli("token", "create", "--role", "owner", "--org",
                            "no-such-org", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("no-such-org", p.stderr)
        self.assertEqual(p.stdout.strip(), "")
        p = self.server.cli("token", "create", "--role", "king", "--org",
                            "acc-a", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertEqual(p.stdout.strip(), "")

    # -- owners ------------------------------------------------------------

    def test_owner_writes_its_own_solution(self):
        s = self.server
        sol = s.get(API + "/solutions/acc-sol-a")
        r = s.patch(API + "/solutions/acc-sol-a", {"summary": "Von A"},
                    etag=sol.header("ETag"), token=self.owner_a)
        self.assertEqual(r.status, 200, r)
        rel = s.get(API + "/solutions/acc-sol-a/releases").json["items"][0]
        r = s.patch(API + "/solutions/acc-sol-a/releases/%d" % rel["id"],
                    {"notes": "A"}, etag='"%d"' % rel["rev"],
                    token=self.owner_a)
        self.assertEqual(r.status, 200, r)
        for what, body in (("responsibilities", {"role": "operation",
                                                 "organisation": "acc-b"}),
                           ("adoptions", {"organisation": "acc-b",
                                          "status": "evaluating"})):
            r = s.post(API + "/solutions/acc-sol-a/" + what, body,
                       token=self.owner_a)
            self.assertEqual(r.status, 201, r)
        org = s.get(API + "/organisations/acc-a")
        r = s.patch(API + "/organisations/acc-a", {"website":
                                                   "https://a.example"},
                    etag=org.header("ETag"), token=self.owner_a)
        self.assertEqual(r.status, 200, r)

    def test_owner_cannot_touch_another_organisations_solution(self):
        s = self.server
        before = s.get(API + "/solutions/acc-sol-b").json
        rel = s.get(API + "/solutions/acc-sol-b/releases").json["items"][0]
        cyc = s.get(API + "/solutions/acc-sol-b/cycles").json["items"][0]
        cases = [
            ("PATCH", "/solutions/acc-sol-b", {"summary": "von A"}),
            ("PATCH", "/solutions/acc-sol-b", {"maturity": "retired"}),
            ("PATCH", "/solutions/acc-sol-b/releases/%d" % rel["id"],
             {"notes": "von A"}),
            ("DELETE", "/solutions/acc-sol-b/releases/%d" % rel["id"], None),
            ("POST", "/solutions/acc-sol-b/releases",
             {"version": "9.9", "status": "released", "date": "2026-01-01"}),
            ("POST", "/solutions/acc-sol-b/cycles", {"name": "9.x"}),
            ("PATCH", "/solutions/acc-sol-b/cycles/%d" % cyc["id"],
             {"lts": True}),
            ("POST", "/solutions/acc-sol-b/responsibilities",
             {"role": "operation", "organisation": "acc-a"}),
            ("POST", "/solutions/acc-sol-b/confirm", None),
            ("PATCH", "/organisations/acc-b", {"name": "von A"}),
            ("POST", "/contacts", {"organisation": "acc-b", "name": "x"}),
        ]
        for method, path, body in cases:
            r = s.request(method, API + path, body=body, token=self.owner_a,
                          headers={"If-Match": '"1"'})
            self.denied(r, 403)
        self.assertEqual(s.get(API + "/solutions/acc-sol-b").json, before)
        self.assertEqual(s.get(API + "/solutions/acc-sol-b/releases/%d"
                               % rel["id"]).json, rel)
        self.no_new_events()

    def test_owner_cannot_give_away_or_claim_solutions(self):
        s = self.server
        etag = s.get(API + "/solutions/acc-sol-a").header("ETag")
        r = s.patch(API + "/solutions/acc-sol-a", {"owner": "acc-b"},
                    etag=etag, token=self.owner_a)
        self.denied(r, 403)
        self.assertEqual(s.get(API + "/solutions/acc-sol-a").json["owner"],
                         "acc-a")
        r = s.post(API + "/solutions", {"slug": "acc-sol-claim", "name": "x",
                                       "owner": "acc-b",
                                       "maturity": "pilot"},
                   token=self.owner_a)
        self.denied(r, 403)
        self.assertEqual(s.get(API + "/solutions/acc-sol-claim").status, 404)
        self.no_new_events()
        # An admin may move a solution.
        r = s.post(API + "/solutions", {"slug": "acc-sol-move", "name": "x",
                                       "owner": "acc-a",
                                       "maturity": "pilot"},
                   token=self.owner_a)
        self.assertEqual(r.status, 201, r)
        r = s.patch(API + "/solutions/acc-sol-move", {"owner": "acc-b"},
                    etag='"1"', token=self.admin)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["owner"], "acc-b")
        # ... and from then on it is B's, not A's.
        r = s.patch(API + "/solutions/acc-sol-move", {"summary": "A"},
                    etag='"2"', token=self.owner_a)
        self.denied(r, 403)
        r = s.patch(API + "/solutions/acc-sol-move", {"summary": "B"},
                    etag='"2"', token=self.owner_b)
        self.assertEqual(r.status, 200, r)

    # -- adopters and onboarding teams -------------------------------------

    def test_adopter_cannot_create_or_change_solutions(self):
        s = self.server
        self.denied(s.post(API + "/solutions", {
            "slug": "acc-by-adopter", "name": "x", "owner": "acc-user",
            "maturity": "pilot"}, token=self.adopter), 403)
        self.denied(s.patch(API + "/solutions/acc-sol-a", {"summary": "x"},
                            etag=s.get(API + "/solutions/acc-sol-a")
                            .header("ETag"), token=self.adopter), 403)
        self.denied(s.post(API + "/solutions/acc-sol-a/releases", {
            "version": "x", "status": "released", "date": "2026-01-01"},
            token=self.adopter), 403)
        self.assertEqual(s.get(API + "/solutions/acc-by-adopter").status, 404)
        self.no_new_events()

    def test_adopter_records_its_own_adoption_only(self):
        s = self.server
        self.denied(s.post(API + "/solutions/acc-sol-b/adoptions", {
            "organisation": "acc-a", "status": "live"}, token=self.adopter),
            403)
        self.no_new_events()
        r = s.post(API + "/solutions/acc-sol-b/adoptions", {
            "organisation": "acc-user", "status": "evaluating"},
            token=self.adopter)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["updated_by"].split("#")[0],
                         "adopter@acc-user")
        r = s.patch(r.header("Location"), {"status": "live"}, etag='"1"',
                    token=self.adopter)
        self.assertEqual(r.status, 200, r)
        # Nor can it hand its adoption to another organisation.
        r2 = s.patch(API + "/solutions/acc-sol-b/adoptions/%d" % r.json["id"],
                     {"organisation": "acc-a"}, etag='"2"',
                     token=self.adopter)
        self.denied(r2, 403)
        # The onboarding team of the same organisation may write it, too.
        r3 = s.patch(API + "/solutions/acc-sol-b/adoptions/%d" % r.json["id"],
                     {"version": "1.0"}, etag='"2"', token=self.onboarding)
        self.assertEqual(r3.status, 200, r3)

    def test_adopter_writes_its_own_contacts_only(self):
        s = self.server
        r = s.post(API + "/contacts", {"organisation": "acc-user",
                                      "name": "Ada Adopter"},
                   token=self.adopter)
        self.assertEqual(r.status, 201, r)
        self.denied(s.post(API + "/contacts", {"organisation": "acc-a",
                                               "name": "Fremd"},
                           token=self.adopter), 403)

    def test_only_admin_creates_organisations(self):
        s = self.server
        for tok in (self.owner_a, self.adopter, self.onboarding):
            r = s.post(API + "/organisations", {"slug": "acc-new", "name":
                                               "Neu", "kind": "other"},
                       token=tok)
            self.denied(r, 403)
        self.assertEqual(s.get(API + "/organisations/acc-new").status, 404)
        self.no_new_events()
        r = s.post(API + "/organisations", {"slug": "acc-new", "name": "Neu",
                                           "kind": "other"},
                   token=self.admin)
        self.assertEqual(r.status, 201, r)

    def test_adopter_cannot_change_its_organisation(self):
        s = self.server
        r = s.patch(API + "/organisations/acc-user", {"name": "Umbenannt"},
                    etag=s.get(API + "/organisations/acc-user")
                    .header("ETag"), token=self.adopter)
        self.denied(r, 403)
        self.no_new_events()

    # -- personal data -----------------------------------------------------

    def test_contact_details_only_for_signed_in_clients(self):
        s = self.server
        r = s.post(API + "/contacts", {"organisation": "acc-a",
                                      "name": "Petra Privat",
                                      "role_title": "Leitung",
                                      "email": "petra@a.example",
                                      "phone": "+49 1"}, token=self.owner_a)
        self.assertEqual(r.status, 201, r)
        loc = r.header("Location")
        anon = s.get(loc).json
        for field in ("name", "email", "phone"):
            self.assertNotIn(field, anon)
        self.assertEqual(anon["role_title"], "Leitung")
        self.assertEqual(anon["organisation"], "acc-a")
        for c in s.all_items(API + "/contacts?limit=500"):
            for field in ("name", "email", "phone"):
                self.assertNotIn(field, c)
        self.assertNotIn("Petra", s.get(API + "/contacts?organisation=acc-a"
                                        "&limit=500").raw)
        # Responsibilities name the contact by id only.
        r = s.post(API + "/solutions/acc-sol-a/responsibilities", {
            "role": "contact", "organisation": "acc-a",
            "contact": r.json["id"]}, token=self.owner_a)
        self.assertEqual(r.status, 201, r)
        self.assertNotIn("Petra", s.get(API + "/solutions/acc-sol-a/"
                                        "responsibilities").raw)
        for tok in (self.adopter, self.owner_b):
            seen = s.get(loc, token=tok).json
            self.assertEqual(seen["name"], "Petra Privat")
            self.assertEqual(seen["email"], "petra@a.example")
            self.assertEqual(seen["phone"], "+49 1")

    def test_private_catalogue_needs_sign_in(self):
        with Server(env={"ROLLIN_PUBLIC_CATALOGUE": "false"},
                    db=self.server.db) as priv:
            r = priv.get(API + "/solutions")
            self.denied(r, 401)
            self.denied(priv.get(API + "/search?q=x"), 401)
            self.assertEqual(priv.get(API + "/solutions",
                                      token=self.adopter).status, 200)


if __name__ == "__main__":
    unittest.main()
