"""Quality signals of a solution: completeness (which minimum fields are
filled) and freshness (days since the owner last changed or confirmed
it). The first server's clock stands at 2026-01-01; a second server over
the same database lives 200 days later."""

import unittest

from harness import Server, ServerTest

API = "/api/v1"
SOLS = API + "/solutions"

# What an entry needs; repository and licence only for open source.
REQUIRED = ["summary", "description", "homepage", "problems", "processes",
            "target_groups", "documentation", "transfer_concept"]
FILL = {
    "summary": "Kurz gesagt",
    "description": "Lang **erklärt**",
    "homepage": "https://q.example",
    "problems": ["Papier"],
    "processes": ["Antrag"],
    "target_groups": ["Bürger"],
    "documentation": [{"title": "Handbuch", "url": "https://q.example/d"}],
    "transfer_concept": [{"step": "Vertrag", "role": "adopter"}],
    "repository": "https://git.q.example/x",
    "licence": "EUPL-1.2",
}


class QualityTest(ServerTest):
    DEMO = True
    DEMO_TEMPLATE = True
    # Fixed clock; no timer tick adds time events in between.
    ENV = {"ROLLIN_NOW": "2026-01-01", "ROLLIN_TIMER_INTERVAL": "86400"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.admin = s.token_for("admin", "bmi")
        for slug in ("q-owner", "q-other"):
            r = s.post(API + "/organisations", {"slug": slug, "kind": "other",
                                               "name": slug},
                       token=cls.admin)
            assert r.status == 201, r
        cls.owner = s.token_for("owner", "q-owner")
        cls.other = s.token_for("owner", "q-other")

    def create(self, slug, **fields):
        body = {"slug": slug, "name": "Qualität " + slug, "owner": "q-owner",
                "maturity": "pilot"}
        body.update(fields)
        r = self.server.post(SOLS, body, token=self.owner)
        self.assertEqual(r.status, 201, r)
        return r.json

    def patch(self, slug, body):
        s = self.server
        etag = s.get(SOLS + "/" + slug).header("ETag")
        r = s.patch(SOLS + "/" + slug, body, etag=etag, token=self.owner)
        self.assertEqual(r.status, 200, r)
        return r.json

    def slugs(self, query):
        return {x["slug"] for x in self.server.all_items(
            SOLS + "?owner=q-owner&limit=500&" + query)}

    # -- completeness ------------------------------------------------------

    def test_completeness_grows_as_fields_are_filled(self):
        doc = self.create("q-grow")
        self.assertEqual(doc["completeness"], {"percent": 0,
                                               "missing": REQUIRED})
        filled = []
        for field in REQUIRED:
            doc = self.patch("q-grow", {field: FILL[field]})
            filled.append(field)
            want = [f for f in REQUIRED if f not in filled]
            self.assertEqual(doc["completeness"]["missing"], want)
            self.assertEqual(doc["completeness"]["percent"],
                             len(filled) * 100 // len(REQUIRED))
        self.assertEqual(doc["completeness"]["percent"], 100)
        # Open source needs a repository and a licence as well.
        doc = self.patch("q-grow", {"open_source": True})
        self.assertEqual(sorted(doc["completeness"]["missing"]),
                         ["licence", "repository"])
        self.assertEqual(doc["completeness"]["percent"], 80)
        doc = self.patch("q-grow", {"repository": FILL["repository"],
                                    "licence": FILL["licence"]})
        self.assertEqual(doc["completeness"], {"percent": 100, "missing": []})
        # Emptying a field counts as missing again.
        doc = self.patch("q-grow", {"problems": [], "summary": None})
        self.assertEqual(sorted(doc["completeness"]["missing"]),
                         ["problems", "summary"])
        self.assertEqual(self.server.get(SOLS + "/q-grow").json
                         ["completeness"], doc["completeness"])

    def test_completeness_filters(self):
        self.create("q-empty")
        self.create("q-half", **{f: FILL[f] for f in REQUIRED[:4]})
        self.create("q-full", **{f: FILL[f] for f in REQUIRED})
        self.create("q-full-os", open_source=True, **FILL)
        self.assertLessEqual({"q-full", "q-full-os"},
                             self.slugs("complete=true"))
        self.assertFalse({"q-empty", "q-half"} & self.slugs("complete=true"))
        self.assertLessEqual({"q-empty", "q-half"},
                             self.slugs("complete=false"))
        self.assertFalse({"q-full", "q-full-os"} &
                         self.slugs("complete=false"))
        self.assertLessEqual({"q-half", "q-full"},
                             self.slugs("completeness_min=50"))
        self.assertNotIn("q-empty", self.slugs("completeness_min=50"))
        self.assertNotIn("q-half", self.slugs("completeness_min=51"))
        every = self.server.all_items(SOLS + "?limit=500")
        want = {x["slug"] for x in every
                if x["completeness"]["percent"] >= 75}
        got = {x["slug"] for x in self.server.all_items(
            SOLS + "?completeness_min=75&limit=500")}
        self.assertEqual(got, want)

    # -- freshness ---------------------------------------------------------

    def test_freshness_of_a_new_entry(self):
        doc = self.create("q-new")
        f = doc["freshness"]
        self.assertEqual(f["days"], 0)
        self.assertIs(f["stale"], False)
        self.assertEqual(f["stale_after_days"], 180)
        self.assertEqual(f["changed_at"], "2026-01-01T00:00:00Z")

    def test_entries_go_stale_and_confirmation_refreshes_them(self):
        s = self.server
        self.create("q-stale")
        self.create("q-touched")
        self.create("q-confirmed")
        self.assertNotIn("q-stale", self.slugs("stale=true"))
        self.assertIn("q-stale", self.slugs("stale=false"))
        with Server(db=s.db, env={"ROLLIN_NOW": "2026-07-20"}) as later:
            doc = later.get(SOLS + "/q-stale").json
            self.assertEqual(doc["freshness"]["days"], 200)
            self.assertIs(doc["freshness"]["stale"], True)
            stale = {x["slug"] for x in later.all_items(
                SOLS + "?stale=true&limit=500")}
            self.assertLessEqual({"q-stale", "q-touched", "q-confirmed",
                                  "wohngeld-online"}, stale)
            hit = [i for i in later.get(API + "/search?q=" +
                                        "Qualit%C3%A4t&limit=100")
                   .json["items"] if i["slug"] == "q-stale"]
            self.assertEqual(hit[0]["freshness"], {"days": 200,
                                                   "stale": True})
            # A change in a lifecycle record is a sign of life.
            r = later.post(SOLS + "/q-touched/cycles", {"name": "1.x"},
                           token=self.owner)
            self.assertEqual(r.status, 201, r)
            # Confirming: fresh again, revision and ETag unchanged.
            before = later.get(SOLS + "/q-confirmed")
            self.assertError(later.post(SOLS + "/q-confirmed/confirm", None,
                                        token=self.other), 403,
                             code="forbidden")
            self.assertError(later.post(SOLS + "/q-confirmed/confirm", None),
                             401, code="unauthenticated")
            self.assertError(later.post(SOLS + "/no-such/confirm", None,
                                        token=self.owner), 404)
            r = later.post(SOLS + "/q-confirmed/confirm", None,
                           token=self.owner)
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json["freshness"]["days"], 0)
            self.assertIs(r.json["freshness"]["stale"], False)
            self.assertEqual(r.json["freshness"]["confirmed_at"],
                             "2026-07-20T00:00:00Z")
            self.assertEqual(r.json["rev"], before.json["rev"])
            self.assertEqual(r.header("ETag"), before.header("ETag"))
            after = later.get(SOLS + "/q-confirmed")
            self.assertEqual(after.header("ETag"), before.header("ETag"))
            self.assertEqual(after.json["updated_at"],
                             before.json["updated_at"])
            stale = {x["slug"] for x in later.all_items(
                SOLS + "?stale=true&limit=500")}
            self.assertIn("q-stale", stale)
            self.assertNotIn("q-confirmed", stale)
            self.assertNotIn("q-touched", stale)
            fresh = {x["slug"] for x in later.all_items(
                SOLS + "?stale=false&limit=500")}
            self.assertLessEqual({"q-confirmed", "q-touched"}, fresh)
            self.assertNotIn("q-stale", fresh)
            within = {x["slug"] for x in later.all_items(
                SOLS + "?fresh_within=7&owner=q-owner&limit=500")}
            self.assertEqual(within, {"q-confirmed", "q-touched"})
            # An admin may confirm for the owner.
            r = later.post(SOLS + "/q-stale/confirm", None,
                           token=self.admin)
            self.assertEqual(r.status, 200, r)
            self.assertIs(r.json["freshness"]["stale"], False)

    def test_stale_days_setting(self):
        s = self.server
        self.create("q-short")
        with Server(db=s.db, env={"ROLLIN_NOW": "2026-01-11",
                                  "ROLLIN_STALE_DAYS": "7"}) as later:
            f = later.get(SOLS + "/q-short").json["freshness"]
            self.assertEqual((f["days"], f["stale"], f["stale_after_days"]),
                             (10, True, 7))
            self.assertIn("q-short", {x["slug"] for x in later.all_items(
                SOLS + "?stale=true&limit=500")})


if __name__ == "__main__":
    unittest.main()
