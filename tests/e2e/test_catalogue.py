"""The catalogue API as a client uses it: every route answers, records are
created, read, changed and (where the product allows it) deleted, lists
filter, sort and page through every record exactly once."""

import base64
import os
import unicodedata
import unittest
import urllib.parse
import xml.etree.ElementTree as ET

from harness import ServerTest

API = "/api/v1"

# Every route of core/api/routes.c: (method, path pattern).
ROUTES = [("GET", "/api/v1")]
for _p in ("organisations", "contacts"):
    ROUTES += [("GET", "/api/v1/" + _p), ("POST", "/api/v1/" + _p),
               ("GET", "/api/v1/%s/{}" % _p), ("PATCH", "/api/v1/%s/{}" % _p),
               ("DELETE", "/api/v1/%s/{}" % _p)]
ROUTES += [("GET", "/api/v1/solutions"), ("POST", "/api/v1/solutions"),
           ("GET", "/api/v1/solutions/{}"), ("PATCH", "/api/v1/solutions/{}"),
           ("DELETE", "/api/v1/solutions/{}"),
           ("POST", "/api/v1/solutions/{}/confirm")]
for _p in ("responsibilities", "cycles", "releases", "adoptions"):
    _b = "/api/v1/solutions/{}/" + _p
    ROUTES += [("GET", _b), ("POST", _b), ("GET", _b + "/{}"),
               ("PATCH", _b + "/{}"), ("DELETE", _b + "/{}")]
ROUTES += [("GET", "/api/v1/search"), ("GET", "/api/v1/problems"),
           ("GET", "/api/v1/categories"), ("GET", "/api/v1/events")]


def q(value):
    return urllib.parse.quote(value, safe="")


def german(name):
    """A name as German dictionary order (DIN 5007-1) compares it first:
    without case or diacritics, ß as ss, spaces before punctuation before
    symbols before digits before letters. Case, accents and which mark of
    punctuation only break ties."""
    text = unicodedata.normalize("NFKD", name.casefold())
    low = {"Z": "\x01", "P": "\x02", "S": "\x03"}
    return "".join(c if c.isalnum() else low.get(unicodedata.category(c)[0],
                                                  "")
                   for c in text if not unicodedata.combining(c))


# Fields sorted in German dictionary order rather than by code points.
COLLATED = {"name"}


class CatalogueTest(ServerTest):
    DEMO = True
    DEMO_TEMPLATE = True
    ENV = {"ROLLIN_TIMER_INTERVAL": "86400"}  # no time events between

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.server.token_for("admin", "bmi")
        s, t = cls.server, cls.admin
        # Our own corner of the catalogue, so that counts are exact.
        for slug, name, kind in (
                ("cat-owner", "Katalog Eigentümer", "provider"),
                ("cat-user", "Katalog Nutzer", "municipal")):
            r = s.post(API + "/organisations", {"slug": slug, "name": name,
                                               "kind": kind}, token=t)
            assert r.status == 201, r
        r = s.post(API + "/solutions", {
            "slug": "cat-solution", "name": "Katalog Lösung",
            "owner": "cat-owner", "maturity": "pilot"}, token=t)
        assert r.status == 201, r

    # -- helpers -----------------------------------------------------------

    def create(self, path, body, token=None):
        r = self.server.post(path, body, token=token or self.admin)
        self.assertEqual(r.status, 201, r)
        return r

    def check_created(self, r, path_prefix, key):
        """201 with Location naming the new record and its ETag "1"."""
        self.assertEqual(r.header("Location"),
                         "%s/%s" % (path_prefix, r.json[key]))
        self.assertEqual(r.header("ETag"), '"1"')
        self.assertEqual(r.json["rev"], 1)
        got = self.server.get(r.header("Location"), token=self.admin)
        self.assertEqual(got.status, 200, got)
        self.assertEqual(got.header("ETag"), '"1"')
        self.assertEqual(got.json, r.json)
        return got

    def crud(self, path, body, key, change, token=None):
        """Create, read, update, delete one record under path."""
        s, t = self.server, token or self.admin
        r = self.create(path, body, t)
        self.check_created(r, path, key)
        loc = r.header("Location")
        for k, v in body.items():
            self.assertEqual(r.json[k], v, k)
        u = s.patch(loc, change, etag='"1"', token=t)
        self.assertEqual(u.status, 200, u)
        self.assertEqual(u.header("ETag"), '"2"')
        self.assertEqual(u.json["rev"], 2)
        for k, v in change.items():
            self.assertEqual(u.json[k], v, k)
        self.assertEqual(s.get(loc, token=t).json, u.json)
        listed = s.all_items(path + "?limit=500", token=t)
        self.assertIn(u.json, listed)
        d = s.delete(loc, etag='"2"', token=t)
        self.assertEqual(d.status, 204, d)
        self.assertEqual(d.raw, "")
        self.assertError(s.get(loc, token=t), 404, code="not_found")
        self.assertNotIn(u.json["id"], [i["id"] for i in
                                        s.all_items(path + "?limit=500",
                                                    token=t)])

    # -- routes ------------------------------------------------------------

    def test_index_lists_every_route(self):
        r = self.server.get(API)
        self.assertEqual(r.status, 200, r)
        got = [(x["method"], x["path"]) for x in r.json["routes"]]
        self.assertLessEqual(set(ROUTES), set(got))
        self.assertEqual(len(got), len(set(got)), "a route is listed twice")
        self.assertEqual(r.json["service"], "rollin")
        # Every listed GET route without path parameters is really there
        # (some may want query parameters: then a JSON 400 is fine).
        for method, path in got:
            if method == "GET" and "{}" not in path:
                r = self.server.get(path, token=self.admin)
                self.assertIn(r.status, (200, 400), (path, r))
                if path.endswith(".yaml"):
                    self.assertIn("openapi:", r.raw, path)
                    continue
                if path.endswith(".ics"):
                    # test_calendar parses the feeds.
                    self.assertEqual(r.header("Content-Type"),
                                     "text/calendar; charset=utf-8", path)
                    continue
                if path.endswith(".atom"):
                    root = ET.fromstring(r.raw.encode("utf-8"))
                    self.assertEqual(root.tag,
                                     "{http://www.w3.org/2005/Atom}feed")
                    continue
                self.assertIsInstance(r.json, dict, path)

    def test_every_read_route_answers_json(self):
        s = self.server
        r = s.post(API + "/solutions/cat-solution/cycles", {"name": "r.x"},
                   token=self.admin)
        self.assertEqual(r.status, 201, r)
        ids = {"cycles": r.json["id"]}
        for what, body in (("releases", {"version": "r1", "status":
                                         "released", "date": "2026-01-02"}),
                           ("responsibilities", {"role": "operation",
                                                 "organisation": "cat-owner"}),
                           ("adoptions", {"organisation": "cat-user",
                                          "status": "evaluating"})):
            r = s.post(API + "/solutions/cat-solution/" + what, body,
                       token=self.admin)
            self.assertEqual(r.status, 201, r)
            ids[what] = r.json["id"]
        r = s.post(API + "/contacts", {"organisation": "cat-owner",
                                      "name": "Route Prüfer"},
                   token=self.admin)
        self.assertEqual(r.status, 201, r)
        ids["contacts"] = r.json["id"]
        args = {"organisations": "cat-owner", "solutions": "cat-solution",
                "contacts": ids["contacts"]}
        for method, pattern in ROUTES:
            if method != "GET":
                continue
            parts = pattern.split("/")
            path = []
            for i, part in enumerate(parts):
                if part == "{}":
                    prev = parts[i - 1]
                    part = str(ids.get(prev, args.get(prev)))
                path.append(part)
            r = s.get("/".join(path), token=self.admin)
            self.assertEqual(r.status, 200, (pattern, r))
            self.assertIsInstance(r.json, dict, pattern)
            self.assertTrue(r.header("Content-Type").startswith(
                "application/json"), pattern)

    # -- create, read, update, delete --------------------------------------

    def test_organisation_crud(self):
        self.crud(API + "/organisations",
                  {"slug": "cat-crud-org", "name": "Amt für Prüfungen",
                   "kind": "municipal", "state": "Hessen",
                   "ars": "064110000000", "website": "https://amt.example"},
                  "slug", {"name": "Amt für Prüfung und Test",
                           "state": "Bayern"})

    def test_contact_crud(self):
        self.crud(API + "/contacts",
                  {"organisation": "cat-owner", "name": "Erika Mustermann",
                   "role_title": "Produktverantwortliche",
                   "email": "erika@example.org", "phone": "+49 30 1234"},
                  "id", {"email": "erika.mustermann@example.org"})

    def test_solution_create_read_update(self):
        s = self.server
        body = {"slug": "cat-sol-crud", "name": "Prüfverfahren",
                "owner": "cat-owner", "maturity": "concept",
                "summary": "Eine Lösung zum Prüfen",
                "licence": "EUPL-1.2", "open_source": True,
                "problems": ["Prüfen dauert lange"],
                "documentation": [{"title": "Handbuch",
                                   "url": "https://doc.example/h"}],
                "transfer_concept": [{"step": "Vertrag", "role": "adopter",
                                      "effort_days": 2.5}]}
        r = self.create(API + "/solutions", body)
        self.check_created(r, API + "/solutions", "slug")
        for k, v in body.items():
            self.assertEqual(r.json[k], v, k)
        self.assertEqual(r.json["updated_by"].split("#")[0], "admin@bmi")
        u = s.patch(r.header("Location"), {"maturity": "development",
                                           "summary": None}, etag='"1"',
                    token=self.admin)
        self.assertEqual(u.status, 200, u)
        self.assertEqual(u.header("ETag"), '"2"')
        self.assertEqual(u.json["maturity"], "development")
        self.assertNotIn("summary", u.json)   # null removes the value
        self.assertEqual(s.get(r.header("Location")).json["maturity"],
                         "development")

    def test_solution_cannot_be_deleted_only_retired(self):
        s = self.server
        self.create(API + "/solutions", {"slug": "cat-sol-retire",
                                        "name": "Alt", "owner": "cat-owner",
                                        "maturity": "production"})
        r = s.delete(API + "/solutions/cat-sol-retire", token=self.admin)
        self.assertError(r, 405, code="method_not_allowed")
        self.assertIn("retire", r.error["message"])
        self.assertEqual(r.header("Allow"), "GET, PATCH")
        self.assertEqual(s.get(API + "/solutions/cat-sol-retire").status, 200)
        u = s.patch(API + "/solutions/cat-sol-retire",
                    {"maturity": "retired"}, etag='"1"', token=self.admin)
        self.assertEqual(u.status, 200, u)
        self.assertEqual(u.json["maturity"], "retired")

    def test_responsibility_crud(self):
        c = self.create(API + "/contacts", {"organisation": "cat-owner",
                                           "name": "Zuständige Person"})
        self.crud(API + "/solutions/cat-solution/responsibilities",
                  {"role": "maintenance", "organisation": "cat-owner",
                   "contact": c.json["id"], "since": "2025-01-01"},
                  "id", {"until": "2027-12-31", "role": "advice"})

    def test_cycle_crud(self):
        self.crud(API + "/solutions/cat-solution/cycles",
                  {"name": "crud.x", "release_date": "2025-01-01",
                   "support_until": "2026-01-01", "eol": "2027-01-01",
                   "lts": True},
                  "id", {"eol": "2027-06-30", "lts": False})

    def test_release_crud(self):
        self.crud(API + "/solutions/cat-solution/releases",
                  {"version": "crud-1.0", "status": "planned",
                   "planned_date": "2030-01-15", "notes": "**Plan**"},
                  "id", {"planned_date": "2030-02-01"})

    def test_adoption_crud(self):
        self.crud(API + "/solutions/cat-solution/adoptions",
                  {"organisation": "stadt-jena", "status": "evaluating",
                   "since": "2026-01-01", "context": "Test"},
                  "id", {"status": "rolling-in", "version": "1.0"})

    def test_nested_record_is_only_found_under_its_own_solution(self):
        s = self.server
        r = self.create(API + "/solutions/cat-solution/cycles",
                        {"name": "own.x"})
        cid = r.json["id"]
        self.assertEqual(r.json["solution"], "cat-solution")
        self.assertError(s.get(API + "/solutions/wohngeld-online/cycles/%d"
                               % cid), 404, code="not_found")
        self.assertError(s.patch(API + "/solutions/wohngeld-online/cycles/%d"
                                 % cid, {"lts": True}, etag='"1"',
                                 token=self.admin), 404)
        self.assertError(s.get(API + "/solutions/no-such-solution/cycles"),
                         404, code="not_found")
        self.assertError(s.get(API + "/solutions/cat-solution/cycles/abc"),
                         404)
        self.assertEqual(s.get(API + "/solutions/cat-solution/cycles/%d"
                               % cid).json["name"], "own.x")

    def test_delete_of_a_record_still_in_use_is_refused(self):
        s = self.server
        c = self.create(API + "/solutions/cat-solution/cycles",
                        {"name": "used.x"})
        self.create(API + "/solutions/cat-solution/releases",
                    {"version": "used-1", "cycle": "used.x",
                     "status": "released", "date": "2026-01-01"})
        r = s.delete(c.header("Location"), token=self.admin)
        self.assertError(r, 409, code="in_use")
        self.assertEqual(s.get(c.header("Location")).status, 200)
        r = s.delete(API + "/organisations/cat-owner", token=self.admin)
        self.assertError(r, 409, code="in_use")
        self.assertEqual(s.get(API + "/organisations/cat-owner").status, 200)

    def test_deleting_a_contact_clears_it_from_responsibilities(self):
        s = self.server
        c = self.create(API + "/contacts", {"organisation": "cat-owner",
                                           "name": "Geht bald"})
        r = self.create(API + "/solutions/cat-solution/responsibilities",
                        {"role": "contact", "organisation": "cat-owner",
                         "contact": c.json["id"]})
        d = s.delete(c.header("Location"), token=self.admin)
        self.assertEqual(d.status, 204, d)
        got = s.get(r.header("Location")).json
        self.assertIsNone(got.get("contact"))
        self.assertEqual(got["organisation"], "cat-owner")

    def test_delete_with_stale_if_match_keeps_the_record(self):
        s = self.server
        r = self.create(API + "/solutions/cat-solution/cycles",
                        {"name": "keep.x"})
        u = s.patch(r.header("Location"), {"lts": True}, etag='"1"',
                    token=self.admin)
        self.assertEqual(u.status, 200, u)
        d = s.delete(r.header("Location"), etag='"1"', token=self.admin)
        self.assertError(d, 412, code="stale")
        self.assertEqual(s.get(r.header("Location")).json["lts"], True)

    def test_patch_without_changes_keeps_the_revision(self):
        s = self.server
        r = self.create(API + "/solutions/cat-solution/cycles",
                        {"name": "same.x", "lts": True})
        u = s.patch(r.header("Location"), {"lts": True}, etag='"1"',
                    token=self.admin)
        self.assertEqual(u.status, 200, u)
        self.assertEqual(u.header("ETag"), '"1"')
        self.assertEqual(u.json, r.json)

    def test_head_and_root(self):
        s = self.server
        r = s.request("HEAD", API + "/solutions/wohngeld-online")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.raw, "")
        self.assertEqual(r.header("ETag"), '"1"')
        # The web UI's front page when web/ has one, else the API.
        r = s.get("/")
        web_index = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                 "..", "..", "web", "index.html")
        if os.path.exists(web_index):
            self.assertEqual(r.status, 200, r)
            self.assertIn("text/html", r.header("Content-Type"))
        else:
            self.assertEqual(r.status, 302)
            self.assertEqual(r.header("Location"), "/api/v1")
        # Nothing outside web/ is reachable through the front door.
        for path in ("/../CMakeLists.txt", "/%2e%2e/CMakeLists.txt",
                     "/..%2fCMakeLists.txt", "/web/../CMakeLists.txt"):
            r = s.get(path)
            self.assertEqual(r.status, 404, (path, r))

    # -- filters -----------------------------------------------------------

    def check_filter(self, path, param, value, keep, key="slug"):
        """path?param=value lists exactly the records keep(record) picks."""
        s = self.server
        every = s.all_items(path + "?limit=500", token=self.admin)
        want = [x[key] for x in every if keep(x)]
        self.assertTrue(want, "filter %s=%s picks nothing" % (param, value))
        self.assertLess(len(want), len(every),
                        "filter %s=%s picks everything" % (param, value))
        got = s.all_items("%s?%s=%s&limit=500" % (path, param, q(value)),
                          token=self.admin)
        self.assertEqual([x[key] for x in got], want, (param, value))

    def test_organisation_filters(self):
        path = API + "/organisations"
        self.check_filter(path, "kind", "municipal",
                          lambda o: o["kind"] == "municipal")
        self.check_filter(path, "state", "Baden-Württemberg",
                          lambda o: o.get("state") == "Baden-Württemberg")
        self.check_filter(path, "ars", "084210000000",
                          lambda o: o.get("ars") == "084210000000")

    def test_contact_filter(self):
        self.check_filter(API + "/contacts", "organisation", "stadt-ulm",
                          lambda c: c["organisation"] == "stadt-ulm",
                          key="id")

    def test_solution_filters(self):
        s = self.server
        path = API + "/solutions"
        every = s.all_items(path + "?limit=500")
        full = {x["slug"]: x for x in every}
        states = {o["slug"]: o.get("state") for o in
                  s.all_items(API + "/organisations?limit=500")}
        self.check_filter(path, "owner", "akdb",
                          lambda x: x["owner"] == "akdb")
        self.check_filter(path, "maturity", "pilot",
                          lambda x: x["maturity"] == "pilot")
        self.check_filter(path, "licence", "EUPL-1.2",
                          lambda x: x.get("licence") == "EUPL-1.2")
        self.check_filter(path, "open_source", "false",
                          lambda x: not x.get("open_source"))
        self.check_filter(path, "open_source", "true",
                          lambda x: x.get("open_source") is True)
        problem = full["wohngeld-online"]["problems"][0]
        self.check_filter(path, "problem", problem,
                          lambda x: problem in x.get("problems", []))
        process = full["wohngeld-online"]["processes"][0]
        self.check_filter(path, "process", process,
                          lambda x: process in x.get("processes", []))
        self.check_filter(path, "target_group", "Unternehmen",
                          lambda x: "Unternehmen" in x.get("target_groups",
                                                           []))
        self.check_filter(path, "standard", "FIM",
                          lambda x: "FIM" in x.get("standards", []))
        self.check_filter(path, "category", "Soziales",
                          lambda x: "Soziales" in x.get("categories", []))
        self.check_filter(path, "state", "Hessen",
                          lambda x: states[x["owner"]] == "Hessen")

    def test_filters_combine(self):
        s = self.server
        every = s.all_items(API + "/solutions?limit=500")
        want = [x["slug"] for x in every if x["maturity"] == "production"
                and x.get("open_source")]
        got = s.all_items(API + "/solutions?maturity=production"
                          "&open_source=true")
        self.assertEqual([x["slug"] for x in got], want)
        self.assertTrue(want)

    def test_nested_list_filters(self):
        path = API + "/solutions/wohngeld-online"
        self.check_filter(path + "/releases", "status", "released",
                          lambda r: r["status"] == "released", key="id")
        self.check_filter(path + "/releases", "cycle", "3.x",
                          lambda r: r.get("cycle") == "3.x", key="id")
        self.check_filter(path + "/adoptions", "status", "live",
                          lambda a: a["status"] == "live", key="id")
        self.check_filter(path + "/adoptions", "organisation", "stadt-koeln",
                          lambda a: a["organisation"] == "stadt-koeln",
                          key="id")
        self.check_filter(path + "/responsibilities", "role", "operation",
                          lambda a: a["role"] == "operation", key="id")
        self.check_filter(path + "/responsibilities", "organisation",
                          "dataport",
                          lambda a: a["organisation"] == "dataport", key="id")

    # -- sorting -----------------------------------------------------------

    def check_sort(self, path, field, key="slug"):
        s = self.server
        every = s.all_items(path + "?limit=500", token=self.admin)
        self.assertGreater(len(every), 3)
        if field in COLLATED:
            return self.check_german_sort(path, field, every, key)
        asc = sorted(every, key=lambda x: (x[field], x["id"]))
        desc = sorted(every, key=lambda x: (x[field], x["id"]), reverse=True)
        sep = "&" if "?" in path else "?"
        got = s.all_items(path + sep + "sort=" + field + "&limit=500",
                          token=self.admin)
        self.assertEqual([x[key] for x in got], [x[key] for x in asc],
                         "sort=" + field)
        got = s.all_items(path + sep + "sort=-" + field + "&limit=500",
                          token=self.admin)
        self.assertEqual([x[key] for x in got], [x[key] for x in desc],
                         "sort=-" + field)

    def check_german_sort(self, path, field, every, key):
        s = self.server
        sep = "&" if "?" in path else "?"
        asc = s.all_items(path + sep + "sort=" + field + "&limit=500",
                          token=self.admin)
        self.assertEqual(sorted(x[key] for x in asc),
                         sorted(x[key] for x in every))
        for a, b in zip(asc, asc[1:]):
            self.assertLessEqual(german(a[field]), german(b[field]),
                                 "sort=" + field)
        desc = s.all_items(path + sep + "sort=-" + field + "&limit=500",
                           token=self.admin)
        self.assertEqual([x[key] for x in desc],
                         [x[key] for x in reversed(asc)], "sort=-" + field)

    def test_sorting_ascending_and_descending(self):
        for field in ("name", "slug", "id", "created_at", "updated_at"):
            self.check_sort(API + "/organisations", field)
        for field in ("name", "maturity", "slug"):
            self.check_sort(API + "/solutions", field)
        self.check_sort(API + "/solutions/wohngeld-online/releases",
                        "version", key="id")
        self.check_sort(API + "/contacts", "name", key="id")

    def test_default_order(self):
        s = self.server
        sol = s.get(API + "/solutions?limit=500").json["items"]
        self.assertEqual(sol, s.get(API + "/solutions?sort=name&limit=500")
                         .json["items"])
        for a, b in zip(sol, sol[1:]):
            self.assertLessEqual(german(a["name"]), german(b["name"]))
        rel = s.get(API + "/solutions/wohngeld-online/releases").json["items"]
        self.assertEqual([x["id"] for x in rel], sorted(x["id"] for x in rel))

    # -- pagination --------------------------------------------------------

    def page_through(self, path, limit=2, token=None):
        """Pages with limit; checks page sizes; returns the items."""
        s = self.server
        sep = "&" if "?" in path else "?"
        items, url, pages = [], path + sep + "limit=%d" % limit, 0
        while True:
            r = s.get(url, token=token or self.admin)
            self.assertEqual(r.status, 200, r)
            pages += 1
            self.assertLessEqual(len(r.json["items"]), limit)
            items += r.json["items"]
            if r.json["next"] is None:
                break
            self.assertEqual(len(r.json["items"]), limit)
            url = path + sep + "limit=%d&cursor=%s" % (limit, r.json["next"])
            self.assertLess(pages, 1000)
        return items

    def test_cursor_pagination_visits_every_record_once(self):
        s = self.server
        self.create(API + "/solutions", {"slug": "cat-pages", "name": "Seiten",
                                        "owner": "cat-owner",
                                        "maturity": "pilot"})
        for n in ("e", "c", "a", "d", "b"):
            self.create(API + "/solutions/cat-pages/cycles", {"name": n})
        items = self.page_through(API + "/solutions/cat-pages/cycles")
        self.assertEqual([c["name"] for c in items], list("abcde"))
        items = self.page_through(API + "/solutions/cat-pages/cycles"
                                  "?sort=-name")
        self.assertEqual([c["name"] for c in items], list("edcba"))
        for path in (API + "/organisations", API + "/organisations?sort=-name",
                     API + "/organisations?sort=created_at",
                     API + "/organisations?sort=-id",
                     API + "/organisations?kind=municipal&sort=-name",
                     API + "/solutions", API + "/solutions?sort=-maturity",
                     API + "/contacts", API + "/contacts?sort=-name"):
            every = s.get(path + ("&" if "?" in path else "?") +
                          "limit=500", token=self.admin).json["items"]
            paged = self.page_through(path)
            self.assertEqual([x["id"] for x in paged],
                             [x["id"] for x in every], path)
            self.assertEqual(len({x["id"] for x in paged}), len(paged), path)

    def test_pagination_while_records_are_added(self):
        s = self.server
        before = [o["slug"] for o in s.get(API + "/organisations?sort=name"
                                           "&limit=500").json["items"]]
        r = s.get(API + "/organisations?sort=name&limit=3")
        seen = [o["slug"] for o in r.json["items"]]
        # Written meanwhile: one before the cursor, one after it.
        self.create(API + "/organisations", {"slug": "cat-aaa", "name":
                                            "0 Zuerst", "kind": "other"})
        self.create(API + "/organisations", {"slug": "cat-zzz", "name":
                                            "\u017dulezt", "kind": "other"})
        nxt = r.json["next"]
        while nxt:
            r = s.get(API + "/organisations?sort=name&limit=3&cursor=" + nxt)
            self.assertEqual(r.status, 200, r)
            seen += [o["slug"] for o in r.json["items"]]
            nxt = r.json["next"]
        self.assertEqual(len(seen), len(set(seen)))
        self.assertEqual([x for x in seen if x not in ("cat-zzz",)], before)
        self.assertIn("cat-zzz", seen)
        self.assertNotIn("cat-aaa", seen)

    def test_pagination_with_long_names(self):
        # Names may have 200 characters of any script; paging must work
        # whatever the sort value looks like.
        s = self.server
        for i in range(4):
            self.create(API + "/organisations", {
                "slug": "cat-long-%d" % i, "kind": "other",
                "name": "\u20ac" * 199 + str(i)})
        every = [o["slug"] for o in s.get(API + "/organisations?sort=-name"
                                          "&limit=500").json["items"]]
        paged = [o["slug"] for o in
                 self.page_through(API + "/organisations?sort=-name")]
        self.assertEqual(paged, every)

    def test_cursor_does_not_reveal_hidden_contact_data(self):
        # Anonymous clients do not see contacts' names; a cursor handed to
        # them must not carry those names either.
        s = self.server
        names = [c["name"] for c in s.all_items(API + "/contacts?limit=500",
                                                token=self.admin)]
        # Sorting by hidden data is for signed-in clients only ...
        r = s.get(API + "/contacts?sort=name&limit=1")
        self.assertEqual(r.status, 400, r)
        self.assertEqual(r.error["field"], "sort")
        # ... and anonymous cursors in the default order carry no names.
        r = s.get(API + "/contacts?limit=1")
        self.assertEqual(r.status, 200, r)
        self.assertNotIn("name", r.json["items"][0])
        cursor = r.json["next"]
        self.assertTrue(cursor)
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        text = raw.decode("utf-8", "replace")
        for n in names:
            self.assertNotIn(n, text)
        r = s.get(API + "/contacts?sort=name&limit=1", token=self.admin)
        self.assertEqual(r.status, 200, r)

    def test_last_page_has_no_next(self):
        r = self.server.get(API + "/organisations?limit=500")
        self.assertIsNone(r.json["next"])
        r = self.server.get(API + "/organisations?limit=1")
        self.assertTrue(r.json["next"])
        self.assertEqual(len(r.json["items"]), 1)


if __name__ == "__main__":
    unittest.main()
