"""Atom feeds and SVG badges as a feed reader and a README embedding them
meet them:

- the catalogue's feed and a solution's feed are valid Atom 1.0 (RFC
  4287): the required elements, unique ids, entries newest first, links to
  the solution's web page, the owner as author, ETag and 304;
- publishing a planned release adds an entry with its version; marking it
  released keeps the entry's id and moves its updated;
- release notes arrive as escaped HTML, never as markup of the feed (a
  <script> in the notes is not an element anywhere);
- lifecycle events (end of life, overdue release) appear, roll-in events
  never do;
- badges are SVG images with a title and an aria-label, say what the API
  says (maturity, the current cycle's support, adoptions live), change
  colour with the support status, and answer 404 JSON for unknown kinds
  and solutions;
- public_url decides links and ids, and a bad one stops the service.

The clock is the real one: the entry's updated must move between two
writes, and time events fall due on the day the records are created."""

import datetime
import time
import unittest
import xml.etree.ElementTree as ET

from harness import Server, ServerTest, run_rollin

API = "/api/v1"
ATOM = "{http://www.w3.org/2005/Atom}"
SVG = "{http://www.w3.org/2000/svg}"
ENV = {"ROLLIN_TIMER_INTERVAL": "1"}
OWNER_NAME = "Amt für <Feeds> & \"Badges\""
SCRIPT_NOTES = ("**Neu:** Export als CSV.\n\n<script>alert('x')</script>\n\n"
                "<b onclick=\"evil()\">fett</b>")


def utc_day(offset=0):
    d = datetime.datetime.now(datetime.timezone.utc).date()
    return (d + datetime.timedelta(days=offset)).isoformat()


def parse_time(s):
    """RFC 3339 as Atom requires it; fails on anything else."""
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))


def link(el, rel):
    for ln in el.findall(ATOM + "link"):
        if ln.get("rel", "alternate") == rel:
            return ln.get("href")
    return None


class FeedTest(ServerTest):
    DEMO = True
    DEMO_TEMPLATE = True
    ENV = ENV

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.admin = s.token_for("admin", "bmi")

        def post(path, body, token=None):
            r = s.post(API + path, body, token=token or cls.admin)
            assert r.status == 201, (path, r)
            return r.json

        post("/organisations", {"slug": "fd-owner", "kind": "provider",
                                "name": OWNER_NAME})
        post("/organisations", {"slug": "fd-adopter", "kind": "municipal",
                                "name": "Gemeinde Feedhausen"})
        cls.owner = s.token_for("owner", "fd-owner")
        post("/solutions", {"slug": "fd-active", "name": "Feedverfahren",
                            "owner": "fd-owner", "maturity": "production"},
             cls.owner)
        post("/solutions/fd-active/cycles", {
            "name": "3.x", "release_date": "2020-01-01",
            "support_until": "2098-12-31", "eol": "2099-12-31"}, cls.owner)
        post("/solutions", {"slug": "fd-eol", "name": "Altverfahren",
                            "owner": "fd-owner", "maturity": "retired"},
             cls.owner)
        post("/solutions/fd-eol/cycles", {
            "name": "1.x", "release_date": "2019-01-01",
            "support_until": "2023-01-01", "eol": "2024-01-01"}, cls.owner)
        # Falls due today: its end of life, and a release a day late.
        post("/solutions/fd-eol/cycles", {"name": "9.x", "eol": utc_day()},
             cls.owner)
        post("/solutions/fd-eol/releases", {
            "version": "1.9.0", "cycle": "1.x", "status": "planned",
            "planned_date": utc_day(-1)}, cls.owner)
        # A roll-in step overdue as well: its event must stay private.
        rollin = post("/rollins", {"solution": "fd-eol",
                                   "adopter": "fd-adopter",
                                   "onboarding_team": "fd-owner"})["id"]
        post("/rollins/%d/steps" % rollin, {
            "position": 1, "step": "Geheimer Schritt", "role": "adopter",
            "planned_date": utc_day(-1)})

    # -- helpers -----------------------------------------------------------

    def feed(self, path, status=200):
        r = self.server.get(path)
        self.assertEqual(r.status, status, r)
        self.assertEqual(r.header("Content-Type"),
                         "application/atom+xml; charset=utf-8")
        root = ET.fromstring(r.raw.encode("utf-8"))
        self.assertEqual(root.tag, ATOM + "feed")
        self.assertValidAtom(root)
        return root

    def assertValidAtom(self, feed):
        """RFC 4287 4.1.1 and 4.1.2: what a feed and its entries need."""
        for name in ("id", "title", "updated"):
            self.assertEqual(len(feed.findall(ATOM + name)), 1, name)
        parse_time(feed.findtext(ATOM + "updated"))
        self.assertTrue(link(feed, "self").startswith("http://127.0.0.1:"))
        entries = feed.findall(ATOM + "entry")
        ids = [e.findtext(ATOM + "id") for e in entries]
        self.assertEqual(len(ids), len(set(ids)), ids)
        times = []
        for e in entries:
            for name in ("id", "title", "updated"):
                self.assertEqual(len(e.findall(ATOM + name)), 1, name)
                self.assertTrue(e.findtext(ATOM + name))
            self.assertTrue(e.findtext(ATOM + "id").startswith("tag:"))
            self.assertTrue(e.findtext(ATOM + "author/" + ATOM + "name"))
            self.assertIn("/solution.html?slug=", link(e, "alternate"))
            times.append(parse_time(e.findtext(ATOM + "updated")))
        self.assertEqual(times, sorted(times, reverse=True))
        if times:
            self.assertEqual(parse_time(feed.findtext(ATOM + "updated")),
                             times[0])
        return entries

    def entries(self, feed):
        return feed.findall(ATOM + "entry")

    def entry_titled(self, feed, text):
        found = [e for e in self.entries(feed)
                 if text in e.findtext(ATOM + "title")]
        self.assertEqual(len(found), 1, [e.findtext(ATOM + "title")
                                         for e in self.entries(feed)])
        return found[0]

    def wait_for_event_entries(self, path, terms, timeout=20):
        """The feed once the timer has put entries of these categories."""
        deadline = time.time() + timeout
        while True:
            root = self.feed(path)
            seen = {c.get("term") for c in root.iter(ATOM + "category")}
            if terms <= seen or time.time() > deadline:
                self.assertLessEqual(terms, seen)
                return root
            time.sleep(0.3)

    # -- feeds -------------------------------------------------------------

    def test_catalogue_feed_is_bounded_and_newest_first(self):
        root = self.feed(API + "/feed.atom")
        self.assertEqual(len(self.entries(root)), 50)
        self.assertTrue(link(root, "self").endswith("/api/v1/feed.atom"))
        self.assertEqual(len(self.entries(self.feed(API +
                                                    "/feed.atom?limit=3"))),
                         3)
        big = self.feed(API + "/feed.atom?limit=200")
        self.assertGreater(len(self.entries(big)), 50)
        for bad in ("0", "201", "abc", "5x", ""):
            with self.subTest(limit=bad):
                self.assertError(self.server.get(API + "/feed.atom?limit=" +
                                                 bad), 400, field="limit")

    def test_publishing_a_planned_release(self):
        s = self.server
        path = API + "/solutions/fd-active/feed.atom"
        before = {e.findtext(ATOM + "id")
                  for e in self.entries(self.feed(path))}
        r = s.post(API + "/solutions/fd-active/releases", {
            "version": "3.4.0", "cycle": "3.x", "status": "planned",
            "planned_date": "2099-03-01", "notes": SCRIPT_NOTES},
            token=self.owner)
        self.assertEqual(r.status, 201, r)
        release = r.json
        root = self.feed(path)
        planned = self.entry_titled(root, "3.4.0")
        eid = planned.findtext(ATOM + "id")
        self.assertNotIn(eid, before)
        self.assertIn("geplant", planned.findtext(ATOM + "title"))
        self.assertEqual(link(planned, "alternate"),
                         "http://127.0.0.1:%d/solution.html?slug=fd-active"
                         % s.port)
        self.assertEqual(planned.findtext(ATOM + "author/" + ATOM + "name"),
                         OWNER_NAME)
        self.assertEqual(self.entries(root)[0].findtext(ATOM + "id"), eid)
        self.assertEqual(root.findtext(ATOM + "title"),
                         "Feedverfahren: Releases und Lebenszyklus")
        # The notes as the API renders them, as escaped HTML: no markup of
        # the notes is an element of the feed.
        content = planned.find(ATOM + "content")
        self.assertEqual(content.get("type"), "html")
        self.assertEqual(content.text, release["notes_html"])
        self.assertIn("<strong>Neu:</strong>", content.text)
        self.assertNotIn("<script", content.text)
        self.assertNotIn("onclick", content.text)
        tags = {el.tag.split("}")[-1] for el in root.iter()}
        self.assertFalse(tags & {"script", "b", "strong", "p"}, tags)
        # The catalogue's feed has it too, first.
        everything = self.feed(API + "/feed.atom")
        self.assertEqual(self.entries(everything)[0].findtext(ATOM + "id"),
                         eid)

        # Released a second later: the same entry, updated moved.
        time.sleep(1.1)
        rel = API + "/solutions/fd-active/releases/%d" % release["id"]
        r = s.patch(rel, {"status": "released", "date": utc_day()},
                    etag=s.get(rel).header("ETag"), token=self.owner)
        self.assertEqual(r.status, 200, r)
        released = self.entry_titled(self.feed(path), "3.4.0")
        self.assertEqual(released.findtext(ATOM + "id"), eid)
        self.assertIn("veröffentlicht", released.findtext(ATOM + "title"))
        self.assertGreater(parse_time(released.findtext(ATOM + "updated")),
                           parse_time(planned.findtext(ATOM + "updated")))

    def test_lifecycle_events_but_no_rollin_events(self):
        path = API + "/solutions/fd-eol/feed.atom"
        root = self.wait_for_event_entries(
            path, {"cycle.eol_reached", "release.overdue"})
        eol = self.entry_titled(root, "9.x")
        self.assertIn("Lebensende", eol.findtext(ATOM + "title"))
        self.assertIn(utc_day(), eol.findtext(ATOM + "summary"))
        overdue = [e for e in self.entries(root)
                   if e.find(ATOM + "category").get("term") ==
                   "release.overdue"]
        self.assertEqual(len(overdue), 1)
        self.assertIn("1.9.0", overdue[0].findtext(ATOM + "title"))
        # The step fell due as well (the event log has it), yet no feed
        # shows roll-in events.
        types = {e["type"] for e in self.server.events(self.admin)}
        self.assertIn("rollin.step_overdue", types)
        everything = self.feed(API + "/feed.atom?limit=200")
        for root in (self.feed(path), everything):
            terms = {c.get("term") for c in root.iter(ATOM + "category")}
            self.assertFalse({t for t in terms if t.startswith("rollin")})
            self.assertNotIn("Geheimer Schritt",
                             ET.tostring(root, encoding="unicode"))

    def test_longest_names_arrive_whole(self):
        name, version = "Ü" * 200, "ß" * 64
        r = self.server.post(API + "/solutions", {
            "slug": "fd-long", "name": name, "owner": "fd-owner",
            "maturity": "pilot"}, token=self.owner)
        self.assertEqual(r.status, 201, r)
        r = self.server.post(API + "/solutions/fd-long/releases", {
            "version": version, "status": "released",
            "date": "2026-01-05"}, token=self.owner)
        self.assertEqual(r.status, 201, r)
        root = self.feed(API + "/solutions/fd-long/feed.atom")
        self.assertEqual(self.entries(root)[0].findtext(ATOM + "title"),
                         "%s %s veröffentlicht" % (name, version))
        text = self.badge("fd-long", "maturity")[0]
        self.assertEqual(text, "Reifegrad | Pilot")

    def test_etag_and_not_modified(self):
        path = API + "/solutions/fd-active/feed.atom"
        r = self.server.get(path)
        etag = r.header("ETag")
        self.assertTrue(etag and etag.startswith('"'), r.headers)
        again = self.server.get(path, headers={"If-None-Match": etag})
        self.assertEqual(again.status, 304)
        self.assertEqual(again.raw, "")
        other = self.server.get(path, headers={"If-None-Match": '"x"'})
        self.assertEqual(other.status, 200)

    def test_english_and_bad_parameters(self):
        root = self.feed(API + "/solutions/fd-active/feed.atom?lang=en")
        self.assertEqual(root.get("{http://www.w3.org/XML/1998/namespace}"
                                  "lang"), "en")
        self.assertEqual(root.findtext(ATOM + "title"),
                         "Feedverfahren: releases and lifecycle")
        self.assertTrue(link(root, "self").endswith("feed.atom?lang=en"))
        self.assertError(self.server.get(API + "/feed.atom?lang=fr"), 400,
                         field="lang")
        self.assertError(self.server.get(API +
                                         "/solutions/nope/feed.atom"), 404)

    # -- badges ------------------------------------------------------------

    def badge(self, slug, kind, query=""):
        r = self.server.get(API + "/solutions/%s/badges/%s.svg%s"
                            % (slug, kind, query))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header("Content-Type"),
                         "image/svg+xml; charset=utf-8")
        self.assertEqual(r.header("Cache-Control"), "max-age=300")
        root = ET.fromstring(r.raw.encode("utf-8"))
        self.assertEqual(root.tag, SVG + "svg")
        self.assertEqual(root.get("role"), "img")
        title = root.findtext(SVG + "title")
        self.assertEqual(root.get("aria-label"), title)
        texts = [t.text for t in root.iter(SVG + "text")
                 if t.get("aria-hidden") != "true"]
        self.assertEqual(title, ": ".join(texts))
        fills = [rc.get("fill") for rc in root.iter(SVG + "rect")]
        # Wide enough for its texts: label and message side by side.
        self.assertGreaterEqual(int(root.get("width")),
                                6 * len("".join(texts)))
        return " | ".join(texts), fills[2]

    def test_maturity_badge(self):
        self.assertEqual(self.badge("fd-active", "maturity")[0],
                         "Reifegrad | Im Betrieb")
        self.assertEqual(self.badge("fd-active", "maturity", "?lang=en")[0],
                         "maturity | In production")
        text, colour = self.badge("fd-eol", "maturity")
        self.assertEqual(text, "Reifegrad | Eingestellt")
        self.assertNotEqual(colour, self.badge("fd-active", "maturity")[1])

    def test_maintenance_badge_follows_the_current_cycle(self):
        active, green = self.badge("fd-active", "maintenance")
        self.assertEqual(active, "Wartung | 3.x aktiv, EOL 2099-12-31")
        eol, red = self.badge("fd-eol", "maintenance")
        self.assertEqual(eol, "Wartung | 1.x Lebensende seit 2024-01-01")
        self.assertNotEqual(green, red)
        self.assertEqual(self.badge("fd-eol", "maintenance", "?lang=en")[0],
                         "maintenance | 1.x end of life since 2024-01-01")
        statuses = {c["name"]: c["support_status"] for c in
                    self.server.all_items(API + "/solutions/fd-eol/cycles")}
        self.assertEqual(statuses["1.x"], "eol")

    def test_reuse_badge_counts_live_adoptions(self):
        for slug in ("bauantrag-online", "abfallkalender-app"):
            with self.subTest(slug=slug):
                items = self.server.all_items(
                    API + "/solutions/%s/adoptions" % slug)
                live = sum(a["status"] == "live" for a in items)
                text = self.badge(slug, "reuse")[0]
                self.assertTrue(text.startswith("Nachnutzung | %d im Einsatz"
                                                % live), text)
        self.assertEqual(self.badge("fd-active", "reuse")[0],
                         "Nachnutzung | 0 im Einsatz")
        r = self.server.post(API + "/solutions/fd-active/adoptions", {
            "organisation": "fd-adopter", "status": "live"},
            token=self.admin)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(self.badge("fd-active", "reuse", "?lang=en")[0],
                         "reuse | 1 in use")

    def test_unknown_badges(self):
        r = self.server.get(API + "/solutions/fd-active/badges/stars.svg")
        self.assertError(r, 404, field="kind")
        self.assertEqual(r.header("Content-Type"),
                         "application/json; charset=utf-8")
        self.assertError(self.server.get(API +
                                         "/solutions/fd-active/badges/"
                                         "maturity.png"), 404, field="kind")
        self.assertError(self.server.get(API + "/solutions/nope/badges/"
                                         "maturity.svg"), 404)
        self.assertError(self.server.get(API + "/solutions/fd-active/badges/"
                                         "maturity.svg?lang=xx"), 400,
                         field="lang")


class PublicUrlTest(unittest.TestCase):
    """With public_url set, links and ids no longer follow the Host."""

    def test_links_and_ids_from_public_url(self):
        with Server(env={"ROLLIN_PUBLIC_URL":
                         "https://rollin.example.org/katalog/"}) as s:
            s.cli("org", "add", "pu-org", "--name", "Amt", "--kind",
                  "municipal")
            admin = s.token("admin", "pu-org")
            for path, body in (
                    ("/solutions", {"slug": "pu-sol", "name": "Verfahren",
                                    "owner": "pu-org", "maturity": "pilot"}),
                    ("/solutions/pu-sol/releases", {
                        "version": "1.0", "status": "released",
                        "date": "2026-01-05"})):
                r = s.post(API + path, body, token=admin)
                self.assertEqual(r.status, 201, r)
            r = s.get(API + "/feed.atom", headers={"Host": "evil.example"})
            self.assertEqual(r.status, 200, r)
            root = ET.fromstring(r.raw.encode("utf-8"))
            self.assertEqual(root.findtext(ATOM + "id"),
                             "tag:rollin.example.org,2026:feed")
            self.assertEqual(link(root, "self"),
                             "https://rollin.example.org/katalog/api/v1/"
                             "feed.atom")
            entry = root.find(ATOM + "entry")
            self.assertTrue(entry.findtext(ATOM + "id").startswith(
                "tag:rollin.example.org,2026:release/"))
            self.assertEqual(link(entry, "alternate"),
                             "https://rollin.example.org/katalog/"
                             "solution.html?slug=pu-sol")

    def test_a_bad_public_url_stops_the_service(self):
        p = run_rollin("serve", "--listen", "127.0.0.1:0",
                       env={"ROLLIN_PUBLIC_URL": "ftp://x.example"})
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("public_url", p.stderr)


if __name__ == "__main__":
    unittest.main()
