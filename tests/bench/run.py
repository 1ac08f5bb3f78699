#!/usr/bin/env python3
"""Runs the benchmark: the bare evhttp floor against the real service on a
catalogue of 100,000 solutions, and prints one table with the targets.

Invoked by `cmake --build build-bench --target bench` (scripts/dev bench).
The server runs pinned to CPU 0 and wrk to CPU 1, each on loopback only;
every measurement is a short warm-up followed by a timed run. Everything
started here is stopped here, also on failure or Ctrl-C.

Environment (all optional):
  BENCH_DURATION=10     seconds of each measurement
  BENCH_WARMUP=2        seconds of warm-up before each measurement
  BENCH_SOLUTIONS=100000, BENCH_ORGANISATIONS=500   catalogue size
  BENCH_ONLY=read,search   run only these rows (bare always runs): read,
                        search, search-common, write-release, write-patch
  BENCH_PERF=1          record a CPU profile (perf) of the service during
                        each of its measurements into <build>/bench-perf/
  BENCH_KEEP=1          keep the working directory (database, logs)
  BENCH_STRICT=1        exit 1 when a target is missed
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
WRK_DIR = os.path.join(HERE, "wrk")
MIGRATIONS = os.path.join(HERE, "..", "..", "core", "store", "migrations")

# The first topics of seed.c: each is the theme of about 1 % of the
# solutions. "Barrierefreiheit" appears in about 10 % of descriptions.
SEARCH_WORDS = ["Gebühren", "Wohngeld", "Hundesteuer", "Baugenehmigung",
                "Elterngeld", "Kitaplatz", "Meldebescheinigung",
                "Gewerbeanmeldung", "Führerschein", "Personalausweis",
                "Reisepass", "Fahrzeugzulassung", "Anwohnerparken",
                "Sondernutzung", "Abfallentsorgung", "Grundsteuer",
                "Einbürgerung", "Aufenthaltstitel", "Bürgergeld",
                "Wohnberechtigung"]
COMMON_WORD = "Barrierefreiheit"
SEARCH_MATURITIES = ["pilot", "production", "widespread"]

# Targets of the service (docs/performance.md).
READ_VS_BARE = 0.50
SEARCH_P99_MS = 5.0
WRITE_RPS = 5000
WRITE_P99_MS = 5.0
RSS_MB = 48

children = []


def log(msg):
    print(f"==> {msg}", flush=True)


def env_int(name, default):
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        sys.exit(f"bench: {name} must be a whole number")


def on_signal(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def stop(proc, grace=10):
    """SIGTERM, then SIGKILL after grace seconds; only our own children."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def start(argv, **kw):
    proc = subprocess.Popen(argv, **kw)
    children.append(proc)
    return proc


def wait_for_line(path_or_proc, pattern, proc, timeout=120):
    """Waits until a log file (or the process's stdout) shows pattern."""
    rx = re.compile(pattern)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[0]} exited with {proc.returncode}")
        if isinstance(path_or_proc, str):
            with open(path_or_proc, encoding="utf-8", errors="replace") as f:
                m = rx.search(f.read())
            if m:
                return m
            time.sleep(0.05)
        else:
            line = path_or_proc.stdout.readline()
            m = rx.search(line)
            if m:
                return m
    raise RuntimeError(f"no '{pattern}' from {proc.args} in {timeout} s")


def proc_status(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
                out[key] = int(value.split()[0]) / 1024.0   # kB -> MB
    return out


def cpu_seconds(pid):
    """CPU time of the whole process, all its threads, in seconds: the
    scheduler's exact run time, not tick-sampled like /proc/PID/stat."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
        except FileNotFoundError:
            pass    # a thread that ended meanwhile
    return total / 1e9


def pin(cpu):
    if shutil.which("taskset") and (os.cpu_count() or 1) >= 2:
        return ["taskset", "-c", str(cpu)]
    return []


def catalogue_stamp(seed, norg):
    """What the cached catalogue was made from: the generator's format and
    the schema. A change to either makes a new one (a copy migrated at
    every start would hide what a new schema costs)."""
    fmt = subprocess.run([seed, "--format"], check=True, capture_output=True,
                         text=True).stdout.strip()
    h = hashlib.sha256()
    for name in sorted(os.listdir(MIGRATIONS)):
        if name.endswith(".sql"):
            h.update(name.encode())
            with open(os.path.join(MIGRATIONS, name), "rb") as f:
                h.update(f.read())
    return (f"format {fmt} organisations {norg} schema "
            f"{h.hexdigest()[:16]}\n")


def ensure_catalogue(seed, cache_dir, nsol, norg):
    name = f"bench-{nsol // 1000}k" if nsol % 1000 == 0 else f"bench-{nsol}"
    db = os.path.join(cache_dir, name + ".db")
    slugs = os.path.join(cache_dir, name + ".slugs")
    stamp = os.path.join(cache_dir, name + ".stamp")
    want = catalogue_stamp(seed, norg)
    if os.path.exists(db) and os.path.exists(slugs) and \
            os.path.exists(stamp) and open(stamp).read() == want:
        log(f"catalogue: {db} (cached; delete it to regenerate)")
        return db, slugs
    log(f"seeding {nsol} solutions of {norg} organisations into {db} "
        "(kept for later runs until the schema or the generator changes)")
    for p in (db, db + "-wal", db + "-shm", slugs, stamp,
              db + ".tmp", db + ".tmp-wal", db + ".tmp-shm"):
        if os.path.exists(p):
            os.unlink(p)
    t0 = time.monotonic()
    subprocess.run([seed, "--db", db + ".tmp", "--slugs", slugs + ".tmp",
                    "--solutions", str(nsol), "--organisations", str(norg)],
                   check=True)
    os.rename(db + ".tmp", db)
    os.rename(slugs + ".tmp", slugs)
    with open(stamp, "w") as f:
        f.write(want)
    log(f"seeded in {time.monotonic() - t0:.0f} s "
        f"({os.path.getsize(db) / 2**20:.0f} MB)")
    return db, slugs


def http(method, url, body=None, headers=None):
    req = urllib.request.Request(url, method=method, headers=headers or {},
                                 data=body)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def wrk(url, script, conns, seconds, env):
    argv = pin(1) + ["wrk", "-t1", f"-c{conns}", f"-d{seconds}s",
                     "--latency", "--timeout", "10s", "-s", script, url]
    r = subprocess.run(argv, capture_output=True, text=True,
                       env={**os.environ, **env}, timeout=seconds + 60)
    m = re.search(r"^BENCH (.*)$", r.stdout, re.M)
    if r.returncode != 0 or not m:
        raise RuntimeError(f"wrk failed ({r.returncode}):\n{r.stdout}\n"
                           f"{r.stderr}")
    out = {k: float(v) for k, v in
           (kv.split("=") for kv in m.group(1).split())}
    out["rps"] = out["requests"] / (out["duration_us"] / 1e6)
    out["errors"] = int(out["connect"] + out["read"] + out["write"] +
                        out["status"] + out["timeout"])
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rollin", required=True)
    ap.add_argument("--bare", required=True)
    ap.add_argument("--seed", required=True)
    ap.add_argument("--cache-dir", required=True)
    a = ap.parse_args()

    duration = env_int("BENCH_DURATION", 10)
    warmup = env_int("BENCH_WARMUP", 2)
    nsol = env_int("BENCH_SOLUTIONS", 100000)
    norg = env_int("BENCH_ORGANISATIONS", 500)
    only = [s for s in os.environ.get("BENCH_ONLY", "").split(",") if s]
    perf = os.environ.get("BENCH_PERF") == "1"
    for tool in ("wrk",) + (("perf",) if perf else ()):
        if not shutil.which(tool):
            sys.exit(f"bench: {tool} is not installed (scripts/dev deps)")
    if not pin(0):
        log("warning: no taskset or a single CPU: server and wrk share CPUs")
    load = os.getloadavg()[0]
    if load > 0.5:
        log(f"warning: load average {load:.1f}: other processes use the "
            "CPUs; requests/s will suffer more than CPU µs per request")

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    t_start = time.monotonic()
    db_cache, slugs_file = ensure_catalogue(a.seed, a.cache_dir, nsol, norg)

    work = tempfile.mkdtemp(prefix="rollin-bench-")
    rollin = bare = None
    rows, failed = [], False
    try:
        # A fresh copy per run: writes never accumulate in the cache, and
        # every solution starts at revision 1 (patch.lua relies on it).
        db = os.path.join(work, "bench.db")
        shutil.copyfile(db_cache, db)
        c = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        org = c.execute("SELECT slug FROM organisations ORDER BY id "
                        "LIMIT 1").fetchone()[0]
        nsolutions = c.execute("SELECT count(*) FROM solutions").fetchone()[0]
        c.close()
        token = subprocess.run([a.rollin, "token", "create", "--role",
                                "admin", "--org", org, "--label", "bench",
                                "--db", db], check=True, capture_output=True,
                               text=True).stdout.strip()
        with open(slugs_file) as f:
            slugs = [s for s in f.read().split("\n") if s]

        serve_log = os.path.join(work, "serve.log")
        t_spawn = time.monotonic()
        with open(serve_log, "w") as logf:
            rollin = start(pin(0) + [a.rollin, "serve", "--listen",
                                     "127.0.0.1:0", "--db", db],
                           stdout=logf, stderr=subprocess.STDOUT)
        port = wait_for_line(serve_log, r"listening on http://127\.0\.0\.1:"
                             r"(\d+)/", rollin).group(1)
        startup = time.monotonic() - t_spawn
        base = f"http://127.0.0.1:{port}"

        # The bare server answers with a real solution document.
        status, doc = http("GET", f"{base}/api/v1/solutions/{slugs[0]}")
        if status != 200:
            raise RuntimeError(f"GET solution answered {status}: {doc[:300]}")
        body_file = os.path.join(work, "solution.json")
        with open(body_file, "wb") as f:
            f.write(doc)
        bare = start(pin(0) + [a.bare, "--listen", "127.0.0.1:0", "--body",
                               body_file], stdout=subprocess.PIPE, text=True)
        bare_url = "http://127.0.0.1:" + wait_for_line(
            bare, r"listening on 127\.0\.0\.1:(\d+)", bare).group(1)

        # Request lists for the Lua scripts.
        files = {}
        for name, lines in (
                ("solutions", [f"/api/v1/solutions/{s}" for s in slugs]),
                ("search", [f"/api/v1/search?q={urllib.parse.quote(w)}"
                            f"&maturity={m}" for w in SEARCH_WORDS
                            for m in SEARCH_MATURITIES]),
                ("search-common", [f"/api/v1/search?q="
                                   f"{urllib.parse.quote(COMMON_WORD)}"
                                   f"&maturity={m}"
                                   for m in SEARCH_MATURITIES])):
            files[name] = os.path.join(work, name + ".paths")
            with open(files[name], "w") as f:
                f.write("\n".join(lines) + "\n")

        # Sanity: each kind of request works before it is timed.
        status, answer = http("GET", base + urllib.parse.quote(
            f"/api/v1/search?q={SEARCH_WORDS[0]}&maturity=production",
            safe="/?=&"))
        hits = json.loads(answer).get("total", 0) if status == 200 else 0
        if status != 200 or hits == 0:
            raise RuntimeError(f"search answered {status} with {hits} hits")
        log(f"{nsolutions} solutions; the service took {startup:.1f} s to "
            f"listen; a solution document is {len(doc)} bytes; "
            f"'{SEARCH_WORDS[0]}' in production has {hits} hits")

        auth = {"BENCH_TOKEN": token, "BENCH_SLUGS": slugs_file}
        paths = os.path.join(WRK_DIR, "paths.lua")
        # name, what, url, script, connections, env (measured, warm-up)
        plan = [
            ("bare", "bare evhttp, fixed body", bare_url, paths, 1,
             {"BENCH_PATHS": files["solutions"]}, None),
            ("bare", "bare evhttp, fixed body", bare_url, paths, 50,
             {"BENCH_PATHS": files["solutions"]}, None),
            ("read", "GET /solutions/{slug}", base, paths, 1,
             {"BENCH_PATHS": files["solutions"]}, None),
            ("read", "GET /solutions/{slug}", base, paths, 50,
             {"BENCH_PATHS": files["solutions"]}, None),
            ("search", "GET /search?q=<1% word>&maturity=", base, paths, 1,
             {"BENCH_PATHS": files["search"]}, None),
            ("search-common", "GET /search?q=<10% word>&maturity=", base,
             paths, 1, {"BENCH_PATHS": files["search-common"]}, None),
            ("write-release", "POST /solutions/{slug}/releases", base,
             os.path.join(WRK_DIR, "release.lua"), 1,
             {**auth, "BENCH_TAG": "m"}, {**auth, "BENCH_TAG": "w"}),
            # The warm-up edits solutions from 90 % of the list on, the
            # measurement from the start: each PATCH meets revision 1.
            ("write-patch", "PATCH /solutions/{slug} (summary)", base,
             os.path.join(WRK_DIR, "patch.lua"), 1,
             {**auth, "BENCH_OFFSET": "0"},
             {**auth, "BENCH_OFFSET": str(len(slugs) * 9 // 10)}),
        ]
        perf_dir = os.path.join(a.cache_dir, "bench-perf")
        if perf:
            os.makedirs(perf_dir, exist_ok=True)
        for name, what, url, script, conns, env, warm_env in plan:
            if only and name not in only and name != "bare":
                continue
            server = bare if name == "bare" else rollin
            log(f"{name}: {what}, {conns} connection(s): {warmup} s "
                f"warm-up, {duration} s measured")
            if warmup > 0:
                wrk(url, script, conns, warmup, warm_env or env)
            recorder = None
            if perf and server is rollin:
                data = os.path.join(perf_dir, f"{name}-c{conns}.data")
                recorder = start(["perf", "record", "-q", "-e", "cpu-clock",
                                  "-F", "499", "--call-graph", "dwarf,16384",
                                  "-p", str(rollin.pid), "-o", data],
                                 stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
                time.sleep(0.5)
            cpu0 = cpu_seconds(server.pid)
            try:
                r = wrk(url, script, conns, duration, env)
            finally:
                if recorder:
                    recorder.send_signal(signal.SIGINT)
                    recorder.wait(60)
            # CPU per request does not depend on what else runs on the
            # machine; requests per second do.
            r["cpu_us"] = (cpu_seconds(server.pid) - cpu0) * 1e6 / max(
                r["requests"], 1)
            r.update(proc_status(server.pid))
            # Disk use of the write-ahead log right after the measurement.
            r["wal_mb"] = (os.path.getsize(db + "-wal") / 1048576.0
                           if server is rollin and
                           os.path.exists(db + "-wal") else None)
            r.update(name=name, what=what, conns=conns)
            if r["errors"]:
                failed = True
                log(f"  {r['errors']} errors (non-2xx, timeouts, socket) "
                    f"in {int(r['requests'])} requests: see {serve_log}")
            rows.append(r)
        rollin_status = proc_status(rollin.pid)
        report(rows, rollin_status, len(doc), nsolutions, perf)
        with open(os.path.join(a.cache_dir, "bench-results.json"), "w") as f:
            json.dump({"rows": rows, "server": rollin_status,
                       "solutions": nsolutions, "startup_s": startup,
                       "load_average": os.getloadavg(),
                       "document_bytes": len(doc)}, f, indent=1)
        if perf:
            profile_reports(perf_dir)
    except KeyboardInterrupt as e:
        log(f"interrupted ({e})")
        failed = True
    except (RuntimeError, subprocess.CalledProcessError, OSError) as e:
        log(f"failed: {e}")
        failed = True
    finally:
        for proc in reversed(children):
            stop(proc)
        if os.environ.get("BENCH_KEEP") == "1":
            log(f"working directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    log(f"total {time.monotonic() - t_start:.0f} s")
    if failed:
        return 1
    if os.environ.get("BENCH_STRICT") == "1" and any(
            not ok for _, ok, _ in targets(rows, rollin_status)):
        return 1
    return 0


def profile_reports(perf_dir):
    """Next to each <row>.data: <row>.txt with the hottest symbols and the
    time charged to rollin's own functions (perf_fold.py)."""
    for data in sorted(os.listdir(perf_dir)):
        if not data.endswith(".data"):
            continue
        data = os.path.join(perf_dir, data)
        with open(data[:-5] + ".txt", "w") as out:
            out.write("== by rollin caller (perf_fold.py)\n")
            out.flush()
            script = subprocess.Popen(["perf", "script", "-i", data],
                                      stdout=subprocess.PIPE,
                                      stderr=subprocess.DEVNULL)
            subprocess.run([sys.executable, os.path.join(HERE,
                            "perf_fold.py"), "2", "40"], stdin=script.stdout,
                           stdout=out)
            script.wait()
            out.write("\n== hottest symbols (perf report --no-children)\n")
            out.flush()
            subprocess.run(["perf", "report", "-i", data, "--no-children",
                            "--percent-limit", "0.5", "--stdio", "-g",
                            "none"], stdout=out, stderr=subprocess.DEVNULL)
    log(f"profiles: {perf_dir}/*.txt (perf report -i <row>.data for the "
        "call graphs)")


def find(rows, name, conns):
    for r in rows:
        if r["name"] == name and r["conns"] == conns:
            return r
    return None


def targets(rows, server):
    """(label, met, detail) for every target whose rows were measured."""
    out = []
    for c in (1, 50):
        read, floor = find(rows, "read", c), find(rows, "bare", c)
        if read and floor:
            ratio = read["rps"] / floor["rps"]
            out.append((f"solution read >= {READ_VS_BARE:.0%} of bare "
                        f"({c} conn)", ratio >= READ_VS_BARE,
                        f"{ratio:.0%} ({read['rps']:.0f} vs "
                        f"{floor['rps']:.0f} req/s; by CPU per request "
                        f"{floor['cpu_us'] / read['cpu_us']:.0%})"))
    s = find(rows, "search", 1)
    if s:
        p99 = s["p99_us"] / 1000
        out.append((f"search with facets p99 < {SEARCH_P99_MS:g} ms (1 conn)",
                    p99 < SEARCH_P99_MS, f"p99 {p99:.2f} ms"))
    for name in ("write-release", "write-patch"):
        w = find(rows, name, 1)
        if w:
            p99 = w["p99_us"] / 1000
            out.append((f"{name} >= {WRITE_RPS}/s, p99 < {WRITE_P99_MS:g} ms "
                        "(1 conn)", w["rps"] >= WRITE_RPS and
                        p99 < WRITE_P99_MS,
                        f"{w['rps']:.0f}/s, p99 {p99:.2f} ms"))
    if server:
        out.append((f"server RSS < {RSS_MB} MB", server["VmHWM"] < RSS_MB,
                    f"peak {server['VmHWM']:.1f} MB, now "
                    f"{server['VmRSS']:.1f} MB"))
    return out


def report(rows, server, doc_bytes, nsolutions, perf):
    print()
    print(f"{'endpoint':<38} {'conn':>4} {'req/s':>9} {'p50 ms':>8} "
          f"{'p99 ms':>8} {'RSS MB':>7} {'vs bare':>8} {'CPU us/req':>10}"
          f" {'WAL MB':>7}")
    print("-" * 107)
    for r in rows:
        floor = find(rows, "bare", r["conns"])
        ratio = f"{r['rps'] / floor['rps']:.0%}" if floor else "-"
        print(f"{r['what']:<38} {r['conns']:>4} {r['rps']:>9.0f} "
              f"{r['p50_us'] / 1000:>8.3f} {r['p99_us'] / 1000:>8.3f} "
              f"{r['VmRSS']:>7.1f} {ratio:>8} {r['cpu_us']:>10.0f}"
              + (f" {r['wal_mb']:>7.1f}" if r.get("wal_mb") is not None
                 else f" {'-':>7}")
              + (f"  ({r['errors']} errors)" if r["errors"] else ""))
    print("-" * 107)
    print("CPU us/req: the server's CPU time (all threads) per request; "
          "1e6 / it is what one core could serve.")
    print(f"{nsolutions} solutions, solution document {doc_bytes} bytes; "
          f"service RSS peak {server['VmHWM']:.1f} MB, now "
          f"{server['VmRSS']:.1f} MB (anonymous {server['RssAnon']:.1f}, "
          f"file {server['RssFile']:.1f})"
          + ("; measured under perf (slower)" if perf else ""))
    print("load average at the end: %.1f %.1f %.1f (above ~0.5 other "
          "processes took CPU time from the measurements)" % os.getloadavg())
    print()
    for label, ok, detail in targets(rows, server):
        print(f"{'PASS' if ok else 'MISS'}  {label:<52} {detail}")
    print(flush=True)


if __name__ == "__main__":
    sys.exit(main())
