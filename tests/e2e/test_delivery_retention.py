"""Retention of the deliveries table (delivery_retention_days): delivered
rows older than the setting are removed by the notifier thread, in small
batches; dead letters (they need a person) and rows still being retried
stay, whatever their age. The clock is moved with ROLLIN_NOW across
restarts on the same database; GET /api/v1/deliveries shows what is
left."""

import datetime
import os
import unittest

import test_delivery as td

API = "/api/v1"


def moved(days):
    """ROLLIN_NOW that many days from now."""
    t = datetime.datetime.now(datetime.timezone.utc) + \
        datetime.timedelta(days=days)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class RetentionTest(td.WebhookCase):

    def write_config(self, retention, backoff_base, max_attempts):
        with open(self.cfg, "w", encoding="utf-8") as f:
            f.write("plugin_dirs: \"%s\"\n"
                    "delivery_retention_days: %d\n"
                    "plugins:\n"
                    "  webhook:\n"
                    "    url: \"%s\"\n"
                    "    secret: \"%s\"\n"
                    "    backoff_base: \"%s\"\n"
                    "    max_attempts: %d\n"
                    "  email:\n"
                    "    enabled: false\n"
                    % (td.PLUGIN_DIR, retention, self.rx.url, td.SECRET,
                       backoff_base, max_attempts))

    def pruned(self):
        """Waits for this start's pruning; returns its log line."""
        return td.wait_for(
            lambda: [line for line in self.s.log
                     if "delivery retention:" in line],
            what="the pruning at start")[-1]

    def restart_at(self, now):
        self.s.env["ROLLIN_NOW"] = now
        self.s.log.clear()
        self.s.restart()

    def by_state(self):
        out = {}
        for d in self.s.all_items(API + "/deliveries", token=self.admin):
            out.setdefault(d["state"], []).append(d["event_id"])
        return out

    def test_old_delivered_rows_go_dead_and_retrying_rows_stay(self):
        self.rx.status_for = lambda body: 500 if b"Kaputt" in body else 200
        # Short backoff: the refused event is soon a dead letter.
        self.write_config(30, "0.2", 2)
        self.restart_at("")
        delivered = [self.create_org("alt-%d" % i, "Alt %d" % i)
                     for i in range(3)]
        dead = self.create_org("kaputt", "Kaputt GmbH")
        td.wait_for(lambda: dead in self.by_state().get("dead", []),
                    what="the refused event to be dead")
        td.wait_for(lambda: set(delivered) <=
                    set(self.by_state().get("delivered", [])),
                    what="the deliveries")

        # A long backoff: the next refused event stays retrying.
        self.write_config(30, "3600", 3)
        self.restart_at("")
        retrying = self.create_org("wackelig", "Wackelig Kaputt AG")
        td.wait_for(lambda: retrying in self.by_state().get("retrying", []),
                    what="the refused event to be retried later")
        before = self.by_state()
        self.assertEqual(before["dead"], [dead])
        self.assertEqual(before["retrying"], [retrying])
        self.assertTrue(set(delivered) <= set(before["delivered"]), before)

        # 20 days on: nothing is old enough yet.
        self.restart_at(moved(20))
        self.assertIn("0 delivered rows older than 30 days removed",
                      self.pruned())
        self.assertEqual(self.by_state(), before)

        # 40 days on: the delivered rows are gone, the others stay.
        self.restart_at(moved(40))
        self.assertIn("%d delivered rows older than 30 days removed"
                      % len(before["delivered"]), self.pruned())
        after = self.by_state()
        self.assertEqual(after, {"dead": [dead], "retrying": [retrying]})
        r = self.s.get(API + "/deliveries/status", token=self.admin)
        st = {i["subscriber"]: i for i in r.json["items"]}["webhook"]
        self.assertEqual((st["delivered"], st["dead"], st["retrying"]),
                         (0, 1, 1))
        # The dead letter can still be sent back.
        dl = [d for d in self.s.all_items(API + "/deliveries?state=dead",
                                          token=self.admin)][0]
        r = self.s.post(API + "/deliveries/%d/retry" % dl["id"], None,
                        token=self.admin)
        self.assertEqual(r.status, 200, r)

    def test_zero_keeps_every_row(self):
        self.write_config(0, "0.2", 2)
        self.restart_at("")
        ids = [self.create_org("bleibt-%d" % i, "Bleibt %d" % i)
               for i in range(2)]
        td.wait_for(lambda: set(ids) <=
                    set(self.by_state().get("delivered", [])),
                    what="the deliveries")
        before = self.by_state()
        self.restart_at(moved(400))
        # Deliveries go on after the restart; nothing was removed.
        self.create_org("neu", "Neu")
        td.wait_for(lambda: len(self.by_state()["delivered"]) ==
                    len(before["delivered"]) + 1, what="the new delivery")
        self.assertFalse([line for line in self.s.log
                          if "delivery retention:" in line])


if __name__ == "__main__":
    unittest.main()
