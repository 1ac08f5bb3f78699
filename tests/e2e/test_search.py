"""Finding solutions: full text that ignores diacritics ("Gebuhren" finds
"Gebühren"), facets whose counts match the hits, facet filters that narrow
a text search, and navigation by problem. Runs on the demo data."""

import collections
import re
import unicodedata
import unittest
import urllib.parse

from harness import ServerTest

API = "/api/v1"
TEXT_FIELDS = ("name", "summary", "description")
TAG_FIELDS = ("problems", "processes")
FACET_OF = {"problem": "problems", "process": "processes",
            "target_group": "target_groups", "standard": "standards",
            "category": "categories"}


def fold(text):
    """Lower case without diacritics, as the search index sees words."""
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def words(doc):
    parts = [doc.get(f) or "" for f in TEXT_FIELDS]
    for f in TAG_FIELDS:
        parts += doc.get(f, [])
    return re.findall(r"[^\W_]+", fold(" ".join(parts)))


def q(value):
    return urllib.parse.quote(value, safe="")


class SearchTest(ServerTest):
    DEMO = True
    DEMO_TEMPLATE = True
    ENV = {"ROLLIN_TIMER_INTERVAL": "86400"}  # no time events between

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.solutions = {x["slug"]: x for x in
                         s.all_items(API + "/solutions?limit=500")}
        cls.states = {o["slug"]: o.get("state") for o in
                      s.all_items(API + "/organisations?limit=500")}

    def search(self, query):
        """Every hit of a search (following the cursor) and the answer."""
        s = self.server
        r = s.get(API + "/search?" + query + "&limit=100")
        self.assertEqual(r.status, 200, r)
        first, items = r.json, list(r.json["items"])
        while r.json["next"]:
            r = s.get(API + "/search?" + query + "&limit=100&cursor=" +
                      r.json["next"])
            self.assertEqual(r.status, 200, r)
            items += r.json["items"]
        self.assertEqual(len(items), first["total"])
        return first, items

    def expected_facets(self, slugs):
        counts = collections.defaultdict(collections.Counter)
        for slug in slugs:
            doc = self.solutions[slug]
            counts["maturity"][doc["maturity"]] += 1
            if doc.get("licence"):
                counts["licence"][doc["licence"]] += 1
            state = self.states[doc["owner"]]
            if state:
                counts["state"][state] += 1
            for facet, field in FACET_OF.items():
                for v in doc.get(field, []):
                    counts[facet][v] += 1
        return counts

    def check_facets(self, answer, slugs):
        want = self.expected_facets(slugs)
        for facet in ("maturity", "problem", "process", "target_group",
                      "standard", "licence", "category", "state"):
            got = {f["value"]: f["count"] for f in answer["facets"][facet]}
            self.assertEqual(got, dict(want[facet]), facet)
            counts = [f["count"] for f in answer["facets"][facet]]
            self.assertEqual(counts, sorted(counts, reverse=True), facet)

    # -- full text ---------------------------------------------------------

    def test_search_ignores_diacritics(self):
        answer, items = self.search("q=Gebuhren")
        hits = [i["slug"] for i in items]
        self.assertGreaterEqual(len(hits), 3)
        want = {slug for slug, doc in self.solutions.items()
                if any(w.startswith("gebuhren") for w in words(doc))}
        self.assertEqual(set(hits), want)
        for slug in hits:
            doc = self.solutions[slug]
            self.assertIn("gebühren", " ".join(
                [doc.get(f) or "" for f in TEXT_FIELDS] +
                doc.get("problems", []) + doc.get("processes", [])).lower())
        _, umlaut = self.search("q=" + q("Gebühren"))
        self.assertEqual([i["slug"] for i in umlaut], hits)
        _, lower = self.search("q=" + q("GEBÜHREN"))
        self.assertEqual({i["slug"] for i in lower}, set(hits))
        self.assertEqual(answer["q"], "Gebuhren")

    def test_all_words_must_match(self):
        _, one = self.search("q=Gebuhren")
        _, two = self.search("q=" + q("Gebuhren online"))
        self.assertLessEqual({i["slug"] for i in two},
                             {i["slug"] for i in one})
        want = {slug for slug, doc in self.solutions.items()
                if any(w.startswith("gebuhren") for w in words(doc)) and
                any(w.startswith("online") for w in words(doc))}
        self.assertEqual({i["slug"] for i in two}, want)

    def test_hits_show_what_a_result_list_needs(self):
        _, items = self.search("q=Wohngeld")
        self.assertIn("wohngeld-online", [i["slug"] for i in items])
        self.assertEqual(items[0]["slug"], "wohngeld-online")  # in the name
        for i in items:
            doc = self.solutions[i["slug"]]
            for f in ("name", "owner", "maturity"):
                self.assertEqual(i[f], doc[f])
            self.assertEqual(i["completeness"],
                             doc["completeness"]["percent"])
            self.assertEqual(i["freshness"]["stale"],
                             doc["freshness"]["stale"])

    def test_search_input_is_taken_literally(self):
        for text in ('"', "Gebühren OR", "NOT", "a AND b", "*", "(", "x:y",
                     "NEAR(a b)", "^", "'", "-", "Gebühren\"*"):
            r = self.server.get(API + "/search?q=" + q(text))
            self.assertEqual(r.status, 200, (text, r))
            self.assertIsInstance(r.json["total"], int)

    def test_no_query_lists_everything(self):
        answer, items = self.search("q=")
        self.assertEqual({i["slug"] for i in items}, set(self.solutions))
        answer, items = self.search("limit=100")
        self.assertEqual(answer["total"], len(self.solutions))
        self.check_facets(answer, [i["slug"] for i in items])

    def test_paging_visits_every_hit_once(self):
        s = self.server
        answer, every = self.search("q=")
        seen, cursor = [], None
        while True:
            r = s.get(API + "/search?limit=4" +
                      ("&cursor=" + cursor if cursor else ""))
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json["total"], answer["total"])
            seen += [i["slug"] for i in r.json["items"]]
            cursor = r.json["next"]
            if not cursor:
                break
        self.assertEqual(seen, [i["slug"] for i in every])
        self.assertEqual(len(seen), len(set(seen)))

    # -- facets ------------------------------------------------------------

    def test_facet_counts_match_the_hits(self):
        answer, items = self.search("q=Gebuhren")
        self.check_facets(answer, [i["slug"] for i in items])

    def test_facet_filters_narrow_a_text_search(self):
        answer, items = self.search("q=Gebuhren")
        slugs = [i["slug"] for i in items]
        checked = 0
        for facet in ("maturity", "problem", "target_group", "standard",
                      "licence", "state", "category", "process"):
            for value in answer["facets"][facet]:
                if value["count"] == answer["total"]:
                    continue
                narrowed, hits = self.search("q=Gebuhren&%s=%s"
                                             % (facet, q(value["value"])))
                self.assertEqual(narrowed["total"], value["count"],
                                 (facet, value))
                self.assertLess(narrowed["total"], answer["total"])
                self.assertLessEqual({h["slug"] for h in hits}, set(slugs))
                self.check_facets(narrowed, [h["slug"] for h in hits])
                checked += 1
                break
        self.assertGreaterEqual(checked, 5)

    def test_two_facets_combine(self):
        answer, items = self.search("q=")
        state = answer["facets"]["state"][0]["value"]
        maturity = "production"
        want = {slug for slug, d in self.solutions.items()
                if d["maturity"] == maturity and
                self.states[d["owner"]] == state}
        got, hits = self.search("maturity=%s&state=%s" % (maturity, q(state)))
        self.assertEqual({h["slug"] for h in hits}, want)
        self.assertEqual(got["total"], len(want))
        for h in hits:
            self.assertEqual(h["maturity"], maturity)
        # A facet filter without a text query is a filter on everything.
        got, hits = self.search("standard=FIM")
        self.assertEqual({h["slug"] for h in hits},
                         {s for s, d in self.solutions.items()
                          if "FIM" in d.get("standards", [])})

    def test_facet_value_without_hits(self):
        answer, items = self.search("q=Gebuhren&maturity=no-such-maturity")
        self.assertEqual(answer["total"], 0)
        self.assertEqual(items, [])
        self.assertIsNone(answer["next"])

    # -- navigation by problem ---------------------------------------------

    def test_problems_count_matches_a_search_by_problem(self):
        s = self.server
        r = s.get(API + "/problems")
        self.assertEqual(r.status, 200, r)
        problems = r.json["items"]
        self.assertGreaterEqual(len(problems), 5)
        counts = [p["solutions"] for p in problems]
        self.assertEqual(counts, sorted(counts, reverse=True))
        active = {p for d in self.solutions.values()
                  if d["maturity"] != "retired" for p in d.get("problems", [])}
        self.assertLessEqual(active, {p["problem"] for p in problems})
        for p in problems:
            answer, hits = self.search("problem=" + q(p["problem"]))
            self.assertEqual(answer["total"], p["solutions"], p)

    def test_categories_count_matches_a_search_by_category(self):
        r = self.server.get(API + "/categories")
        self.assertEqual(r.status, 200, r)
        self.assertGreaterEqual(len(r.json["items"]), 5)
        for c in r.json["items"]:
            answer, hits = self.search("category=" + q(c["category"]))
            self.assertEqual(answer["total"], c["solutions"], c)

if __name__ == "__main__":
    unittest.main()
