"""German users' order and spellings: names sort as a German dictionary
lists them (DIN 5007-1: ä as a, ö as o, ü as u, ß as ss, upper and lower
case together), page after page without gaps or repeats, and search finds
words whether they are spelt with umlauts or transliterated ("gebuehren",
"strasse")."""

import base64
import json
import random
import sqlite3
import urllib.parse

from harness import ServerTest

API = "/api/v1"

# In German dictionary order; created in another order below.
ORDER = ["Amt für Testland", "Ärztekammer Testland", "Bezirk Testland",
         "bürgeramt Testland", "Bürgerbüro Testland", "Oberamt Testland",
         "Ölmühle Testland", "Ordnungsamt Testland",
         "Straßenbauamt Testland", "Strassenmeisterei Testland",
         "Zulassungsstelle Testland"]


def q(value):
    return urllib.parse.quote(value, safe="")


class SortingTest(ServerTest):
    DEMO = True
    DEMO_TEMPLATE = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.admin = s.token_for("admin", "bmi")
        names = ORDER + ["Bezirk Testland", "BEZIRK Testland"]  # ties
        random.Random(7).shuffle(names)
        for i, name in enumerate(names):
            r = s.post(API + "/organisations",
                       {"slug": "sort-%d" % i, "name": name,
                        "kind": "other"}, token=cls.admin)
            assert r.status == 201, r
        for slug, name, summary in (
                ("sort-light", "Strassenbeleuchtung Testland",
                 "Meldungen defekter Leuchten"),
                ("sort-michael", "Sankt-Michael-Register",
                 "Verzeichnis der Kirchengemeinde Sankt Michael"),
                ("sort-michal", "Michal-Archiv", "Nachlass Michal"),
                ("sort-aerzte", "Ärztliche Bescheinigung Testland",
                 "Bescheinigungen für Behörden")):
            r = s.post(API + "/solutions",
                       {"slug": slug, "name": name, "summary": summary,
                        "owner": "sort-0", "maturity": "pilot"},
                       token=cls.admin)
            assert r.status == 201, r

    def names(self, path):
        r = self.server.get(path)
        self.assertEqual(r.status, 200, r)
        return [x["name"] for x in r.json["items"]]

    def paged(self, path):
        """Every item, two per page, following the cursors."""
        return self.server.all_items(path + "&limit=2")

    # -- sorting -----------------------------------------------------------

    def test_names_in_german_dictionary_order(self):
        got = [n for n in self.names(API + "/organisations?sort=name"
                                     "&kind=other&limit=500")
               if n.endswith("Testland")]
        # The three "Bezirk" differ only in case: together, in some order.
        self.assertEqual(len([n for n in got
                              if n.lower() == "bezirk testland"]), 3)
        got = [n.lower() if n.lower() == "bezirk testland" else n
               for n in got]
        got = [n for i, n in enumerate(got) if i == 0 or n != got[i - 1]]
        self.assertEqual(got, [n.lower() if n == "Bezirk Testland" else n
                               for n in ORDER])
        # "Ärztekammer" sits between "Amt" and "Bezirk", not after "Z".
        i = got.index("Ärztekammer Testland")
        self.assertEqual(got[i - 1], "Amt für Testland")
        self.assertEqual(got[i + 1].lower(), "bezirk testland")

    def test_descending_is_the_reverse(self):
        path = API + "/organisations?kind=other&limit=500&sort="
        up = self.server.get(path + "name").json["items"]
        down = self.server.get(path + "-name").json["items"]
        self.assertEqual([x["slug"] for x in up],
                         [x["slug"] for x in reversed(down)])

    def test_pages_follow_the_order_without_gaps_or_repeats(self):
        for resource, sort in (("organisations", "name"),
                               ("organisations", "-name"),
                               ("solutions", "name"),
                               ("solutions", "-name")):
            with self.subTest(resource=resource, sort=sort):
                path = "%s/%s?sort=%s" % (API, resource, sort)
                whole = self.server.get(path + "&limit=500").json["items"]
                pages = self.paged(path)
                slugs = [x["slug"] for x in pages]
                self.assertEqual(len(slugs), len(set(slugs)))
                self.assertEqual(slugs, [x["slug"] for x in whole])
                self.assertGreater(len(slugs), 30)

    def test_default_solution_order_is_german(self):
        names = self.names(API + "/solutions?limit=500")
        # Among the A, not after the Z: "Ärz" as "Arz".
        i = names.index("Ärztliche Bescheinigung Testland")
        self.assertLess(names.index("Abfallkalender & Abfuhr-App"), i)
        self.assertLess(i, names.index("Ausweis-Abholstatus"))
        self.assertLess(names.index("Michal-Archiv"),
                        names.index("Sankt-Michael-Register"))

    def test_a_foreign_cursor_is_refused(self):
        raw = json.dumps([17, 3]).encode()  # a number is no name
        cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")
        r = self.server.get(API + "/organisations?sort=name&cursor=" + cursor)
        self.assertError(r, 400, field="cursor")

    def test_a_long_name_makes_a_short_cursor(self):
        # Some characters have keys of many bytes: a cursor carries the
        # name, never its key, and stays as short as names are.
        s = self.server
        for i in range(3):
            r = s.post(API + "/organisations",
                       {"slug": "sort-long-%d" % i, "kind": "other",
                        "name": "\ufdfa" * 199 + str(i)}, token=self.admin)
            self.assertEqual(r.status, 201, r)
        path = API + "/organisations?sort=-name&kind=other&limit=1"
        r = s.get(path)
        self.assertLess(len(r.json["next"]), 2000)
        paged = [x["slug"] for x in s.all_items(path)]
        whole = [x["slug"] for x in s.get(
            API + "/organisations?sort=-name&kind=other&limit=500")
            .json["items"]]
        self.assertEqual(paged, whole)
        self.assertEqual(len(set(paged)), len(paged))

    def test_a_renamed_record_moves(self):
        s = self.server
        r = s.post(API + "/organisations",
                   {"slug": "sort-move", "name": "Zzz Testland",
                    "kind": "other"}, token=self.admin)
        self.assertEqual(r.status, 201, r)
        r = s.patch(API + "/organisations/sort-move",
                    {"name": "Äaa Testland"}, etag=r.header("ETag"),
                    token=self.admin)
        self.assertEqual(r.status, 200, r)
        got = [n for n in self.names(API + "/organisations?sort=name"
                                     "&kind=other&limit=500")
               if n.endswith("Testland")]
        self.assertEqual(got[0], "Äaa Testland")
        r = s.delete(API + "/organisations/sort-move", token=self.admin)
        self.assertIn(r.status, (204, 200), r)

    # -- search ------------------------------------------------------------

    def hits(self, text):
        r = self.server.get(API + "/search?limit=100&q=" + q(text))
        self.assertEqual(r.status, 200, r)
        return [x["slug"] for x in r.json["items"]]

    def test_transliterated_words_find_umlauts(self):
        gebuehren = self.hits("gebuehren")
        self.assertIn("Kommunaler Gebührenrechner", [
            self.server.get(API + "/solutions/" + s).json["name"]
            for s in gebuehren])
        self.assertEqual(set(gebuehren), set(self.hits("Gebühren")))
        strasse = self.hits("strasse")
        self.assertEqual(set(strasse), set(self.hits("Straße")))
        names = [self.server.get(API + "/solutions/" + s).json["name"]
                 for s in strasse]
        self.assertIn("Straßenreinigungsgebühren-Veranlagung", names)
        self.assertIn("Strassenbeleuchtung Testland", names)

    def test_umlauts_find_transliterated_words(self):
        self.assertIn("sort-light", self.hits("Straßenbeleuchtung"))
        self.assertIn("sort-light", self.hits("straßen leuchten"))

    def test_ae_that_is_no_umlaut_stays_itself(self):
        self.assertEqual(self.hits("Michael"), ["sort-michael"])
        self.assertEqual(self.hits("Michal"), ["sort-michal"])
        # The name outranks the summary as before.
        self.assertEqual(self.hits("Gebührenrechner")[:1],
                         self.hits("gebuehrenrechner")[:1])


class SortKeysTest(ServerTest):
    """The database stays plain SQLite: rows written by another tool, and
    keys made by another ICU version, are put right at the next start."""
    DEMO = True
    DEMO_TEMPLATE = True

    def test_keys_are_made_again_at_start(self):
        s = self.server
        before = [x["slug"] for x in s.all_items(
            API + "/organisations?sort=name&limit=7")]
        s.stop()
        con = sqlite3.connect(s.db)
        with con:
            # What the sqlite3 shell can do: it has no sort key function.
            con.execute("INSERT INTO organisations (slug, name, kind, "
                        "created_at, updated_at, updated_by) VALUES "
                        "('shell-org', 'Ämterverbund Shell', 'other', "
                        "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', "
                        "'shell')")
            # As after an ICU upgrade: keys of another collation version.
            con.execute("UPDATE organisations SET name_key = x'00'")
            con.execute("UPDATE collation SET version = '0.0'")
        con.close()
        s.start()
        after = [x["slug"] for x in s.all_items(
            API + "/organisations?sort=name&limit=7")]
        self.assertEqual([x for x in after if x != "shell-org"], before)
        names = [x["name"] for x in s.all_items(
            API + "/organisations?sort=name&limit=7")]
        i = names.index("Ämterverbund Shell")
        self.assertLess(names[i - 1].casefold(), "amter")
        self.assertGreater(names[i + 1].casefold(), "amter")


class SpellingsFollowChangesTest(ServerTest):
    """The transliterations in the search index follow every change."""
    DEMO = True
    DEMO_TEMPLATE = True

    def hits(self, text):
        r = self.server.get(API + "/search?limit=100&q=" + q(text))
        self.assertEqual(r.status, 200, r)
        return r.json

    def test_renamed_solution_and_changed_lesson(self):
        s = self.server
        admin = s.token_for("admin", "bmi")
        r = s.post(API + "/solutions",
                   {"slug": "sp-aerzte", "name": "Ärztliche Bescheinigung",
                    "owner": "bmi", "maturity": "pilot"}, token=admin)
        self.assertEqual(r.status, 201, r)
        slugs = [x["slug"] for x in self.hits("aerztliche")["items"]]
        self.assertEqual(slugs, ["sp-aerzte"])
        r = s.patch(API + "/solutions/sp-aerzte",
                    {"name": "Amtsarzt-Bescheinigung"},
                    etag=r.header("ETag"), token=admin)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.hits("aerztliche")["items"], [])
        self.assertEqual([x["slug"] for x in
                          self.hits("amtsarzt")["items"]], ["sp-aerzte"])

        r = s.post(API + "/lessons",
                   {"solution": "sp-aerzte", "organisation": "bmi",
                    "category": "legal",
                    "title": "Gebührenordnung früh klären",
                    "text": "Die Satzung regelt die Gebühren."},
                   token=admin)
        self.assertEqual(r.status, 201, r)
        lesson = r.json["id"]
        for text in ("gebuehrenordnung", "Gebührenordnung"):
            self.assertIn(lesson, [x["id"] for x in
                                   self.hits(text)["lessons"]], text)
        r = s.patch(API + "/lessons/%d" % lesson,
                    {"title": "Satzung früh klären",
                     "text": "Die Satzung regelt alles."},
                    etag=r.header("ETag"), token=admin)
        self.assertEqual(r.status, 200, r)
        self.assertNotIn(lesson, [x["id"] for x in
                                  self.hits("gebuehrenordnung")["lessons"]])
        self.assertIn(lesson, [x["id"] for x in
                               self.hits("fruh satzung")["lessons"]])
