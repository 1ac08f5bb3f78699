"""The iCalendar feeds as a calendar client sees them, parsed with the
icalendar library:

- a solution's feed: the planned release on its day, released releases,
  the cycle's release, end of active support, end of life and end of
  extended support as all-day events with a link to the solution page;
  reminders 30 days before support ends and ends of life, ?remind=N days
  or none; German texts unless ?lang=en;
- a moved end of life moves its event, keeps its UID and raises its
  SEQUENCE, so that a subscribed calendar updates instead of duplicating;
  an unchanged feed answers 304 to its ETag;
- an organisation's feed: the lifecycle dates of the solutions it adopted
  and, for a signed-in client, the due dates and target go-live of its
  roll-ins, nothing of solutions it does not use;
- the combined feed: filtered by solution or owner, and over the demo data
  exactly one event per date the catalogue holds;
- unknown slugs answer 404, bad parameters 400 naming the parameter."""

import datetime
import sys
import unittest

try:
    import icalendar
except ImportError:
    # Debian's python3-icalendar (scripts/dev test installs it) lives in
    # the system's dist-packages, which another python3 may not search.
    sys.path.append("/usr/lib/python3/dist-packages")
    try:
        import icalendar
    except ImportError as e:
        raise ImportError("test_calendar needs icalendar: apt-get install "
                          "python3-icalendar (scripts/dev test does)") from e

from harness import ServerTest
from test_rollin_story import bootstrap_admin, create_orgs

API = "/api/v1"
TODAY = "2026-06-01"
HOST = "127.0.0.1"


def day(iso):
    return datetime.date.fromisoformat(iso)


def events(cal):
    """The VEVENTs of a parsed calendar by UID (each UID once)."""
    out = {}
    for ev in cal.walk("VEVENT"):
        uid = str(ev["UID"])
        assert uid not in out, "UID %s twice" % uid
        out[uid] = ev
    return out


def alarms(ev):
    return [c for c in ev.subcomponents if c.name == "VALARM"]


def start(ev):
    return ev.decoded("DTSTART")


class CalendarTest(ServerTest):
    ENV = {"ROLLIN_NOW": TODAY}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        admin = bootstrap_admin(s)
        create_orgs(s, admin, ("cal-anbieter", "provider"),
                    ("cal-stadt", "municipal"), ("cal-team", "association"))
        cls.owner = s.token("owner", "cal-anbieter", label="cal-owner")
        cls.team = s.token("onboarding", "cal-team", label="cal-team")
        cls.adopter = s.token("adopter", "cal-stadt", label="cal-stadt")
        for slug, name in (("cal-akte", "E-Akte Kommunal"),
                           ("cal-portal", "Bürgerportal")):
            r = s.post(API + "/solutions", {
                "slug": slug, "name": name, "owner": "cal-anbieter",
                "maturity": "production", "transfer_concept": [
                    {"step": "Kick-off", "role": "onboarding"},
                    {"step": "Mandant einrichten", "role": "provider"}]},
                token=cls.owner)
            assert r.status == 201, r
        r = s.post(API + "/solutions/cal-akte/cycles", {
            "name": "6.x", "release_date": "2026-01-15",
            "support_until": "2026-09-30", "eol": "2027-03-31",
            "extended_support": "2027-12-31"}, token=cls.owner)
        assert r.status == 201, r
        cls.cycle = r.json
        for body in ({"version": "6.0.0", "cycle": "6.x",
                      "status": "released", "date": "2026-01-15"},
                     {"version": "6.1.0", "cycle": "6.x",
                      "status": "planned", "planned_date": "2026-08-03"}):
            r = s.post(API + "/solutions/cal-akte/releases", body,
                       token=cls.owner)
            assert r.status == 201, r
        r = s.post(API + "/solutions/cal-portal/cycles", {
            "name": "2.x", "release_date": "2025-05-01",
            "eol": "2027-05-31"}, token=cls.owner)
        assert r.status == 201, r
        # The city stopped using the portal and rolls in the e-file.
        r = s.post(API + "/solutions/cal-portal/adoptions", {
            "organisation": "cal-stadt", "status": "stopped"},
            token=cls.adopter)
        assert r.status == 201, r
        r = s.post(API + "/rollins", {
            "solution": "cal-akte", "adopter": "cal-stadt",
            "onboarding_team": "cal-team", "started_on": "2026-05-04",
            "target_golive": "2026-11-02"}, token=cls.team)
        assert r.status == 201, r
        cls.rollin = r.json["id"]
        steps = s.get(API + "/rollins/%d/steps" % cls.rollin,
                      token=cls.team).json["items"]
        r = s.patch(API + "/rollins/%d/steps/%d" % (cls.rollin,
                                                    steps[0]["id"]),
                    {"planned_date": "2026-06-15"}, etag='"%d"'
                    % steps[0]["rev"], token=cls.team)
        assert r.status == 200, r
        cls.step = r.json

    def feed(self, path, token=None, headers=None):
        """(response, parsed calendar) of a feed that must answer 200."""
        r = self.server.get(path, token=token, headers=headers)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header("Content-Type"),
                         "text/calendar; charset=utf-8")
        cal = icalendar.Calendar.from_ical(r.raw)
        self.assertEqual(str(cal["VERSION"]), "2.0")
        return r, cal

    def uid(self, kind, record="cycle", rid=None):
        return "%s-%d-%s@%s" % (record, rid or self.cycle["id"], kind, HOST)

    def test_solution_feed_shows_each_lifecycle_date_on_its_day(self):
        _, cal = self.feed(API + "/solutions/cal-akte/calendar.ics")
        self.assertEqual(str(cal["X-WR-CALNAME"]), "Rollin: E-Akte Kommunal")
        evs = events(cal)
        by_summary = {str(e["SUMMARY"]): e for e in evs.values()}
        self.assertEqual(sorted(by_summary), sorted([
            "E-Akte Kommunal 6.0.0: Release",
            "E-Akte Kommunal 6.1.0: geplantes Release",
            "E-Akte Kommunal 6.x: Beginn des Wartungszyklus",
            "E-Akte Kommunal 6.x: Ende des aktiven Supports",
            "E-Akte Kommunal 6.x: Wartungsende",
            "E-Akte Kommunal 6.x: Ende des erweiterten Supports"]))
        planned = by_summary["E-Akte Kommunal 6.1.0: geplantes Release"]
        # All-day: a date, not a time, lasting exactly that day.
        self.assertEqual(start(planned), day("2026-08-03"))
        self.assertIsInstance(start(planned), datetime.date)
        self.assertNotIsInstance(start(planned), datetime.datetime)
        self.assertEqual(planned.decoded("DTEND"), day("2026-08-04"))
        self.assertEqual(str(planned["URL"]),
                         "http://%s:%d/solution.html?slug=cal-akte"
                         % (HOST, self.server.port))
        self.assertIn("Release-Plan", str(planned["DESCRIPTION"]))
        self.assertIn(str(planned["URL"]), str(planned["DESCRIPTION"]))
        self.assertEqual(alarms(planned), [])
        eol = evs[self.uid("eol")]
        self.assertEqual(start(eol), day("2027-03-31"))
        self.assertEqual(str(eol["SUMMARY"]),
                         "E-Akte Kommunal 6.x: Wartungsende")
        self.assertIn("Sicherheitskorrekturen", str(eol["DESCRIPTION"]))
        self.assertEqual(eol["CATEGORIES"].to_ical().decode(),
                         "Wartungsende")
        self.assertEqual(int(eol["SEQUENCE"]), self.cycle["rev"])
        self.assertEqual(start(evs[self.uid("support-end")]),
                         day("2026-09-30"))
        self.assertEqual(start(evs[self.uid("extended-support-end")]),
                         day("2027-12-31"))
        self.assertEqual(start(evs[self.uid("cycle-release")]),
                         day("2026-01-15"))
        # The other solution's dates are not in this feed.
        self.assertFalse(any("Bürgerportal" in s for s in by_summary))

    def test_support_ends_and_eol_remind_30_days_before(self):
        _, cal = self.feed(API + "/solutions/cal-akte/calendar.ics")
        evs = events(cal)
        for kind in ("support-end", "eol", "extended-support-end"):
            (alarm,) = alarms(evs[self.uid(kind)])
            self.assertEqual(str(alarm["ACTION"]), "DISPLAY")
            self.assertEqual(alarm.decoded("TRIGGER"),
                             -datetime.timedelta(days=30))
            self.assertEqual(str(alarm["DESCRIPTION"]),
                             str(evs[self.uid(kind)]["SUMMARY"]))

    def test_remind_days_are_the_subscribers_choice(self):
        _, cal = self.feed(API + "/solutions/cal-akte/calendar.ics?remind=7")
        (alarm,) = alarms(events(cal)[self.uid("eol")])
        self.assertEqual(alarm.decoded("TRIGGER"), -datetime.timedelta(days=7))
        _, cal = self.feed(API + "/solutions/cal-akte/calendar.ics?remind=0")
        self.assertEqual(len(events(cal)), 6)
        self.assertEqual([a for e in events(cal).values() for a in alarms(e)],
                         [])

    def test_english_on_request(self):
        _, cal = self.feed(API + "/solutions/cal-akte/calendar.ics?lang=en")
        evs = events(cal)
        self.assertEqual(str(evs[self.uid("eol")]["SUMMARY"]),
                         "E-Akte Kommunal 6.x: end of life")
        self.assertEqual(str(evs[self.uid("support-end")]["SUMMARY"]),
                         "E-Akte Kommunal 6.x: end of active support")
        self.assertIn("security fixes",
                      str(evs[self.uid("eol")]["DESCRIPTION"]))
        (alarm,) = alarms(evs[self.uid("eol")])
        self.assertEqual(str(alarm["DESCRIPTION"]),
                         "E-Akte Kommunal 6.x: end of life")

    def test_moved_eol_updates_the_same_event(self):
        s = self.server
        r, cal = self.feed(API + "/solutions/cal-portal/calendar.ics")
        etag = r.header("ETag")
        self.assertTrue(etag)
        self.assertIn("no-cache", r.header("Cache-Control"))
        unchanged = s.get(API + "/solutions/cal-portal/calendar.ics",
                          headers={"If-None-Match": etag})
        self.assertEqual(unchanged.status, 304, unchanged)
        self.assertEqual(unchanged.raw, "")
        (cycle,) = s.get(API + "/solutions/cal-portal/cycles").json["items"]
        uid = self.uid("eol", rid=cycle["id"])
        before = events(cal)[uid]
        self.assertEqual(start(before), day("2027-05-31"))

        r = s.patch(API + "/solutions/cal-portal/cycles/%d" % cycle["id"],
                    {"eol": "2027-09-30"}, etag='"%d"' % cycle["rev"],
                    token=self.owner)
        self.assertEqual(r.status, 200, r)
        r, cal = self.feed(API + "/solutions/cal-portal/calendar.ics",
                           headers={"If-None-Match": etag})
        self.assertNotEqual(r.header("ETag"), etag)
        evs = events(cal)
        after = evs[uid]
        self.assertEqual(start(after), day("2027-09-30"))
        self.assertEqual(after.decoded("DTEND"), day("2027-10-01"))
        self.assertGreater(int(after["SEQUENCE"]), int(before["SEQUENCE"]))
        eols = [e for e in evs.values() if "Wartungsende" in str(e["SUMMARY"])]
        self.assertEqual(len(eols), 1)

    def test_unknown_slugs_are_404(self):
        s = self.server
        for path in ("/solutions/gibt-es-nicht/calendar.ics",
                     "/organisations/gibt-es-nicht/calendar.ics"):
            self.assertError(s.get(API + path), 404, code="not_found")
        self.assertError(s.get(API + "/calendar.ics?solution=gibt-es-nicht"),
                         404, field="solution")
        self.assertError(s.get(API + "/calendar.ics?owner=gibt-es-nicht"),
                         404, field="owner")

    def test_bad_parameters_are_400_naming_them(self):
        s = self.server
        for value in ("abc", "-1", "366", "", "7d"):
            self.assertError(
                s.get(API + "/solutions/cal-akte/calendar.ics?remind="
                      + value), 400, field="remind")
        self.assertError(s.get(API + "/calendar.ics?remind=x"), 400,
                         field="remind")
        self.assertError(
            s.get(API + "/organisations/cal-stadt/calendar.ics?lang=fr"),
            400, field="lang")
        # Calendar clients cannot be signed in with a query parameter.
        self.assertError(
            s.get(API + "/organisations/cal-stadt/calendar.ics?token=x"),
            400, field="token")

    def test_organisation_feed_holds_its_solutions_and_rollins(self):
        r, cal = self.feed(API + "/organisations/cal-stadt/calendar.ics",
                           token=self.adopter)
        self.assertIn("private", r.header("Cache-Control"))
        evs = events(cal)
        summaries = [str(e["SUMMARY"]) for e in evs.values()]
        self.assertEqual(start(evs[self.uid("eol")]), day("2027-03-31"))
        self.assertEqual(len(alarms(evs[self.uid("eol")])), 1)
        step = evs["rollin-step-%d-step-due@%s" % (self.step["id"], HOST)]
        self.assertEqual(start(step), day("2026-06-15"))
        self.assertEqual(str(step["SUMMARY"]),
                         "Roll-in E-Akte Kommunal bei Cal Stadt: Kick-off")
        golive = evs["rollin-%d-golive-target@%s" % (self.rollin, HOST)]
        self.assertEqual(start(golive), day("2026-11-02"))
        # Nothing of the portal, which the city no longer uses.
        self.assertFalse(any("Bürgerportal" in x for x in summaries),
                         summaries)
        # The onboarding team sees the same roll-in in its feed, and has
        # adopted nothing itself.
        _, cal = self.feed(API + "/organisations/cal-team/calendar.ics",
                           token=self.team)
        self.assertEqual(sorted(events(cal)), sorted([
            "rollin-step-%d-step-due@%s" % (self.step["id"], HOST),
            "rollin-%d-golive-target@%s" % (self.rollin, HOST)]))

    def test_rollin_milestones_need_sign_in(self):
        r, cal = self.feed(API + "/organisations/cal-stadt/calendar.ics")
        self.assertNotIn("private", r.header("Cache-Control"))
        uids = sorted(events(cal))
        self.assertIn(self.uid("eol"), uids)
        self.assertFalse([u for u in uids if u.startswith("rollin")], uids)

    def test_combined_feed_filters(self):
        _, cal = self.feed(API + "/calendar.ics")
        names = {str(e["SUMMARY"]).split(" ")[0] for e in cal.walk("VEVENT")}
        self.assertEqual(names, {"E-Akte", "Bürgerportal"})
        _, cal = self.feed(API + "/calendar.ics?solution=cal-portal")
        self.assertTrue(cal.walk("VEVENT"))
        for e in cal.walk("VEVENT"):
            self.assertTrue(str(e["SUMMARY"]).startswith("Bürgerportal "))
        _, cal = self.feed(API + "/calendar.ics?solution=cal-portal"
                           "&solution=cal-akte&lang=en")
        self.assertEqual(len(cal.walk("VEVENT")), 8)
        self.assertEqual(str(cal["X-WR-CALNAME"]),
                         "Rollin: solution catalogue")
        _, cal = self.feed(API + "/calendar.ics?owner=cal-stadt")
        self.assertEqual(cal.walk("VEVENT"), [])
        _, cal = self.feed(API + "/calendar.ics?owner=cal-anbieter")
        self.assertEqual(len(cal.walk("VEVENT")), 8)


class CalendarSyntaxTest(ServerTest):
    """Names are text, also when they read like iCalendar."""

    def test_a_name_that_reads_like_calendar_syntax_stays_a_name(self):
        s = self.server
        admin = bootstrap_admin(s)
        create_orgs(s, admin, ("cal-anbieter", "provider"))
        self.owner = s.token("owner", "cal-anbieter", label="cal-owner")
        name = "Ende END:VCALENDAR\nBEGIN:VEVENT; Termin"
        r = s.post(API + "/solutions", {
            "slug": "cal-syntax", "name": name, "owner": "cal-anbieter",
            "maturity": "pilot"}, token=self.owner)
        self.assertIn(r.status, (201, 422), r)
        if r.status == 422:  # a name is one line: try it without the break
            name = "Ende END:VCALENDAR BEGIN:VEVENT; Termin"
            r = s.post(API + "/solutions", {
                "slug": "cal-syntax", "name": name, "owner": "cal-anbieter",
                "maturity": "pilot"}, token=self.owner)
            self.assertEqual(r.status, 201, r)
        r = s.post(API + "/solutions/cal-syntax/cycles", {
            "name": "1.x", "release_date": "2026-02-01",
            "eol": "2027-02-28"}, token=self.owner)
        self.assertEqual(r.status, 201, r)
        r = s.get(API + "/solutions/cal-syntax/calendar.ics")
        self.assertEqual(r.status, 200, r)
        cal = icalendar.Calendar.from_ical(r.raw)
        self.assertEqual(str(cal["X-WR-CALNAME"]), "Rollin: " + name)
        evs = cal.walk("VEVENT")
        self.assertEqual(len(evs), 2)
        for e in evs:
            self.assertTrue(str(e["SUMMARY"]).startswith(name + " 1.x"),
                            e["SUMMARY"])
        # One calendar, its events inside it, whatever the name says.
        raw = s.get(API + "/solutions/cal-syntax/calendar.ics").raw
        self.assertEqual(raw.count("\r\nEND:VCALENDAR\r\n"), 1)
        self.assertTrue(raw.endswith("\r\nEND:VCALENDAR\r\n"))
        self.assertEqual(raw.count("\r\nBEGIN:VEVENT\r\n"), 2)


class DemoCalendarTest(ServerTest):
    """The combined feed over the demo catalogue: one event per date."""
    DEMO = True
    DEMO_TEMPLATE = True

    def test_one_event_per_date_of_the_catalogue(self):
        s = self.server
        r = s.get(API + "/calendar.ics")
        self.assertEqual(r.status, 200, r)
        cal = icalendar.Calendar.from_ical(r.raw)
        got = {uid: start(ev) for uid, ev in events(cal).items()}

        want = {}
        cycle_dates = (("release_date", "cycle-release"),
                       ("support_until", "support-end"), ("eol", "eol"),
                       ("extended_support", "extended-support-end"))
        for sol in s.all_items(API + "/solutions?limit=100"):
            base = API + "/solutions/%s" % sol["slug"]
            for c in s.all_items(base + "/cycles?limit=100"):
                for field, kind in cycle_dates:
                    if c.get(field):
                        want["cycle-%d-%s@%s" % (c["id"], kind, HOST)] = \
                            day(c[field])
            for rel in s.all_items(base + "/releases?limit=100"):
                if rel["status"] == "planned" and rel.get("planned_date"):
                    want["release-%d-release-planned@%s" % (rel["id"], HOST)] \
                        = day(rel["planned_date"])
                elif rel["status"] == "released" and rel.get("date"):
                    want["release-%d-release@%s" % (rel["id"], HOST)] = \
                        day(rel["date"])
        self.assertGreater(len(want), 100)
        self.assertEqual(got, want)
        # German names survive the line folding intact.
        self.assertTrue(any("ü" in str(e["SUMMARY"]) or "ä" in
                            str(e["SUMMARY"]) for e in cal.walk("VEVENT")))


if __name__ == "__main__":
    unittest.main()
