"""GET /metrics: the Prometheus text exposition, read with the Prometheus
client library's own parser. Requests are counted by route pattern, method
and status; latencies are histograms by route; the store's sizes and the
delivery backlog are read when scraped; who may scrape is configurable."""

import os
import socket
import sys
import tempfile
import time
import unittest

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:
    # Debian's python3-prometheus-client (scripts/dev test installs it)
    # lives in the system's dist-packages, which another python3 may not
    # search.
    sys.path.append("/usr/lib/python3/dist-packages")
    try:
        from prometheus_client.parser import text_string_to_metric_families
    except ImportError as e:
        raise ImportError("test_metrics needs prometheus_client: apt-get "
                          "install python3-prometheus-client (scripts/dev "
                          "test does)") from e

from harness import ROLLIN_BIN, Server, ServerTest

API = "/api/v1"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
PLUGIN_DIR = os.path.join(os.path.dirname(os.path.abspath(ROLLIN_BIN)),
                          "plugins")


def scrape(server, **kw):
    """Every sample of GET /metrics as {(name, sorted labels): value}."""
    r = server.get("/metrics", **kw)
    assert r.status == 200, r
    assert r.header("Content-Type") == CONTENT_TYPE, r
    samples = {}
    for family in text_string_to_metric_families(r.raw):
        for s in family.samples:
            samples[s.name, tuple(sorted(s.labels.items()))] = s.value
    return samples


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))), 0)


def histogram(samples, route):
    """(cumulative buckets sorted by bound, _count, _sum) of a route."""
    buckets = sorted(
        (float(dict(k[1])["le"]), v) for k, v in samples.items()
        if k[0] == "rollin_http_request_duration_seconds_bucket" and
        dict(k[1])["route"] == route)
    return (buckets,
            value(samples, "rollin_http_request_duration_seconds_count",
                  route=route),
            value(samples, "rollin_http_request_duration_seconds_sum",
                  route=route))


class MetricsTest(ServerTest):
    # No checkpoint by the clock: the files keep their sizes at rest.
    ENV = {"ROLLIN_CHECKPOINT_INTERVAL": "3600"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server.cli("org", "add", "messamt", "--name", "Messamt",
                       "--kind", "municipal")

    def test_requests_are_counted_by_route_pattern_method_and_status(self):
        s = self.server
        before = scrape(s)
        for _ in range(7):
            r = s.get(API + "/organisations/messamt")
            self.assertEqual(r.status, 200, r)
        after = scrape(s)
        key = dict(method="GET", route="/api/v1/organisations/{}",
                   status="200")
        self.assertEqual(value(after, "rollin_http_requests_total", **key) -
                         value(before, "rollin_http_requests_total", **key),
                         7)
        # The scrape itself is counted under its own path.
        self.assertGreaterEqual(
            value(after, "rollin_http_requests_total", method="GET",
                  route="/metrics", status="200"), 1)

    def test_each_worker_counts_the_jobs_it_ran(self):
        s = self.server
        before = scrape(s)
        # A calendar of the whole catalogue runs on the jobs worker ...
        self.assertEqual(s.get(API + "/calendar.ics").status, 200)
        # ... a password check on the passwords worker.
        r = s.post(API + "/session", {"username": "niemand",
                                      "password": "ganz falsch geraten"})
        self.assertEqual(r.status, 401, r)
        after = scrape(s)

        def ran(worker):
            return (value(after, "rollin_worker_jobs_total", worker=worker) -
                    value(before, "rollin_worker_jobs_total", worker=worker))
        self.assertEqual(ran("jobs"), 1)
        self.assertEqual(ran("passwords"), 1)
        for worker in ("jobs", "passwords"):
            self.assertIn(("rollin_worker_jobs_waiting",
                           (("worker", worker),)), after)
            self.assertEqual(value(after, "rollin_worker_busy",
                                   worker=worker), 0)

    def test_unknown_path_is_counted_as_unmatched_not_by_its_path(self):
        s = self.server
        before = scrape(s)
        r = s.get(API + "/gibt-es-nicht/x-4711")
        self.assertEqual(r.status, 404, r)
        after = scrape(s)
        key = dict(method="GET", route="unmatched", status="404")
        self.assertEqual(value(after, "rollin_http_requests_total", **key) -
                         value(before, "rollin_http_requests_total", **key),
                         1)
        routes = {dict(k[1]).get("route") for k in after}
        self.assertFalse([r for r in routes if r and "x-4711" in r], routes)

    def test_latency_histogram_is_cumulative_and_counts_every_request(self):
        s = self.server
        route = "/api/v1/organisations"
        _, count_before, _ = histogram(scrape(s), route)
        for _ in range(5):
            self.assertEqual(s.get(API + "/organisations").status, 200)
        buckets, count, total = histogram(scrape(s), route)
        self.assertEqual(count - count_before, 5)
        self.assertEqual(buckets[-1], (float("inf"), count))
        counts = [v for _, v in buckets]
        self.assertEqual(counts, sorted(counts), buckets)
        self.assertGreater(total, 0)

    def test_store_sizes_are_the_files_sizes(self):
        s = self.server
        # A write, so that the WAL has something in it.
        r = s.post(API + "/organisations",
                   {"slug": "waage", "kind": "other", "name": "Waage"},
                   token=s.token_for("admin", "messamt"))
        self.assertEqual(r.status, 201, r)
        m = scrape(s)
        self.assertEqual(value(m, "rollin_db_size_bytes"),
                         os.path.getsize(s.db))
        self.assertEqual(value(m, "rollin_db_wal_size_bytes"),
                         os.path.getsize(s.db + "-wal"))
        self.assertGreater(value(m, "rollin_db_wal_size_bytes"), 0)
        self.assertGreaterEqual(value(m, "rollin_events_total"), 1)

    def test_process_and_build_are_described(self):
        m = scrape(self.server)
        start = value(m, "process_start_time_seconds")
        self.assertLessEqual(start, time.time())
        self.assertGreater(start, time.time() - 600)
        info = [dict(k[1]) for k in m if k[0] == "rollin_build_info"]
        self.assertEqual(len(info), 1, info)
        self.assertRegex(info[0]["version"], r"^\d+\.\d+")
        self.assertGreaterEqual(value(m, "rollin_plugins_loaded"), 1)
        for mode in ("passive", "restart", "truncate"):
            self.assertIn(("rollin_checkpoints_total", (("mode", mode),)), m)
            self.assertGreaterEqual(
                value(m, "rollin_checkpoint_seconds_total", mode=mode), 0)
            self.assertIn(
                ("rollin_checkpoint_seconds_total", (("mode", mode),)), m)


class MetricsBehindAProxyTest(ServerTest):
    """A reverse proxy on the same host connects from loopback; what it
    forwards must not count as local."""

    def test_forwarded_requests_are_not_local(self):
        s = self.server
        self.assertEqual(s.get("/metrics").status, 200)
        r = s.get("/metrics", headers={"X-Forwarded-For": "203.0.113.7"})
        self.assertError(r, 403)
        self.assertIn("this host", r.error["message"])


class MetricsTrustedProxyTest(ServerTest):
    ENV = {"ROLLIN_TRUSTED_PROXIES": "127.0.0.1, ::1"}

    def test_the_trusted_proxy_names_the_client(self):
        s = self.server
        self.assertError(s.get("/metrics", headers={
            "X-Forwarded-For": "203.0.113.7"}), 403)
        # A client on this host through the proxy is local; one that
        # claims to be, in front of a remote address, is not.
        self.assertEqual(s.get("/metrics", headers={
            "X-Forwarded-For": "127.0.0.1"}).status, 200)
        self.assertError(s.get("/metrics", headers={
            "X-Forwarded-For": "127.0.0.1, 203.0.113.7"}), 403)
        self.assertEqual(s.get("/metrics").status, 200)


class MetricsOffTest(ServerTest):
    ENV = {"ROLLIN_METRICS": "off"}

    def test_metrics_off_is_not_found(self):
        r = self.server.get("/metrics")
        self.assertError(r, 404)


class MetricsTokenTest(ServerTest):
    ENV = {"ROLLIN_METRICS": "token"}

    def test_only_an_admin_token_reads_the_metrics(self):
        s = self.server
        s.cli("org", "add", "messamt", "--name", "Messamt", "--kind",
              "municipal")
        self.assertError(s.get("/metrics"), 401)
        self.assertError(s.get("/metrics",
                               token=s.token_for("owner", "messamt")), 403)
        m = scrape(s, token=s.token_for("admin", "messamt"))
        self.assertIn(("rollin_db_size_bytes", ()), m)


def closed_port():
    """A loopback port that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DeadLetterTest(unittest.TestCase):
    """A webhook whose receiver is unreachable gives up after one attempt:
    the metrics show the dead letter under the notifier's name."""

    def setUp(self):
        cfgdir = tempfile.TemporaryDirectory(prefix="rollin-e2e-cfg-")
        self.addCleanup(cfgdir.cleanup)
        cfg = os.path.join(cfgdir.name, "rollin.yaml")
        with open(cfg, "w", encoding="utf-8") as f:
            f.write("plugin_dirs: \"%s\"\n"
                    "plugins:\n"
                    "  webhook:\n"
                    "    url: \"http://127.0.0.1:%d/hook\"\n"
                    "    secret: \"geheim-Schlüssel-123\"\n"
                    "    max_attempts: 1\n"
                    "  email:\n"
                    "    enabled: false\n" % (PLUGIN_DIR, closed_port()))
        self.s = Server(args=["--config", cfg]).start()
        self.addCleanup(self.stop_server)

    def stop_server(self):
        self.s.stop()
        self.s.dir.cleanup()
        self.s.check_sanitizers()

    def test_dead_delivery_shows_under_its_notifier(self):
        s = self.s
        s.cli("org", "add", "betrieb", "--name", "Betrieb", "--kind",
              "provider")
        admin = s.token("admin", "betrieb")
        r = s.post(API + "/organisations",
                   {"slug": "kaputt", "kind": "municipal", "name": "Kaputt"},
                   token=admin)
        self.assertEqual(r.status, 201, r)
        deadline = time.monotonic() + 20
        while True:
            m = scrape(s)
            dead = value(m, "rollin_deliveries", notifier="webhook",
                         state="dead")
            lag = value(m, "rollin_outbox_lag_events", notifier="webhook")
            if (dead >= 1 and lag == 0) or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        # Every event so far went to the unreachable receiver and died,
        # as the delivery API counts them too.
        r = s.get(API + "/deliveries/status", token=admin)
        self.assertEqual(r.status, 200, r)
        status = {i["subscriber"]: i for i in r.json["items"]}["webhook"]
        self.assertGreaterEqual(dead, 1, m)
        self.assertEqual(dead, status["dead"], m)
        self.assertEqual(dead, value(m, "rollin_events_total"), m)
        self.assertEqual(value(m, "rollin_deliveries", notifier="webhook",
                               state="pending"), 0)
        # Given up on is done with: the notifier catches up with the log.
        self.assertEqual(lag, 0, m)


if __name__ == "__main__":
    unittest.main()
