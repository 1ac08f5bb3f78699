"""Two editors never overwrite each other unseen: a change must name the
revision it was made on (If-Match), and a change on an old revision is
refused with 412 while the newer change stays."""

import threading
import unittest

from harness import ServerTest

API = "/api/v1"


class ConflictTest(ServerTest):
    DEMO = True
    DEMO_TEMPLATE = True
    ENV = {"ROLLIN_TIMER_INTERVAL": "86400"}  # no time events between

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.admin = s.token_for("admin", "bmi")
        r = s.post(API + "/organisations", {"slug": "cf-owner", "kind":
                                           "other", "name": "Konflikt"},
                   token=cls.admin)
        assert r.status == 201, r
        cls.alice = s.token("owner", "cf-owner", label="alice")
        cls.bob = s.token("owner", "cf-owner", label="bob")

    def new_solution(self, slug):
        r = self.server.post(API + "/solutions", {
            "slug": slug, "name": "Gemeinsam", "owner": "cf-owner",
            "maturity": "pilot", "summary": "Anfang"}, token=self.alice)
        self.assertEqual(r.status, 201, r)
        return API + "/solutions/" + slug

    def test_second_writer_on_the_same_revision_gets_412(self):
        s = self.server
        path = self.new_solution("cf-two")
        etag_a = s.get(path, token=self.alice).header("ETag")
        etag_b = s.get(path, token=self.bob).header("ETag")
        self.assertEqual(etag_a, etag_b)
        mark = s.last_event_id(self.admin)
        first = s.patch(path, {"summary": "Alice war hier"}, etag=etag_a,
                        token=self.alice)
        self.assertEqual(first.status, 200, first)
        self.assertNotEqual(first.header("ETag"), etag_a)
        self.assertEqual(first.header("ETag"), '"%d"' % first.json["rev"])
        second = s.patch(path, {"summary": "Bob war hier",
                                "name": "Bobs Name"}, etag=etag_b,
                         token=self.bob)
        self.assertError(second, 412, code="stale")
        got = s.get(path)
        self.assertEqual(got.json["summary"], "Alice war hier")
        self.assertEqual(got.json["name"], "Gemeinsam")
        self.assertEqual(got.header("ETag"), first.header("ETag"))
        events = s.events(self.admin, mark)
        self.assertEqual([e["type"] for e in events], ["solution.updated"])
        self.assertTrue(events[0]["actor"].startswith("owner@cf-owner#"))
        # Bob reloads and applies his change on the new revision.
        third = s.patch(path, {"name": "Bobs Name"},
                        etag=got.header("ETag"), token=self.bob)
        self.assertEqual(third.status, 200, third)
        self.assertEqual(third.json["summary"], "Alice war hier")
        self.assertEqual(third.json["name"], "Bobs Name")

    def test_simultaneous_writers_exactly_one_wins(self):
        s = self.server
        path = self.new_solution("cf-race")
        etag = s.get(path).header("ETag")
        n = 8
        results = [None] * n
        go = threading.Barrier(n)

        def write(i):
            go.wait()
            results[i] = s.patch(path, {"summary": "Schreiber %d" % i},
                                 etag=etag,
                                 token=self.alice if i % 2 else self.bob)

        threads = [threading.Thread(target=write, args=(i,))
                   for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        statuses = sorted(r.status for r in results)
        self.assertEqual(statuses, [200] + [412] * (n - 1), results)
        winner = [i for i, r in enumerate(results) if r.status == 200][0]
        got = s.get(path).json
        self.assertEqual(got["summary"], "Schreiber %d" % winner)
        self.assertEqual(got["rev"], 2)

    def test_patch_without_if_match_is_refused(self):
        s = self.server
        path = self.new_solution("cf-nomatch")
        r = s.patch(path, {"summary": "ohne"}, token=self.alice)
        self.assertError(r, 428, code="precondition_required")
        got = s.get(path)
        self.assertEqual(got.json["summary"], "Anfang")
        self.assertEqual(got.header("ETag"), '"1"')

    def test_weak_etag_is_accepted(self):
        s = self.server
        path = self.new_solution("cf-weak")
        r = s.patch(path, {"summary": "schwach"}, etag='W/"1"',
                    token=self.alice)
        self.assertEqual(r.status, 200, r)

    def test_conflict_on_nested_records(self):
        s = self.server
        path = self.new_solution("cf-nested")
        r = s.post(path + "/releases", {"version": "1.0", "status": "planned",
                                        "planned_date": "2030-01-01"},
                   token=self.alice)
        self.assertEqual(r.status, 201, r)
        rel = r.header("Location")
        a = s.patch(rel, {"planned_date": "2030-02-01"}, etag='"1"',
                    token=self.alice)
        self.assertEqual(a.status, 200, a)
        b = s.patch(rel, {"status": "released", "date": "2030-01-15"},
                    etag='"1"', token=self.bob)
        self.assertError(b, 412, code="stale")
        got = s.get(rel).json
        self.assertEqual(got["status"], "planned")
        self.assertEqual(got["planned_date"], "2030-02-01")

    def test_stale_etag_after_many_changes(self):
        s = self.server
        path = self.new_solution("cf-many")
        etag = '"1"'
        for i in range(3):
            r = s.patch(path, {"summary": "v%d" % i}, etag=etag,
                        token=self.alice)
            self.assertEqual(r.status, 200, r)
            etag = r.header("ETag")
        self.assertEqual(etag, '"4"')
        for old in ('"1"', '"2"', '"3"', '"5"'):
            r = s.patch(path, {"summary": "alt"}, etag=old, token=self.bob)
            self.assertError(r, 412, code="stale")
        self.assertEqual(s.get(path).json["summary"], "v2")


if __name__ == "__main__":
    unittest.main()
