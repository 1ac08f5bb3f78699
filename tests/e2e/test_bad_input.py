"""Bad input: every kind of mistake a client can make gets the right 4xx
status and a JSON error that names the field, and nothing is stored (no
record, no change, no event)."""

import json
import unittest

from harness import ServerTest

API = "/api/v1"
ORGS = API + "/organisations"
SOLS = API + "/solutions"
SOL = SOLS + "/bad-solution"

GOOD_ORG = {"slug": "bad-new-org", "name": "Neue Stelle", "kind": "municipal"}
GOOD_SOL = {"slug": "bad-new-sol", "name": "Neue Lösung",
            "owner": "bad-owner", "maturity": "pilot"}


class BadInputTest(ServerTest):
    DEMO = True
    DEMO_TEMPLATE = True
    ENV = {"ROLLIN_TIMER_INTERVAL": "86400"}  # no time events between

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.admin = s.token_for("admin", "bmi")
        r = s.post(ORGS, {"slug": "bad-owner", "name": "Eigentümer",
                          "kind": "provider"}, token=cls.admin)
        assert r.status == 201, r
        r = s.post(SOLS, {"slug": "bad-solution", "name": "Prüfling",
                          "owner": "bad-owner", "maturity": "pilot",
                          "summary": "Unverändert"}, token=cls.admin)
        assert r.status == 201, r
        r = s.post(SOL + "/cycles", {"name": "1.x"}, token=cls.admin)
        assert r.status == 201, r
        cls.cycle_id = r.json["id"]
        r = s.post(API + "/contacts", {"organisation": "bad-owner",
                                       "name": "Kontakt"}, token=cls.admin)
        assert r.status == 201, r
        cls.contact_id = r.json["id"]

    def setUp(self):
        s = self.server
        self.mark = s.last_event_id(self.admin)
        self.counts = self.snapshot()

    def snapshot(self):
        s, t = self.server, self.admin
        return {
            "organisations": len(s.all_items(ORGS + "?limit=500", token=t)),
            "solutions": len(s.all_items(SOLS + "?limit=500", token=t)),
            "contacts": len(s.all_items(API + "/contacts?limit=500",
                                        token=t)),
            "solution": s.get(SOL, token=t).json,
            "cycles": s.get(SOL + "/cycles", token=t).json,
            "releases": s.get(SOL + "/releases", token=t).json,
            "adoptions": s.get(SOL + "/adoptions", token=t).json,
            "responsibilities": s.get(SOL + "/responsibilities",
                                      token=t).json,
        }

    def tearDown(self):
        # Whatever the test sent, nothing may have been written.
        s = self.server
        self.assertEqual(s.events(self.admin, self.mark), [],
                         "a refused request left an event")
        self.assertEqual(self.snapshot(), self.counts,
                         "a refused request changed stored data")

    def refused(self, method, path, body, status, field=None, code=None,
                etag=None, raw=None, token=True):
        s = self.server
        headers = {}
        if etag:
            headers["If-Match"] = etag
        if raw is not None:
            headers["Content-Type"] = "application/json"
        r = s.request(method, path, body=body, raw=raw, headers=headers,
                      token=self.admin if token else None)
        self.assertError(r, status, field=field, code=code)
        self.assertTrue(r.header("Content-Type").startswith(
            "application/json"), r.headers)
        return r

    def create_refused(self, path, body, status, field, code):
        return self.refused("POST", path, body, status, field, code)

    def patch_refused(self, path, body, status, field, code):
        return self.refused("PATCH", path, body, status, field, code,
                            etag='"1"')

    # -- the body ----------------------------------------------------------

    def test_malformed_json(self):
        for raw in (b'{"slug": ', b'{"slug": "x",}', b"slug=x", b"\xff\xfe",
                    b'{"a": 1} {"b": 2}', b'{"slug": "a", "slug": "b"}'):
            r = self.refused("POST", ORGS, None, 400, code="invalid_json",
                             raw=raw)
            self.assertIsNone(r.error["field"])
        self.refused("PATCH", SOL, None, 400, code="invalid_json",
                     raw=b'{"summary": "x"', etag='"1"')

    def test_body_must_be_an_object(self):
        for raw in (b"[]", b'[{"slug": "x"}]', b'"text"', b"42", b"null",
                    b"true"):
            self.refused("POST", ORGS, None, 400, code="invalid_json",
                         raw=raw)

    def test_empty_body(self):
        self.refused("POST", ORGS, None, 400, code="invalid_json", raw=b"")

    def test_wrong_content_type(self):
        s = self.server
        r = s.request("POST", ORGS, raw=json.dumps(GOOD_ORG).encode(),
                      token=self.admin,
                      headers={"Content-Type": "text/plain"})
        self.assertError(r, 415, code="unsupported_media_type")

    # -- field values ------------------------------------------------------

    def test_wrong_types(self):
        cases = [
            (ORGS, dict(GOOD_ORG, name=5), "name"),
            (ORGS, dict(GOOD_ORG, kind=["municipal"]), "kind"),
            (ORGS, dict(GOOD_ORG, slug=12), "slug"),
            (SOLS, dict(GOOD_SOL, open_source="yes"), "open_source"),
            (SOLS, dict(GOOD_SOL, problems="Papier"), "problems"),
            (SOLS, dict(GOOD_SOL, problems=[1, 2]), "problems[0]"),
            (SOLS, dict(GOOD_SOL, owner=7), "owner"),
            (SOLS, dict(GOOD_SOL, documentation={"title": "x"}),
             "documentation"),
            (SOLS, dict(GOOD_SOL, documentation=["x"]), "documentation[0]"),
            (SOLS, dict(GOOD_SOL, transfer_concept=[
                {"step": "a", "role": "owner", "effort_days": "2"}]),
             "transfer_concept[0].effort_days"),
            (SOL + "/cycles", {"name": "t.x", "lts": "true"}, "lts"),
            (SOL + "/cycles", {"name": "t.x", "eol": 20270101}, "eol"),
            (SOL + "/responsibilities", {"role": "operation", "organisation":
                                         "bad-owner", "contact": "Kontakt"},
             "contact"),
            (SOL + "/releases", {"version": 1.0, "status": "released",
                                 "date": "2026-01-01"}, "version"),
        ]
        for path, body, field in cases:
            self.create_refused(path, body, 422, field, "wrong_type")
        self.patch_refused(SOL, {"summary": ["a"]}, 422, "summary",
                           "wrong_type")

    def test_unknown_enum_values(self):
        cases = [
            (ORGS, dict(GOOD_ORG, kind="city"), "kind"),
            (ORGS, dict(GOOD_ORG, state="Bavaria"), "state"),
            (SOLS, dict(GOOD_SOL, maturity="beta"), "maturity"),
            (SOLS, dict(GOOD_SOL, maturity="Pilot"), "maturity"),
            (SOLS, dict(GOOD_SOL, transfer_concept=[
                {"step": "a", "role": "boss"}]), "transfer_concept[0].role"),
            (SOL + "/releases", {"version": "9", "status": "published",
                                 "date": "2026-01-01"}, "status"),
            (SOL + "/adoptions", {"organisation": "stadt-jena",
                                  "status": "using"}, "status"),
            (SOL + "/responsibilities", {"role": "boss",
                                         "organisation": "bad-owner"},
             "role"),
        ]
        for path, body, field in cases:
            r = self.create_refused(path, body, 422, field, "invalid_value")
            if field == "maturity":
                # The message says what is allowed.
                self.assertIn("pilot", r.error["message"])
        self.patch_refused(SOL, {"maturity": "finished"}, 422, "maturity",
                           "invalid_value")

    def test_invalid_slugs(self):
        for slug in ("Bad", "with space", "a--b", "-lead", "trail-", "1abc",
                     "a", "x" * 65, "ümlaut", "under_score", "dot.ted", ""):
            self.create_refused(ORGS, dict(GOOD_ORG, slug=slug), 422, "slug",
                                None)
            self.create_refused(SOLS, dict(GOOD_SOL, slug=slug), 422, "slug",
                                None)

    def test_impossible_dates(self):
        for date in ("2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10",
                     "2026-04-31", "2026-2-3", "26-01-01", "2026/01/01",
                     "2026-01-01T00:00:00Z", "tomorrow", ""):
            self.create_refused(SOL + "/cycles", {"name": "d.x",
                                                  "release_date": date},
                                422, "release_date", "invalid_format")
        self.patch_refused(SOL + "/cycles/%d" % self.cycle_id,
                           {"eol": "2026-02-30"}, 422, "eol",
                           "invalid_format")

    def test_leap_day_is_a_date(self):
        # The counterpart of the above: a real 29 February is accepted.
        s = self.server
        r = s.post(SOL + "/cycles", {"name": "leap.x",
                                     "release_date": "2028-02-29"},
                   token=self.admin)
        self.assertEqual(r.status, 201, r)
        d = s.delete(r.header("Location"), token=self.admin)
        self.assertEqual(d.status, 204)
        # This test wrote on purpose: start the "nothing stored" check anew.
        self.mark = s.last_event_id(self.admin)
        self.counts = self.snapshot()

    def test_invalid_spdx_licences(self):
        for lic in ("GPL-4.0", "MIT-ish", "Apache 2.0", "EUPL", "MIT AND",
                    "MIT OR Foo-1.0", "(MIT", "proprietary"):
            r = self.create_refused(SOLS, dict(GOOD_SOL, licence=lic), 422,
                                    "licence", "invalid_value")
        self.assertIn("SPDX", r.error["message"])
        self.patch_refused(SOL, {"licence": "GPL-4.0"}, 422, "licence",
                           "invalid_value")

    def test_over_long_strings(self):
        cases = [
            (ORGS, dict(GOOD_ORG, name="x" * 201), "name"),
            (ORGS, dict(GOOD_ORG, name="ü" * 201), "name"),
            (SOLS, dict(GOOD_SOL, summary="s" * 301), "summary"),
            (SOLS, dict(GOOD_SOL, description="d" * 20001), "description"),
            (SOLS, dict(GOOD_SOL, problems=["p" * 201]), "problems[0]"),
            (SOLS, dict(GOOD_SOL, problems=["p%d" % i for i in range(21)]),
             "problems"),
            (SOL + "/cycles", {"name": "n" * 65}, "name"),
            (API + "/contacts", {"organisation": "bad-owner",
                                 "name": "Kontakt", "phone": "1" * 51},
             "phone"),
        ]
        for path, body, field in cases:
            self.create_refused(path, body, 422, field, "too_long")

    def test_length_counts_characters_not_bytes(self):
        s = self.server
        r = s.post(ORGS, dict(GOOD_ORG, slug="bad-umlaut", name="ü" * 200),
                   token=self.admin)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["name"], "ü" * 200)
        self.assertEqual(s.delete(r.header("Location"),
                                  token=self.admin).status, 204)
        self.mark = s.last_event_id(self.admin)
        self.counts = self.snapshot()

    def test_other_malformed_values(self):
        cases = [
            (ORGS, dict(GOOD_ORG, website="not a url"), "website",
             "invalid_format"),
            (ORGS, dict(GOOD_ORG, website="ftp://example.org"), "website",
             "invalid_format"),
            (ORGS, dict(GOOD_ORG, ars="12345"), "ars", "invalid_format"),
            (ORGS, dict(GOOD_ORG, name="Zwei\nZeilen"), "name",
             "invalid_format"),
            (API + "/contacts", {"organisation": "bad-owner", "name": "K",
                                 "email": "no-at-sign"}, "email",
             "invalid_format"),
            (SOLS, dict(GOOD_SOL, problems=["a", "a"]), "problems[1]",
             "duplicate"),
            (SOLS, dict(GOOD_SOL, transfer_concept=[
                {"step": "a", "role": "owner", "effort_days": -1}]),
             "transfer_concept[0].effort_days", "out_of_range"),
        ]
        for path, body, field, code in cases:
            self.create_refused(path, body, 422, field, code)

    def test_unknown_fields(self):
        self.create_refused(ORGS, dict(GOOD_ORG, colour="blue"), 422,
                            "colour", "unknown_field")
        self.create_refused(SOLS, dict(GOOD_SOL, Name="x"), 422, "Name",
                            "unknown_field")
        self.create_refused(SOLS, dict(GOOD_SOL, transfer_concept=[
            {"step": "a", "role": "owner", "hours": 3}]), 422,
            "transfer_concept[0].hours", "unknown_field")
        self.patch_refused(SOL, {"summary": "neu", "tags": ["x"]}, 422,
                           "tags", "unknown_field")

    def test_read_only_fields(self):
        for field, value in (("id", 999), ("rev", 7),
                             ("created_at", "2020-01-01T00:00:00Z"),
                             ("updated_at", "2020-01-01T00:00:00Z"),
                             ("updated_by", "someone")):
            self.create_refused(ORGS, dict(GOOD_ORG, **{field: value}), 422,
                                field, "read_only")
            self.patch_refused(SOL, {field: value, "summary": "neu"}, 422,
                               field, "read_only")
        for field in ("completeness", "freshness"):
            r = self.refused("PATCH", SOL, {field: 100}, 422, field=field,
                             etag='"1"')
            self.assertIn(r.error["code"], ("unknown_field", "read_only"))

    def test_immutable_slug(self):
        self.patch_refused(SOL, {"slug": "renamed"}, 422, "slug",
                           "immutable")
        self.patch_refused(ORGS + "/bad-owner", {"slug": "renamed"}, 422,
                           "slug", "immutable")

    def test_references_to_missing_records(self):
        cases = [
            (SOLS, dict(GOOD_SOL, owner="no-such-org"), "owner"),
            (API + "/contacts", {"organisation": "no-such-org",
                                 "name": "K"}, "organisation"),
            (SOL + "/responsibilities", {"role": "operation",
                                         "organisation": "no-such-org"},
             "organisation"),
            (SOL + "/responsibilities", {"role": "operation",
                                         "organisation": "bad-owner",
                                         "contact": 999999}, "contact"),
            (SOL + "/releases", {"version": "r", "status": "released",
                                 "date": "2026-01-01", "cycle": "9.x"},
             "cycle"),
            (SOL + "/adoptions", {"organisation": "no-such-org",
                                  "status": "live"}, "organisation"),
        ]
        for path, body, field in cases:
            self.create_refused(path, body, 422, field, "unknown_reference")
        self.patch_refused(SOL, {"owner": "no-such-org"}, 422, "owner",
                           "unknown_reference")

    def test_nested_records_of_a_missing_solution(self):
        r = self.refused("POST", SOLS + "/no-such-solution/cycles",
                         {"name": "1.x"}, 404, code="not_found")
        self.assertIn("no-such-solution", r.error["message"])

    def test_duplicates(self):
        s = self.server
        self.create_refused(ORGS, dict(GOOD_ORG, slug="bad-owner"), 409,
                            "slug", "duplicate")
        self.create_refused(SOLS, dict(GOOD_SOL, slug="bad-solution"), 409,
                            "slug", "duplicate")
        self.create_refused(SOL + "/cycles", {"name": "1.x"}, 409, "name",
                            "duplicate")
        # The first of each pair is stored on purpose.
        r = s.post(SOL + "/releases", {"version": "dup-1", "status":
                                       "released", "date": "2026-01-01"},
                   token=self.admin)
        self.assertEqual(r.status, 201, r)
        r2 = s.post(SOL + "/adoptions", {"organisation": "stadt-jena",
                                         "status": "live"}, token=self.admin)
        self.assertEqual(r2.status, 201, r2)
        self.mark = s.last_event_id(self.admin)
        self.counts = self.snapshot()
        self.create_refused(SOL + "/releases", {"version": "dup-1", "status":
                                                "planned", "planned_date":
                                                "2027-01-01"},
                            409, "version", "duplicate")
        self.create_refused(SOL + "/adoptions", {"organisation": "stadt-jena",
                                                 "status": "evaluating"},
                            409, "organisation", "duplicate")

    def test_missing_required_fields(self):
        for field in ("slug", "name", "kind"):
            body = dict(GOOD_ORG)
            del body[field]
            self.create_refused(ORGS, body, 422, field, "missing_field")
            self.create_refused(ORGS, dict(GOOD_ORG, **{field: None}), 422,
                                field, "missing_field")
        for field in ("slug", "name", "owner", "maturity"):
            body = dict(GOOD_SOL)
            del body[field]
            self.create_refused(SOLS, body, 422, field, "missing_field")
        self.create_refused(ORGS, dict(GOOD_ORG, name=""), 422, "name",
                            "missing_field")
        self.create_refused(ORGS, {}, 422, None, "missing_field")
        self.create_refused(SOLS, dict(GOOD_SOL, documentation=[
            {"title": "Handbuch"}]), 422, "documentation[0].url",
            "missing_field")
        self.create_refused(SOL + "/releases", {"status": "released",
                                                "date": "2026-01-01"},
                            422, "version", "missing_field")
        self.patch_refused(SOL, {"name": None}, 422, "name", "missing_field")

    # -- headers -----------------------------------------------------------

    def test_patch_needs_if_match(self):
        r = self.refused("PATCH", SOL, {"summary": "neu"}, 428,
                         field="If-Match", code="precondition_required")
        self.assertIn("If-Match", r.error["message"])
        for bad in ("1", '"abc"', '"0"', '"-1"', '"1', '""'):
            self.refused("PATCH", SOL, {"summary": "neu"}, 400,
                         field="If-Match", etag=bad)

    # -- list parameters ---------------------------------------------------

    def test_bad_list_parameters(self):
        cases = [
            (ORGS + "?limit=0", "limit"),
            (ORGS + "?limit=501", "limit"),
            (ORGS + "?limit=-1", "limit"),
            (ORGS + "?limit=ten", "limit"),
            (ORGS + "?limit=", "limit"),
            (ORGS + "?colour=blue", "colour"),
            (ORGS + "?website=https://x.example", "website"),
            (ORGS + "?cursor=garbage", "cursor"),
            (ORGS + "?cursor=WzEsMl0x", "cursor"),
            (ORGS + "?cursor=eyJhIjoxfQ", "cursor"),
            (ORGS + "?sort=colour", "sort"),
            (ORGS + "?sort=website", "sort"),
            (ORGS + "?sort=--name", "sort"),
            (SOLS + "?sort=description", "sort"),
            (SOLS + "?open_source=maybe", "open_source"),
            (SOLS + "?complete=1", "complete"),
            (SOLS + "?completeness_min=high", "completeness_min"),
            (SOL + "/releases?limit=0", "limit"),
            (SOL + "/releases?version=1.0", "version"),
            (API + "/search?limit=0", "limit"),
            (API + "/search?limit=101", "limit"),
            (API + "/search?colour=blue", "colour"),
            (API + "/search?cursor=-5", "cursor"),
            (API + "/events?after=x", "after"),
            (API + "/events?limit=0", "limit"),
        ]
        for path, field in cases:
            r = self.server.get(path, token=self.admin)
            self.assertError(r, 400, field=field, code="invalid_parameter")

    # -- routes and methods ------------------------------------------------

    def test_unknown_routes_are_json_404(self):
        for path in (API + "/nothing", API + "/solutions/bad-solution/x",
                     API + "/organisations/bad-owner/extra",
                     API + "/solutions/no-such-solution",
                     API + "/organisations/no-such-org",
                     API + "/contacts/999999", API + "/contacts/abc",
                     SOL + "/cycles/999999", "/api", "/api/v2/solutions",
                     "/nothing-here"):
            r = self.server.get(path, token=self.admin)
            self.assertError(r, 404, code="not_found")
            self.assertTrue(r.header("Content-Type").startswith(
                "application/json"), path)

    def test_wrong_method_is_json_405_with_allow(self):
        cases = [
            ("PUT", ORGS, {"GET", "POST"}),
            ("DELETE", ORGS, {"GET", "POST"}),
            ("PATCH", SOLS, {"GET", "POST"}),
            # DELETE of a solution is not allowed either (it is retired).
            ("PUT", SOL, {"GET", "PATCH"}),
            ("POST", SOL, {"GET", "PATCH"}),
            ("PUT", SOL + "/cycles/1", {"GET", "PATCH", "DELETE"}),
            ("GET", SOL + "/confirm", {"POST"}),
            ("POST", API + "/search", {"GET"}),
            ("DELETE", API, {"GET"}),
            ("POST", API + "/events", {"GET"}),
        ]
        for method, path, allow in cases:
            r = self.refused(method, path, {"x": 1}, 405,
                             code="method_not_allowed")
            got = {m.strip() for m in (r.header("Allow") or "").split(",")}
            self.assertEqual(got, allow, (method, path))

    def test_delete_of_a_solution_explains_retirement(self):
        r = self.refused("DELETE", SOL, None, 405, code="method_not_allowed")
        self.assertIn("retire", r.error["message"])
        self.assertIn("maturity", r.error["message"])
        self.assertNotIn("DELETE", r.header("Allow"))


if __name__ == "__main__":
    unittest.main()
