"""The rules around roll-ins and adopters' reports: which status changes are
allowed, who may write what, who may read what, and how every kind of bad
input is refused without leaving anything behind."""

import unittest

from harness import ServerTest
from test_rollin_story import bootstrap_admin, create_orgs

API = "/api/v1"
TODAY = "2026-12-01"

STATES = ["planned", "preparing", "integrating", "pilot", "live", "on-hold",
          "aborted"]

# The transitions a roll-in may take (core/domain/rollin.c): forward one
# phase at a time, a pilot may fall back to integration, anything running
# may be held or aborted, a held one resumes in any running phase, and
# live and aborted are final.
ALLOWED = {
    "planned": ["preparing", "on-hold", "aborted"],
    "preparing": ["integrating", "on-hold", "aborted"],
    "integrating": ["pilot", "live", "on-hold", "aborted"],
    "pilot": ["live", "integrating", "on-hold", "aborted"],
    "on-hold": ["planned", "preparing", "integrating", "pilot", "aborted"],
    "live": [],
    "aborted": [],
}

# How to reach each state from planned.
PATH_TO = {
    "planned": [],
    "preparing": ["preparing"],
    "integrating": ["preparing", "integrating"],
    "pilot": ["preparing", "integrating", "pilot"],
    "live": ["preparing", "integrating", "live"],
    "on-hold": ["on-hold"],
    "aborted": ["aborted"],
}


class RollinWorld(ServerTest):
    """Organisations, a solution with a transfer concept and tokens."""

    ENV = {"ROLLIN_NOW": TODAY}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.admin = bootstrap_admin(s)
        orgs = [("rr-owner", "provider"), ("rr-owner2", "provider"),
                ("rr-team", "association"), ("rr-team2", "association"),
                ("rr-amt", "municipal"), ("rr-amt2", "municipal"),
                ("rr-abort", "municipal"), ("rr-hold", "municipal")]
        create_orgs(s, cls.admin, *orgs)
        cls.owner = s.token("owner", "rr-owner", label="rr-owner")
        cls.owner2 = s.token("owner", "rr-owner2", label="rr-owner2")
        cls.team = s.token("onboarding", "rr-team", label="rr-team")
        cls.team2 = s.token("onboarding", "rr-team2", label="rr-team2")
        cls.adopter = s.token("adopter", "rr-amt", label="rr-amt")
        cls.adopter2 = s.token("adopter", "rr-amt2", label="rr-amt2")
        for slug, org, owner in (("rr-sol", "rr-owner", cls.owner),
                                 ("rr-other", "rr-owner2", cls.owner2)):
            r = s.post(API + "/solutions", {
                "slug": slug, "name": slug, "owner": org,
                "maturity": "production",
                "transfer_concept": [
                    {"step": "Kick-off", "role": "onboarding",
                     "effort_days": 1},
                    {"step": "Betrieb", "role": "provider",
                     "effort_days": 2.5}]}, token=owner)
            assert r.status == 201, r
            r = s.post(API + "/solutions/%s/releases" % slug, {
                "version": "1.0", "status": "released",
                "date": "2026-05-01"}, token=owner)
            assert r.status == 201, r

    # -- helpers -----------------------------------------------------------

    def new_rollin(self, to="planned", adopter="rr-amt", solution="rr-sol"):
        """A roll-in of the team, moved to state `to`; its JSON."""
        s = self.server
        r = s.post(API + "/rollins", {"solution": solution,
                                      "adopter": adopter,
                                      "onboarding_team": "rr-team"},
                   token=self.team)
        self.assertEqual(r.status, 201, r)
        for step in PATH_TO[to]:
            r = s.patch(API + "/rollins/%d" % r.json["id"],
                        {"status": step}, etag=r.header("ETag"),
                        token=self.team)
            self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["status"], to)
        return r.json

    def adoption_of(self, org, solution="rr-sol"):
        items = self.server.get(API + "/solutions/%s/adoptions"
                                "?organisation=%s" % (solution, org)).json
        self.assertEqual(len(items["items"]), 1, items)
        return items["items"][0]

    def count(self, path, token=None):
        return len(self.server.all_items(API + path,
                                         token=token or self.admin))

    def assertRefused(self, method, path, body, status, field,
                      list_path=None, token=None, code=None, etag=None):
        """The write is refused with a JSON error naming field, and neither
        the list at list_path nor the event log changes."""
        s = self.server
        if token is None:
            token = self.team
        before = self.count(list_path) if list_path else None
        mark = s.last_event_id(self.admin)
        headers = {"If-Match": etag} if etag else None
        r = s.request(method, API + path, body=body, token=token,
                      headers=headers)
        self.assertError(r, status, field=field, code=code)
        if list_path:
            self.assertEqual(self.count(list_path), before, (path, body))
        self.assertEqual(s.events(self.admin, mark), [], (path, body))
        return r


class TransitionTest(RollinWorld):

    def test_every_forbidden_transition_is_refused_naming_the_allowed(self):
        s = self.server
        for state in STATES:
            rollin = self.new_rollin(state)
            path = API + "/rollins/%d" % rollin["id"]
            self.assertEqual(rollin["next_states"], ALLOWED[state], state)
            forbidden = [t for t in STATES
                         if t != state and t not in ALLOWED[state]]
            if state in ("live", "aborted"):
                self.assertEqual(len(forbidden), len(STATES) - 1)
            mark = s.last_event_id(self.admin)
            for to in forbidden:
                with self.subTest(frm=state, to=to):
                    r = s.patch(path, {"status": to},
                                etag='"%d"' % rollin["rev"], token=self.team)
                    self.assertError(r, 409, field="status",
                                     code="invalid_transition")
                    msg = r.error["message"]
                    for other in STATES:
                        if other in (state, to):
                            continue
                        self.assertEqual(other in msg,
                                         other in ALLOWED[state],
                                         (other, msg))
                    if not ALLOWED[state]:
                        self.assertIn("final", msg)
            # Nothing changed.
            again = s.get(path, token=self.team).json
            self.assertEqual(again["status"], state)
            self.assertEqual(again["rev"], rollin["rev"])
            self.assertEqual(s.events(self.admin, mark), [])

    def test_every_allowed_transition_is_taken(self):
        s = self.server
        for state in STATES:
            for to in ALLOWED[state]:
                with self.subTest(frm=state, to=to):
                    rollin = self.new_rollin(state, adopter="rr-amt2")
                    r = s.patch(API + "/rollins/%d" % rollin["id"],
                                {"status": to},
                                etag='"%d"' % rollin["rev"], token=self.team)
                    self.assertEqual(r.status, 200, r)
                    self.assertEqual(r.json["status"], to)
                    self.assertEqual(r.json["next_states"], ALLOWED[to])

    def test_a_new_rollin_starts_as_planned(self):
        r = self.assertRefused("POST", "/rollins", {
            "solution": "rr-sol", "adopter": "rr-amt",
            "onboarding_team": "rr-team", "status": "integrating"},
            422, "status", list_path="/rollins")
        self.assertIn("planned", r.error["message"])

    def test_aborting_stops_the_adoption_for_good(self):
        s = self.server
        rollin = self.new_rollin("preparing", adopter="rr-abort")
        self.assertEqual(self.adoption_of("rr-abort")["status"], "rolling-in")
        mark = s.last_event_id(self.admin)
        r = s.patch(API + "/rollins/%d" % rollin["id"], {"status": "aborted"},
                    etag='"%d"' % rollin["rev"], token=self.team)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["next_states"], [])
        self.assertEqual(self.adoption_of("rr-abort")["status"], "stopped")
        changed = [e for e in s.events(self.admin, mark)
                   if e["type"] == "rollin.status_changed"]
        self.assertEqual([(e["payload"]["from"], e["payload"]["to"])
                          for e in changed], [("preparing", "aborted")])
        self.assertRefused("PATCH", "/rollins/%d" % rollin["id"],
                           {"status": "preparing"}, 409, "status",
                           code="invalid_transition",
                           etag='"%d"' % r.json["rev"])
        self.assertEqual(self.adoption_of("rr-abort")["status"], "stopped")

    def test_on_hold_and_resume(self):
        s = self.server
        rollin = self.new_rollin("preparing", adopter="rr-hold")
        path = API + "/rollins/%d" % rollin["id"]
        r = s.patch(path, {"status": "on-hold",
                           "notes": "Haushaltssperre bis Februar"},
                    etag='"%d"' % rollin["rev"], token=self.team)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["next_states"], ALLOWED["on-hold"])
        # A held roll-in is still a roll-in: the adoption is not stopped.
        self.assertEqual(self.adoption_of("rr-hold")["status"], "rolling-in")
        # It resumes in a later running phase than it was held in.
        r = s.patch(path, {"status": "integrating"}, etag=r.header("ETag"),
                    token=self.team)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["status"], "integrating")
        self.assertEqual(self.adoption_of("rr-hold")["status"], "rolling-in")
        # A pilot may fall back to integration.
        r = s.patch(path, {"status": "pilot"}, etag=r.header("ETag"),
                    token=self.team)
        r = s.patch(path, {"status": "integrating"}, etag=r.header("ETag"),
                    token=self.team)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["status"], "integrating")

    def test_status_change_needs_if_match(self):
        rollin = self.new_rollin("planned", adopter="rr-amt2")
        self.assertRefused("PATCH", "/rollins/%d" % rollin["id"],
                           {"status": "preparing"}, 428, "If-Match")
        self.assertRefused("PATCH", "/rollins/%d" % rollin["id"],
                           {"status": "preparing"}, 412, None, etag='"9"')


class AccessTest(RollinWorld):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        r = s.post(API + "/rollins", {"solution": "rr-sol",
                                      "adopter": "rr-amt",
                                      "onboarding_team": "rr-team"},
                   token=cls.team)
        assert r.status == 201, r
        cls.rollin = r.json
        cls.step = s.get(API + "/rollins/%d/steps" % cls.rollin["id"],
                         token=cls.team).json["items"][0]
        r = s.post(API + "/rollins/%d/blockers" % cls.rollin["id"],
                   {"title": "Firewall", "category": "technical"},
                   token=cls.team)
        assert r.status == 201, r
        cls.blocker = r.json
        items = s.get(API + "/solutions/rr-sol/adoptions?organisation=rr-amt"
                      ).json["items"]
        cls.adoption = items[0]["id"]

    def test_another_onboarding_team_cannot_touch_the_rollin(self):
        rid = self.rollin["id"]
        for method, path, body, etag in (
                ("PATCH", "/rollins/%d" % rid, {"status": "preparing"},
                 self.rollin["rev"]),
                ("PATCH", "/rollins/%d" % rid, {"notes": "fremd"},
                 self.rollin["rev"]),
                ("POST", "/rollins/%d/steps" % rid,
                 {"position": 9, "step": "Fremd", "role": "adopter"}, None),
                ("PATCH", "/rollins/%d/steps/%d" % (rid, self.step["id"]),
                 {"done": True}, self.step["rev"]),
                ("DELETE", "/rollins/%d/steps/%d" % (rid, self.step["id"]),
                 None, None),
                ("POST", "/rollins/%d/blockers" % rid,
                 {"title": "Fremd", "category": "legal"}, None),
                ("PATCH", "/rollins/%d/blockers/%d" % (rid,
                                                       self.blocker["id"]),
                 {"resolution": "erledigt"}, self.blocker["rev"]),
                ("DELETE", "/rollins/%d/blockers/%d" % (rid,
                                                        self.blocker["id"]),
                 None, None)):
            for token in (self.team2, self.adopter, self.owner):
                with self.subTest(method=method, path=path):
                    self.assertRefused(
                        method, path, body, 403, None, token=token,
                        code="forbidden",
                        etag='"%d"' % etag if etag else None)
        r = self.server.get(API + "/rollins/%d" % rid, token=self.team)
        self.assertEqual(r.json["rev"], self.rollin["rev"])
        self.assertEqual(r.json["progress"]["open_blockers"], 1)
        self.assertEqual(r.json["progress"]["done"], 0)

    def test_only_the_onboarding_team_starts_rollins(self):
        body = {"solution": "rr-sol", "adopter": "rr-amt",
                "onboarding_team": "rr-team"}
        for token in (self.adopter, self.owner, self.team2):
            self.assertRefused("POST", "/rollins", body, 403, None,
                               list_path="/rollins", token=token)
        # An adopter cannot start one even as its own onboarding team.
        self.assertRefused("POST", "/rollins", dict(
            body, onboarding_team="rr-amt"), 403, None, list_path="/rollins",
            token=self.adopter)
        self.assertRefused("POST", "/rollins", body, 401, None,
                           list_path="/rollins", token="")

    def test_anonymous_clients_cannot_read_rollins(self):
        s, rid = self.server, self.rollin["id"]
        for path in ("/rollins", "/rollins/%d" % rid,
                     "/rollins?solution=rr-sol",
                     "/rollins/%d/steps" % rid,
                     "/rollins/%d/steps/%d" % (rid, self.step["id"]),
                     "/rollins/%d/blockers" % rid,
                     "/rollins/%d/blockers/%d" % (rid, self.blocker["id"])):
            with self.subTest(path=path):
                r = s.get(API + path)
                self.assertError(r, 401, code="unauthenticated")
                self.assertNotIn("Firewall", r.raw)
        # Any signed-in client may read them.
        for token in (self.adopter2, self.owner2, self.team2):
            r = s.get(API + "/rollins/%d" % rid, token=token)
            self.assertEqual(r.status, 200, r)

    def test_adopters_write_only_their_own_reports(self):
        s = self.server
        fb = s.post(API + "/feedback", {"solution": "rr-sol",
                                        "organisation": "rr-amt",
                                        "rating": 3}, token=self.adopter)
        self.assertEqual(fb.status, 201, fb)
        lesson = s.post(API + "/lessons", {
            "solution": "rr-sol", "organisation": "rr-amt",
            "category": "legal", "title": "AVV früh", "text": "Früh."},
            token=self.adopter)
        self.assertEqual(lesson.status, 201, lesson)
        cost = s.post(API + "/cost-reports", {
            "adoption": self.adoption, "period_start": "2026-01-01",
            "period_end": "2026-06-30", "one_off_cents": 1000},
            token=self.adopter)
        self.assertEqual(cost.status, 201, cost)

        # Another organisation's adopter writes none of them.
        other = self.adopter2
        self.assertRefused("POST", "/cost-reports", {
            "adoption": self.adoption, "period_start": "2026-01-01",
            "period_end": "2026-06-30"}, 403, None,
            list_path="/cost-reports", token=other, code="forbidden")
        self.assertRefused("POST", "/feedback", {
            "solution": "rr-sol", "organisation": "rr-amt", "rating": 1},
            403, None, list_path="/feedback", token=other)
        self.assertRefused("POST", "/lessons", {
            "solution": "rr-sol", "organisation": "rr-amt",
            "category": "technical", "title": "Fremd", "text": "x"},
            403, None, list_path="/lessons", token=other)
        for path, rec, body in (
                ("/cost-reports/%d", cost.json, {"one_off_cents": 1}),
                ("/feedback/%d", fb.json, {"rating": 1}),
                ("/lessons/%d", lesson.json, {"title": "Fremd"})):
            self.assertRefused("PATCH", path % rec["id"], body, 403, None,
                               token=other, etag='"%d"' % rec["rev"])
            self.assertRefused("DELETE", path % rec["id"], None, 403, None,
                               token=other)
        # The onboarding team and the owner do not write the adopter's
        # cost reports and feedback either.
        for token in (self.team, self.owner):
            self.assertRefused("POST", "/cost-reports", {
                "adoption": self.adoption, "period_start": "2026-01-01",
                "period_end": "2026-06-30"}, 403, None,
                list_path="/cost-reports", token=token)
            self.assertRefused("POST", "/feedback", {
                "solution": "rr-sol", "organisation": "rr-amt",
                "rating": 5}, 403, None, list_path="/feedback", token=token)
        # Anonymous clients write nothing.
        self.assertRefused("POST", "/feedback", {
            "solution": "rr-sol", "organisation": "rr-amt", "rating": 5},
            401, None, list_path="/feedback", token="")
        # A lesson stays with the organisation that learned it.
        self.assertRefused("PATCH", "/lessons/%d" % lesson.json["id"],
                           {"organisation": "rr-amt2"}, 422, "organisation",
                           token=self.adopter, code="immutable",
                           etag='"%d"' % lesson.json["rev"])

    def test_only_the_solutions_owner_answers_feedback(self):
        s = self.server
        fb = s.post(API + "/feedback", {"solution": "rr-sol",
                                        "organisation": "rr-amt",
                                        "rating": 2, "text": "Langsam"},
                    token=self.adopter)
        self.assertEqual(fb.status, 201, fb)
        path = "/feedback/%d/answer" % fb.json["id"]
        for token in (self.owner2, self.adopter, self.team, self.adopter2):
            self.assertRefused("POST", path, {"answer": "Nein"}, 403, None,
                               token=token, code="forbidden")
        self.assertRefused("POST", path, {"answer": "Nein"}, 401, None,
                           token="", code="unauthenticated")
        self.assertRefused("POST", path, {"answer": ""}, 422, "answer",
                           token=self.owner)
        self.assertRefused("POST", path, {"answer": 5}, 422, "answer",
                           token=self.owner)
        self.assertRefused("POST", path, {"answer": "Ja", "by": "x"}, 422,
                           "by", token=self.owner, code="unknown_field")
        self.assertRefused("POST", "/feedback/99999/answer", {"answer": "Ja"},
                           404, None, token=self.owner)
        r = s.get(API + "/feedback/%d" % fb.json["id"])
        self.assertNotIn("answer", r.json)
        self.assertEqual(r.json["rev"], fb.json["rev"])
        r = s.post(API + path, {"answer": "Wird mit 1.1 schneller."},
                   token=self.owner)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["answered_by"],
                         "owner@rr-owner#%d" % s.token_id("rr-owner"))

    def test_cost_reports_are_public_only_when_published(self):
        s = self.server
        ids = {}
        for public in (True, False):
            r = s.post(API + "/cost-reports", {
                "adoption": self.adoption, "period_start": "2025-01-01",
                "period_end": "2025-12-31", "operating_cents": 7,
                "public": public}, token=self.adopter)
            self.assertEqual(r.status, 201, r)
            ids[public] = r.json["id"]
        anon = [c["id"] for c in s.all_items(API + "/cost-reports")]
        self.assertIn(ids[True], anon)
        self.assertNotIn(ids[False], anon)
        for c in s.all_items(API + "/cost-reports"):
            self.assertTrue(c["public"], c)
        self.assertEqual(s.all_items(API + "/cost-reports?public=false"), [])
        r = s.get(API + "/cost-reports/%d" % ids[False])
        self.assertError(r, 404, code="not_found")
        self.assertNotIn('"operating_cents"', r.raw)
        r = s.get(API + "/cost-reports/%d" % ids[True])
        self.assertEqual(r.status, 200, r)
        # Signed-in clients, of any organisation, see both.
        for token in (self.adopter2, self.owner2, self.team):
            seen = [c["id"] for c in s.all_items(API + "/cost-reports",
                                                 token=token)]
            self.assertIn(ids[True], seen)
            self.assertIn(ids[False], seen)
            r = s.get(API + "/cost-reports/%d" % ids[False], token=token)
            self.assertEqual(r.status, 200, r)
            self.assertFalse(r.json["public"])


class BadInputTest(RollinWorld):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        r = s.post(API + "/rollins", {"solution": "rr-sol",
                                      "adopter": "rr-amt",
                                      "onboarding_team": "rr-team"},
                   token=cls.team)
        assert r.status == 201, r
        cls.rollin = r.json
        r = s.post(API + "/rollins", {"solution": "rr-other",
                                      "adopter": "rr-amt",
                                      "onboarding_team": "rr-team"},
                   token=cls.team)
        assert r.status == 201, r
        cls.other_rollin = r.json
        cls.step = s.get(API + "/rollins/%d/steps" % cls.rollin["id"],
                         token=cls.team).json["items"][0]
        items = s.get(API + "/solutions/rr-sol/adoptions?organisation=rr-amt"
                      ).json["items"]
        cls.adoption = items[0]["id"]

    def check_all(self, method, path, base, cases, list_path, token,
                  etag=None):
        """Each case (changes, status, field, code) applied to base."""
        for changes, status, field, code in cases:
            body = dict(base)
            for k, v in changes.items():
                if v is DROP:
                    body.pop(k, None)
                else:
                    body[k] = v
            with self.subTest(path=path, body=changes):
                self.assertRefused(method, path, body, status, field,
                                   list_path=list_path, token=token,
                                   code=code, etag=etag)

    def test_rollins(self):
        base = {"solution": "rr-sol", "adopter": "rr-amt",
                "onboarding_team": "rr-team"}
        self.check_all("POST", "/rollins", base, [
            ({"solution": 5}, 422, "solution", "wrong_type"),
            ({"solution": "rr-nirgends"}, 422, "solution",
             "unknown_reference"),
            ({"adopter": "rr-nobody"}, 422, "adopter", "unknown_reference"),
            ({"onboarding_team": DROP}, 422, "onboarding_team",
             "missing_field"),
            ({"status": "finished"}, 422, "status", "invalid_value"),
            ({"status": 3}, 422, "status", "wrong_type"),
            ({"target_golive": "2027-02-30"}, 422, "target_golive",
             "invalid_format"),
            ({"started_on": "01.12.2026"}, 422, "started_on",
             "invalid_format"),
            ({"notes": ["a"]}, 422, "notes", "wrong_type"),
            ({"phase": "x"}, 422, "phase", "unknown_field"),
            ({"id": 7}, 422, "id", "read_only"),
        ], "/rollins", self.team)
        rollin = self.server.get(API + "/rollins/%d" % self.rollin["id"],
                                 token=self.team).json
        self.check_all("PATCH", "/rollins/%d" % rollin["id"], {}, [
            ({"status": "finished"}, 422, "status", "invalid_value"),
            ({"status": None}, 422, "status", "missing_field"),
            ({"actual_golive": "2026-11-31"}, 422, "actual_golive",
             "invalid_format"),
            ({"solution": "rr-other"}, 422, "solution", "immutable"),
            ({"adopter": "rr-amt2"}, 422, "adopter", "immutable"),
            ({"progress": {}}, 422, "progress", "unknown_field"),
        ], "/rollins", self.team, etag='"%d"' % rollin["rev"])
        again = self.server.get(API + "/rollins/%d" % rollin["id"],
                                token=self.team).json
        self.assertEqual(again["rev"], rollin["rev"])

    def test_steps(self):
        rid = self.rollin["id"]
        self.check_all("POST", "/rollins/%d/steps" % rid,
                       {"position": 3, "step": "Abnahme", "role": "adopter"},
                       [({"step": DROP}, 422, "step", "missing_field"),
                        ({"position": "3"}, 422, "position", "wrong_type"),
                        ({"position": 0}, 422, "position", "out_of_range"),
                        ({"role": "chef"}, 422, "role", "invalid_value"),
                        ({"done": "yes"}, 422, "done", "wrong_type"),
                        ({"planned_effort": -1}, 422, "planned_effort",
                         "out_of_range"),
                        ({"planned_date": "2026-02-29"}, 422,
                         "planned_date", "invalid_format"),
                        ({"planned_start": "2026-12-10",
                          "planned_date": "2026-12-01"}, 422,
                         "planned_date", "invalid_value"),
                        ({"colour": "red"}, 422, "colour", "unknown_field")],
                       "/rollins/%d/steps" % rid, self.team)
        path = "/rollins/%d/steps/%d" % (rid, self.step["id"])
        self.check_all("PATCH", path, {}, [
            ({"done": 1}, 422, "done", "wrong_type"),
            ({"actual_date": "gestern"}, 422, "actual_date",
             "invalid_format"),
            ({"actual_effort": "2"}, 422, "actual_effort", "wrong_type"),
            ({"role": None}, 422, "role", "missing_field"),
            ({"overdue": False}, 422, "overdue", "unknown_field"),
        ], "/rollins/%d/steps" % rid, self.team,
            etag='"%d"' % self.step["rev"])
        self.assertRefused("POST", "/rollins/99999/steps",
                           {"position": 1, "step": "x", "role": "owner"},
                           404, None, token=self.team)

    def test_blockers(self):
        rid = self.rollin["id"]
        self.check_all("POST", "/rollins/%d/blockers" % rid,
                       {"title": "Datenschutz", "category": "legal"},
                       [({"category": "weather"}, 422, "category",
                         "invalid_value"),
                        ({"category": DROP}, 422, "category",
                         "missing_field"),
                        ({"title": 5}, 422, "title", "wrong_type"),
                        ({"raised_on": "2026-13-01"}, 422, "raised_on",
                         "invalid_format"),
                        ({"raised_on": "2026-11-20",
                          "resolved_on": "2026-11-19"}, 422, "resolved_on",
                         "invalid_value"),
                        ({"severity": "high"}, 422, "severity",
                         "unknown_field")],
                       "/rollins/%d/blockers" % rid, self.team)

    def test_lessons(self):
        base = {"solution": "rr-sol", "organisation": "rr-amt",
                "category": "technical", "title": "T", "text": "Text"}
        self.check_all("POST", "/lessons", base, [
            ({"category": "misc"}, 422, "category", "invalid_value"),
            ({"solution": "rr-nirgends"}, 422, "solution",
             "unknown_reference"),
            ({"solution": ["rr-sol"]}, 422, "solution", "wrong_type"),
            ({"rollin": self.other_rollin["id"]}, 422, "rollin", None),
            ({"rollin": 99999}, 422, "rollin", "unknown_reference"),
            ({"rollin": "eins"}, 422, "rollin", "wrong_type"),
            ({"tags": "a,b"}, 422, "tags", "wrong_type"),
            ({"text": DROP}, 422, "text", "missing_field"),
            ({"text": ""}, 422, "text", "missing_field"),
            ({"author": "x"}, 422, "author", "unknown_field"),
        ], "/lessons", self.adopter)

    def test_feedback(self):
        base = {"solution": "rr-sol", "organisation": "rr-amt", "rating": 3}
        self.check_all("POST", "/feedback", base, [
            ({"rating": 0}, 422, "rating", "out_of_range"),
            ({"rating": 6}, 422, "rating", "out_of_range"),
            ({"rating": -1}, 422, "rating", "out_of_range"),
            ({"rating": "4"}, 422, "rating", "wrong_type"),
            ({"rating": 4.5}, 422, "rating", "wrong_type"),
            ({"rating": DROP}, 422, "rating", "missing_field"),
            ({"solution": "rr-nirgends"}, 422, "solution",
             "unknown_reference"),
            ({"version": 2}, 422, "version", "wrong_type"),
            ({"answer": "selbst"}, 422, "answer", "unknown_field"),
            ({"stars": 5}, 422, "stars", "unknown_field"),
        ], "/feedback", self.adopter)

    def test_cost_reports(self):
        base = {"adoption": self.adoption, "period_start": "2026-01-01",
                "period_end": "2026-12-31"}
        self.check_all("POST", "/cost-reports", base, [
            ({"one_off_cents": -1}, 422, "one_off_cents", "out_of_range"),
            ({"operating_cents": -100}, 422, "operating_cents",
             "out_of_range"),
            ({"licence_cents": 10 ** 16}, 422, "licence_cents",
             "out_of_range"),
            ({"contributions_cents": 12.5}, 422, "contributions_cents",
             "wrong_type"),
            ({"build_alone_cents": "100"}, 422, "build_alone_cents",
             "wrong_type"),
            ({"day_rate_cents": 800.5}, 422, "day_rate_cents",
             "wrong_type"),
            ({"own_effort_days": 1.125}, 422, "own_effort_days", None),
            ({"own_effort_days": 0.001}, 422, "own_effort_days", None),
            ({"own_effort_days": -0.5}, 422, "own_effort_days",
             "out_of_range"),
            ({"own_effort_days": "2"}, 422, "own_effort_days",
             "wrong_type"),
            ({"period_end": "2025-12-31"}, 422, "period_end",
             "invalid_value"),
            ({"period_start": "2026-02-30"}, 422, "period_start",
             "invalid_format"),
            ({"period_end": DROP}, 422, "period_end", "missing_field"),
            ({"adoption": 99999}, 422, "adoption", "unknown_reference"),
            ({"adoption": "1"}, 422, "adoption", "wrong_type"),
            ({"rollin": 99999}, 422, "rollin", "unknown_reference"),
            ({"public": "yes"}, 422, "public", "wrong_type"),
            ({"savings_cents": 1}, 422, "savings_cents", "unknown_field"),
            ({"derived": {}}, 422, "derived", "unknown_field"),
        ], "/cost-reports", self.adopter)


class _Drop:
    def __repr__(self):
        return "DROP"


DROP = _Drop()


if __name__ == "__main__":
    unittest.main()
