"""The demo data set: `rollin serve --demo` on an empty database gives a
catalogue worth exploring, and a second start with --demo adds nothing."""

import collections
import unittest

from harness import Server

API = "/api/v1"


class DemoTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.server = Server(demo=True).start()
        cls.admin = cls.server.token("admin", "bmi")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.server.dir.cleanup()
        cls.server.check_sanitizers()

    def inventory(self):
        s, t = self.server, self.admin
        inv = {"organisations": s.all_items(API + "/organisations?limit=500",
                                            token=t),
               "contacts": s.all_items(API + "/contacts?limit=500", token=t),
               "solutions": s.all_items(API + "/solutions?limit=500",
                                        token=t)}
        for what in ("cycles", "releases", "responsibilities", "adoptions"):
            inv[what] = []
            for sol in inv["solutions"]:
                inv[what] += s.all_items(API + "/solutions/%s/%s?limit=500"
                                         % (sol["slug"], what), token=t)
        inv["events"] = s.events(t)
        return inv

    def test_demo_catalogue_is_rich(self):
        inv = self.inventory()
        sols = inv["solutions"]
        self.assertGreaterEqual(len(sols), 30)
        owners = {x["owner"] for x in sols}
        self.assertGreaterEqual(len(owners), 15)
        maturities = collections.Counter(x["maturity"] for x in sols)
        self.assertGreaterEqual(len(maturities), 5, maturities)
        self.assertTrue(inv["cycles"])
        statuses = collections.Counter(r["status"] for r in inv["releases"])
        self.assertGreater(statuses["planned"], 0, statuses)
        self.assertGreater(statuses["released"], 0, statuses)
        self.assertTrue(inv["responsibilities"])
        self.assertTrue(inv["adoptions"])
        self.assertGreaterEqual(len({a["organisation"]
                                     for a in inv["adoptions"]}), 5)
        # Most solutions have lifecycle data, not just one or two.
        with_cycles = {c["solution"] for c in inv["cycles"]}
        with_adoptions = {a["solution"] for a in inv["adoptions"]}
        self.assertGreaterEqual(len(with_cycles), len(sols) // 2)
        self.assertGreaterEqual(len(with_adoptions), len(sols) // 2)
        # Derived values are there, too: some cycle has a latest version.
        self.assertTrue(any(c["latest"] for c in inv["cycles"]))
        # Every record went through the log like any other write.
        created = collections.Counter(e["type"] for e in inv["events"])
        for what, typ in (("organisations", "organisation"),
                          ("contacts", "contact"), ("solutions", "solution"),
                          ("cycles", "cycle"), ("releases", "release"),
                          ("adoptions", "adoption"),
                          ("responsibilities", "responsibility")):
            self.assertEqual(created[typ + ".created"], len(inv[what]), what)

    def test_demo_texts_are_german(self):
        sols = self.server.all_items(API + "/solutions?limit=500")
        text = " ".join(x.get("summary", "") for x in sols)
        for word in ("und", "für", "die"):
            self.assertIn(" %s " % word, text)
        self.assertTrue(any(ch in text for ch in "äöüß"))

    def test_second_start_with_demo_adds_nothing(self):
        s = self.server
        before = self.inventory()
        self.assertEqual(s.stop(), 0)
        s.demo = True
        s.start()
        after = self.inventory()
        for what in before:
            self.assertEqual(len(after[what]), len(before[what]), what)
        self.assertEqual(after, before)
        self.assertTrue(any("not empty" in line for line in s.log), s.log)


if __name__ == "__main__":
    unittest.main()
