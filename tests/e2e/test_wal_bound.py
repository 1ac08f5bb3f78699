"""Disk use under sustained writes: the write-ahead log (the -wal file
beside the database) stays small. The serving connection's commits wake
the checkpointer when the WAL passes about 4 MB, and it lets the WAL start
over from its beginning; without that, a PASSIVE checkpoint always ends
behind the newest commit and the file grew by gigabytes."""

import http.client
import json
import os
import threading
import time
import unittest

from harness import Server

API = "/api/v1"
# The file may pass the wake-up mark by what is written while a checkpoint
# runs, and by more when a RESTART gives way to busy readers and is tried
# again; SQLite cuts it back to 16 MB (journal_size_limit) when it
# restarts. Without the size-driven checkpoints it grew past 1.5 GB here.
BOUND = 64 * 1024 * 1024
MIN_SECONDS = 5
MAX_SECONDS = 40


class WalBoundTest(unittest.TestCase):

    def setUp(self):
        # No checkpoint by the clock: only the WAL's size can trigger one.
        self.s = Server(env={"ROLLIN_CHECKPOINT_INTERVAL": "3600"}).start()
        self.addCleanup(self.stop_server)
        self.s.cli("org", "add", "schreib", "--name", "Schreibamt",
                   "--kind", "municipal")
        self.token = self.s.token("admin", "schreib")

    def stop_server(self):
        self.s.stop()
        self.s.dir.cleanup()
        self.s.check_sanitizers()

    def restarts(self):
        r = self.s.get("/metrics")
        self.assertEqual(r.status, 200, r)
        for line in r.raw.splitlines():
            if line.startswith('rollin_checkpoints_total{mode="restart"}'):
                return int(float(line.split()[-1]))
        self.fail("no restart checkpoints in the metrics")

    def writer(self, slug, stop, errors):
        conn = http.client.HTTPConnection("127.0.0.1", self.s.port,
                                          timeout=30)
        head = {"Authorization": "Bearer " + self.token,
                "Content-Type": "application/json"}
        conn.request("POST", API + "/solutions", json.dumps(
            {"slug": slug, "name": slug, "owner": "schreib",
             "maturity": "pilot"}), head)
        r = conn.getresponse()
        r.read()
        if r.status != 201:
            errors.append(r.status)
            return
        rev, n = r.getheader("ETag"), 0
        while not stop.is_set():
            n += 1
            # A long, changing text: every write rewrites the row and its
            # search index entries.
            text = " ".join("Abschnitt %d-%d Wohngeld Antrag Nachweis" %
                            (n, i) for i in range(60))
            conn.request("PATCH", API + "/solutions/" + slug,
                         json.dumps({"description": text}),
                         dict(head, **{"If-Match": rev}))
            r = conn.getresponse()
            r.read()
            if r.status != 200:
                errors.append(r.status)
                return
            rev = r.getheader("ETag")
        conn.close()

    def test_wal_stays_bounded_under_sustained_writes(self):
        wal = self.s.db + "-wal"
        stop, errors = threading.Event(), []
        threads = [threading.Thread(target=self.writer,
                                    args=("wal-%d" % i, stop, errors))
                   for i in range(2)]
        for t in threads:
            t.start()
        largest, start = 0, time.monotonic()
        try:
            # Writes for at least MIN_SECONDS and until the WAL started
            # over at least twice: enough written to have grown past the
            # bound many times over without the size-driven checkpoints.
            while not errors:
                if os.path.exists(wal):
                    largest = max(largest, os.path.getsize(wal))
                elapsed = time.monotonic() - start
                if elapsed > MAX_SECONDS:
                    break
                if elapsed > MIN_SECONDS and self.restarts() >= 2:
                    break
                time.sleep(0.05)
        finally:
            stop.set()
            for t in threads:
                t.join(30)
        self.assertEqual(errors, [])
        self.assertLess(largest, BOUND, "the WAL grew to %d bytes" % largest)
        self.assertGreaterEqual(self.restarts(), 2,
                                "the WAL never started over")


if __name__ == "__main__":
    unittest.main()
