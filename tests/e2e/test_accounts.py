"""Password accounts: `rollin user` manages them (passwords never on the
command line), only argon2id hashes are stored, and signing in with a
user name and password opens the same web session a token does, acting
with the account's role for its organisation. Wrong names and passwords
get one answer, disabled accounts are refused, and repeated failures are
throttled."""

import glob
import os
import pty
import sqlite3
import subprocess
import time
import unittest

import yaml

from harness import ROLLIN_BIN, Server, ServerTest

API = "/api/v1"
SPEC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                    "docs", "openapi.yaml")
WRONG = "the user name or the password is wrong"
# "rehash me please 42" hashed with weaker parameters (t=1, 8 MiB) than
# the service uses: signing in with it must store a fresh hash.
WEAK_HASH = ("$argon2id$v=19$m=8192,t=1,p=1$OSpK03/UwHUIcBjtgP1B1A$"
             "BXcG4KIdNhfLWj/RBIQjr+VK9/eYvP23TFVmzfzoofw")


def add_user(server, name, role, org, password, *extra, check=True):
    """`rollin user add` with the password piped on stdin."""
    return user_cli(server, ["add", name, "--role", role, "--org", org]
                    + list(extra), password + "\n", check)


def user_cli(server, args, stdin="", check=True):
    p = subprocess.run([ROLLIN_BIN, "user"] + args + ["--db", server.db],
                       input=stdin, capture_output=True, text=True,
                       env=server.env, timeout=60)
    if check and p.returncode != 0:
        raise AssertionError("rollin user %s: %s" % (args, p.stderr))
    return p


def users(server):
    import json
    return {u["username"]: u for u in json.loads(
        user_cli(server, ["list"]).stdout)}


class Browser:
    """A client that keeps the session cookie and sends the CSRF token."""

    def __init__(self, server):
        self.server = server
        self.cookie = None
        self.csrf = None

    def sign_in(self, headers=None, **body):
        r = self.server.post(API + "/session", body, headers=headers or {})
        if r.status == 201:
            cookie = r.header("Set-Cookie")
            self.cookie = cookie.split(";")[0]
            self.csrf = r.json["csrf_token"]
            self.set_cookie = cookie
        return r

    def headers(self):
        h = {}
        if self.cookie:
            h["Cookie"] = self.cookie
        if self.csrf:
            h["X-CSRF-Token"] = self.csrf
        return h

    def get(self, path):
        return self.server.get(path, headers=self.headers())

    def post(self, path, body):
        r = self.server.post(path, body, headers=self.headers())
        if r.status == 201 and r.header("Set-Cookie"):
            self.cookie = r.header("Set-Cookie").split(";")[0]
            self.csrf = r.json["csrf_token"]
        return r

    def patch(self, path, body, etag):
        return self.server.patch(path, body, etag=etag,
                                 headers=self.headers())


class AccountsTest(ServerTest):
    ENV = {"ROLLIN_TIMER_INTERVAL": "86400"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        for slug in ("acct-a", "acct-b"):
            s.cli("org", "add", slug, "--name", "Org " + slug, "--kind",
                  "municipal")
        cls.admin = s.token_for("admin", "acct-a")
        for slug, org in (("acct-sol-a", "acct-a"), ("acct-sol-b", "acct-b")):
            r = s.post(API + "/solutions", {"slug": slug, "name": slug,
                                           "owner": org,
                                           "maturity": "pilot"},
                       token=cls.admin)
            assert r.status == 201, r

    # -- the command line --------------------------------------------------

    def test_cli_adds_lists_and_refuses_bad_input(self):
        s = self.server
        p = add_user(s, "Carla.Meier", "owner", "acct-a",
                     "Lange genug, wirklich!", "--name", "Carla Meier")
        self.assertIn("created", p.stderr)
        u = users(s)["Carla.Meier"]
        self.assertEqual((u["role"], u["organisation"], u["name"],
                          u["disabled"], u["last_sign_in_at"]),
                         ("owner", "acct-a", "Carla Meier", False, None))
        self.assertNotIn("password_hash", u)
        self.assertNotIn("hash", u)
        # Names are unique regardless of case.
        p = add_user(s, "carla.MEIER", "adopter", "acct-b",
                     "another long password", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("already a user", p.stderr)
        # Too short: a clear message, and no account.
        p = add_user(s, "shorty", "owner", "acct-a", "kurz", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("at least 12 characters", p.stderr)
        # Unknown organisation, bad role, bad name.
        p = add_user(s, "nowhere", "owner", "no-such-org",
                     "long enough password", check=False)
        self.assertIn("no organisation 'no-such-org'", p.stderr)
        p = add_user(s, "boss", "chief", "acct-a", "long enough password",
                     check=False)
        self.assertIn("--role must be", p.stderr)
        p = add_user(s, "a@b", "owner", "acct-a", "long enough password",
                     check=False)
        self.assertIn("letters", p.stderr)
        # No password on stdin at all.
        p = user_cli(s, ["add", "empty", "--role", "owner", "--org",
                         "acct-a"], "", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("standard input", p.stderr)
        self.assertEqual(set(users(s)) & {"shorty", "nowhere", "boss",
                                          "a@b", "empty"}, set())

    def test_a_password_cannot_be_given_on_the_command_line(self):
        s = self.server
        for args in (["add", "argv1", "--role", "owner", "--org", "acct-a",
                      "--password", "Geheim-Passwort-1"],
                     ["add", "argv2", "--role", "owner", "--org", "acct-a",
                      "Geheim-Passwort-2"],
                     ["add", "argv3", "--role", "owner", "--org", "acct-a",
                      "--password=Geheim-Passwort-3"]):
            p = user_cli(s, args, "Geheim-Passwort-0\n", check=False)
            self.assertEqual(p.returncode, 2, args)
            self.assertIn("usage: rollin user", p.stderr)
        self.assertEqual(set(users(s)) & {"argv1", "argv2", "argv3"}, set())
        p = user_cli(s, ["passwd", "argv1", "Geheim-Passwort-4"],
                     check=False)
        self.assertEqual(p.returncode, 2)
        for verb in ([], ["add"], ["passwd"], ["list"], ["disable"]):
            p = user_cli(s, verb + ["--help"])
            self.assertIn("without\necho", p.stdout)
            self.assertIn("--role ROLE", p.stdout)

    def test_the_terminal_asks_twice_and_does_not_show_the_password(self):
        s = self.server

        def at_terminal(args, lines):
            pid, fd = pty.fork()
            if pid == 0:
                os.execve(ROLLIN_BIN, [ROLLIN_BIN, "user"] + args +
                          ["--db", s.db], s.env)
            out = b""
            # Each line only after its prompt: the echo is switched off
            # (and typed-ahead input dropped) just before the prompt.
            for prompt, line in zip((b"New password: ", b"Repeat it: "),
                                    lines):
                while not out.endswith(prompt):
                    out += os.read(fd, 1024)
                os.write(fd, line.encode() + b"\n")
            while True:
                try:
                    chunk = os.read(fd, 1024)
                except OSError:
                    break
                if not chunk:
                    break
                out += chunk
            _, status = os.waitpid(pid, 0)
            return os.waitstatus_to_exitcode(status), out.decode()

        rc, out = at_terminal(["add", "tty.user", "--role", "owner",
                               "--org", "acct-a"],
                              ["am Terminal getippt", "am Terminal getippt"])
        self.assertEqual(rc, 0, out)
        self.assertIn("New password:", out)
        self.assertIn("Repeat it:", out)
        self.assertNotIn("getippt", out)
        rc, out = at_terminal(["passwd", "tty.user"],
                              ["erste Fassung 123", "zweite Fassung 456"])
        self.assertEqual(rc, 1, out)
        self.assertIn("differ", out)
        self.assertNotIn("Fassung", out)
        self.assertEqual(Browser(s).sign_in(
            username="tty.user", password="am Terminal getippt").status, 201)

    def test_only_an_argon2id_hash_is_stored(self):
        s = self.server
        password = "Kein-Klartext-im-Speicher-7"
        add_user(s, "hashcheck", "adopter", "acct-b", password)
        con = sqlite3.connect(s.db)
        (stored,) = con.execute("SELECT password_hash FROM users WHERE "
                                "username = 'hashcheck'").fetchone()
        con.close()
        self.assertTrue(stored.startswith("$argon2id$v=19$m=65536,t=2,"),
                        stored)
        # Neither the database nor its write-ahead log hold the password.
        b = Browser(s)
        self.assertEqual(b.sign_in(username="hashcheck",
                                   password=password).status, 201)
        files = glob.glob(s.db + "*")
        self.assertTrue(files)
        for path in files:
            with open(path, "rb") as f:
                data = f.read()
            self.assertNotIn(password.encode(), data, path)
        self.assertNotIn(password, "\n".join(s.log))

    # -- signing in --------------------------------------------------------

    def test_signed_in_account_acts_with_its_role_and_organisation(self):
        s = self.server
        add_user(s, "owner.a", "owner", "acct-a", "Eigentuemer-Passwort")
        b = Browser(s)
        r = b.sign_in(username="OWNER.A", password="Eigentuemer-Passwort")
        self.assertEqual(r.status, 201, r)
        self.assertEqual((r.json["role"], r.json["organisation"],
                          r.json["username"], r.json["actor"],
                          r.json["via"]),
                         ("owner", "acct-a", "owner.a",
                          "user:owner.a@acct-a", "session"))
        for part in ("HttpOnly", "SameSite=Strict", "Path=/"):
            self.assertIn(part, b.set_cookie)
        self.assertEqual(r.header("Cache-Control"), "no-store")
        who = b.get(API + "/session").json
        self.assertEqual((who["signed_in"], who["role"], who["username"]),
                         (True, "owner", "owner.a"))
        # Its own organisation's solution: allowed, and signed by name.
        etag = s.get(API + "/solutions/acct-sol-a").header("ETag")
        r = b.patch(API + "/solutions/acct-sol-a",
                    {"summary": "Gepflegt mit Passwort"}, etag)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["updated_by"], "user:owner.a@acct-a")
        events = [e for e in s.events(self.admin)
                  if e["type"] == "solution.updated"
                  and e["subject"].endswith("acct-sol-a")]
        self.assertEqual(events[-1]["actor"], "user:owner.a@acct-a")
        # Another organisation's: forbidden.
        etag = s.get(API + "/solutions/acct-sol-b").header("ETag")
        r = b.patch(API + "/solutions/acct-sol-b", {"summary": "fremd"},
                    etag)
        self.assertError(r, 403)
        self.assertNotEqual(s.get(API + "/solutions/acct-sol-b")
                            .json.get("summary"), "fremd")
        # Without the CSRF token the cookie does not write.
        r = s.patch(API + "/solutions/acct-sol-a", {"summary": "x"},
                    etag=s.get(API + "/solutions/acct-sol-a").header("ETag"),
                    headers={"Cookie": b.cookie})
        self.assertError(r, 403, code="csrf")
        self.assertIsNotNone(users(s)["owner.a"]["last_sign_in_at"])

    def test_wrong_password_and_unknown_user_get_the_same_answer(self):
        s = self.server
        add_user(s, "known", "adopter", "acct-b", "richtiges Passwort")
        wrong = Browser(s).sign_in(username="known",
                                   password="falsches Passwort")
        unknown = Browser(s).sign_in(username="nobody-here",
                                     password="falsches Passwort")
        for r in (wrong, unknown):
            self.assertError(r, 401, field="password",
                             code="unauthenticated")
            self.assertEqual(r.error["message"], WRONG)
            self.assertIsNone(r.header("Set-Cookie"))
        self.assertEqual(wrong.raw, unknown.raw)
        # Signing in again ends the browser's session, even if it fails;
        # a malformed request leaves it alone.
        b = Browser(s)
        b.sign_in(username="known", password="richtiges Passwort")
        r = s.post(API + "/session", {"username": "known"},
                   headers={"Cookie": b.cookie})
        self.assertError(r, 422, field="password")
        self.assertTrue(b.get(API + "/session").json["signed_in"])
        r = s.post(API + "/session", {"username": "known",
                                      "password": "falsches Passwort"},
                   headers={"Cookie": b.cookie})
        self.assertError(r, 401)
        self.assertFalse(b.get(API + "/session").json["signed_in"])

    def test_bad_sign_in_bodies_name_the_field(self):
        s = self.server
        r = s.post(API + "/session", {"username": "known"})
        self.assertError(r, 422, field="password", code="missing_field")
        r = s.post(API + "/session", {"password": "something long"})
        self.assertError(r, 422, field="username", code="missing_field")
        r = s.post(API + "/session", {"username": 5, "password": "x"})
        self.assertError(r, 422, field="username", code="wrong_type")
        r = s.post(API + "/session", {"username": "", "password": "x"})
        self.assertError(r, 422, field="username")
        r = s.post(API + "/session", {"username": "a", "password": "b",
                                      "token": "rollin_x"})
        self.assertError(r, 422, field="token")
        r = s.post(API + "/session", {"username": "a", "password": "b",
                                      "remember": True})
        self.assertError(r, 422, field="remember", code="unknown_field")

    def test_disabled_account_is_refused_and_signed_out(self):
        s = self.server
        add_user(s, "leaver", "owner", "acct-a", "bald nicht mehr da")
        b = Browser(s)
        self.assertEqual(b.sign_in(username="leaver",
                                   password="bald nicht mehr da").status, 201)
        self.assertTrue(b.get(API + "/session").json["signed_in"])
        p = user_cli(s, ["disable", "LEAVER"])
        self.assertIn("disabled", p.stderr)
        self.assertTrue(users(s)["leaver"]["disabled"])
        # The open session ends at once.
        self.assertFalse(b.get(API + "/session").json["signed_in"])
        r = Browser(s).sign_in(username="leaver",
                               password="bald nicht mehr da")
        self.assertError(r, 401, code="account_disabled")
        # A wrong password still says nothing about the account.
        r = Browser(s).sign_in(username="leaver", password="falsch falsch")
        self.assertEqual(r.error["message"], WRONG)
        user_cli(s, ["enable", "leaver"])
        self.assertEqual(Browser(s).sign_in(
            username="leaver", password="bald nicht mehr da").status, 201)

    def test_a_new_password_replaces_the_old_and_ends_sessions(self):
        s = self.server
        add_user(s, "changer", "onboarding", "acct-b", "das alte Passwort")
        b = Browser(s)
        self.assertEqual(b.sign_in(username="changer",
                                   password="das alte Passwort").status, 201)
        p = user_cli(s, ["passwd", "changer"], "zu kurz\n", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertTrue(b.get(API + "/session").json["signed_in"])
        user_cli(s, ["passwd", "changer"], "das neue Passwort\n")
        self.assertFalse(b.get(API + "/session").json["signed_in"])
        self.assertEqual(Browser(s).sign_in(
            username="changer", password="das alte Passwort").status, 401)
        self.assertEqual(Browser(s).sign_in(
            username="changer", password="das neue Passwort").status, 201)
        p = user_cli(s, ["passwd", "nobody-at-all"], "das neue Passwort\n",
                     check=False)
        self.assertIn("no user 'nobody-at-all'", p.stderr)

    def test_people_change_their_own_password(self):
        s = self.server
        add_user(s, "selbst", "adopter", "acct-a", "mein erstes Passwort")
        here, there = Browser(s), Browser(s)
        for b in (here, there):
            self.assertEqual(b.sign_in(username="selbst",
                                       password="mein erstes Passwort")
                             .status, 201)
        path = API + "/session/password"
        # Wrong current password, a new one too short or unchanged, and
        # fields missing or unknown: each refused at its field.
        r = here.post(path, {"password": "geraten, nicht gewusst",
                             "new_password": "mein zweites Passwort"})
        self.assertError(r, 422, field="password", code="invalid_value")
        self.assertIn("current password is wrong", r.error["message"])
        r = here.post(path, {"password": "mein erstes Passwort",
                             "new_password": "zu kurz"})
        self.assertError(r, 422, field="new_password")
        r = here.post(path, {"password": "mein erstes Passwort",
                             "new_password": "mein erstes Passwort"})
        self.assertError(r, 422, field="new_password")
        r = here.post(path, {"password": "mein erstes Passwort"})
        self.assertError(r, 422, field="new_password", code="missing_field")
        r = here.post(path, {"password": "mein erstes Passwort",
                             "new_password": "mein zweites Passwort",
                             "confirm": "mein zweites Passwort"})
        self.assertError(r, 422, field="confirm", code="unknown_field")
        # Without the CSRF token a page of another site gets nowhere.
        r = s.post(path, {"password": "mein erstes Passwort",
                          "new_password": "mein zweites Passwort"},
                   headers={"Cookie": here.cookie})
        self.assertError(r, 403, code="csrf")
        self.assertTrue(there.get(API + "/session").json["signed_in"])

        old_cookie = here.cookie
        r = here.post(path, {"password": "mein erstes Passwort",
                             "new_password": "mein zweites Passwort"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["username"], "selbst")
        self.assertNotEqual(here.cookie, old_cookie)
        # This browser stays signed in with its new session; the other
        # one, and the old cookie, are signed out.
        self.assertTrue(here.get(API + "/session").json["signed_in"])
        self.assertFalse(there.get(API + "/session").json["signed_in"])
        self.assertFalse(s.get(API + "/session", headers={
            "Cookie": old_cookie}).json["signed_in"])
        self.assertEqual(Browser(s).sign_in(
            username="selbst", password="mein erstes Passwort").status, 401)
        self.assertEqual(Browser(s).sign_in(
            username="selbst", password="mein zweites Passwort").status,
            201)
        # The change is in the event log, signed by the account.
        events = [e for e in s.events(self.admin)
                  if e["type"] == "user.updated" and
                  e["actor"] == "user:selbst@acct-a"]
        self.assertEqual(len(events), 1, events)
        # A token has no password to change; nobody signed in neither.
        r = s.post(path, {"password": "x", "new_password": "y" * 12},
                   token=s.token_for("adopter", "acct-a"))
        self.assertError(r, 403)
        self.assertError(s.post(path, {"password": "x",
                                       "new_password": "y" * 12}), 401)

    def test_weaker_hashes_are_replaced_on_sign_in(self):
        s = self.server
        add_user(s, "legacy", "adopter", "acct-a", "wird gleich ersetzt")
        con = sqlite3.connect(s.db)
        with con:
            con.execute("UPDATE users SET password_hash = ? WHERE "
                        "username = 'legacy'", (WEAK_HASH,))
        r = Browser(s).sign_in(username="legacy",
                               password="rehash me please 42")
        self.assertEqual(r.status, 201, r)
        # The new hash is written beside the answer, off the loop.
        deadline = time.time() + 10
        while True:
            (stored,) = con.execute("SELECT password_hash FROM users WHERE "
                                    "username = 'legacy'").fetchone()
            if stored != WEAK_HASH or time.time() > deadline:
                break
            time.sleep(0.05)
        con.close()
        self.assertTrue(stored.startswith("$argon2id$v=19$m=65536,t=2,"),
                        stored)
        self.assertEqual(Browser(s).sign_in(
            username="legacy", password="rehash me please 42").status, 201)

    def test_repeated_failures_are_throttled(self):
        s = self.server
        add_user(s, "target", "owner", "acct-b", "das echte Passwort")
        for i in range(5):
            r = Browser(s).sign_in(username="target",
                                   password="Rate %d daneben" % i)
            self.assertError(r, 401, code="unauthenticated")
        # Locked: even the right password waits, in any spelling.
        for name in ("target", "TARGET"):
            r = Browser(s).sign_in(username=name,
                                   password="das echte Passwort")
            self.assertError(r, 429, code="too_many_attempts")
            first = int(r.header("Retry-After"))
            self.assertGreaterEqual(first, 1)
        # Another account from the same address is not locked.
        add_user(s, "bystander", "owner", "acct-b", "unbeteiligt bleiben")
        self.assertEqual(Browser(s).sign_in(
            username="bystander", password="unbeteiligt bleiben").status,
            201)
        # Each further failure doubles the wait.
        time.sleep(first + 0.2)
        r = Browser(s).sign_in(username="target", password="wieder falsch")
        self.assertEqual(r.status, 401)
        r = Browser(s).sign_in(username="target", password="egal")
        self.assertError(r, 429)
        self.assertGreater(int(r.header("Retry-After")), first)
        # Success after the wait clears the count.
        time.sleep(int(r.header("Retry-After")) + 0.2)
        self.assertEqual(Browser(s).sign_in(
            username="target", password="das echte Passwort").status, 201)
        self.assertEqual(Browser(s).sign_in(
            username="target", password="wieder falsch").status, 401)

    # -- the admin API -----------------------------------------------------

    def test_admins_manage_accounts_over_the_api(self):
        s = self.server
        owner = s.token_for("owner", "acct-a")
        body = {"username": "api.user", "password": "ueber die API gesetzt",
                "role": "adopter", "organisation": "acct-b",
                "name": "Api Nutzer"}
        # Only admins; the others learn nothing.
        self.assertError(s.get(API + "/users", token=owner), 403,
                         code="forbidden")
        self.assertError(s.post(API + "/users", body, token=owner), 403)
        self.assertError(s.get(API + "/users"), 401)
        self.assertError(s.post(API + "/users", body), 401)
        r = s.post(API + "/users", body, token=self.admin)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.header("Location"), API + "/users/api.user")
        self.assertEqual((r.json["username"], r.json["role"],
                          r.json["organisation"], r.json["name"],
                          r.json["disabled"]),
                         ("api.user", "adopter", "acct-b", "Api Nutzer",
                          False))
        page = s.get(API + "/users", token=self.admin).json
        listed = page["items"]
        # As the OpenAPI description promises.
        with open(SPEC, encoding="utf-8") as f:
            schemas = yaml.safe_load(f)["components"]["schemas"]
        self.assertTrue(set(schemas["UserList"]["required"]) <= set(page))
        for u in listed:
            self.assertTrue(set(schemas["User"]["required"]) <= set(u), u)
            self.assertTrue(set(u) <= set(schemas["User"]["properties"]), u)
        self.assertIn("api.user", [u["username"] for u in listed])
        for u in listed + [r.json]:
            self.assertFalse({"password", "password_hash", "hash"} & set(u))
            self.assertNotIn("$argon2id$", str(u))
        self.assertEqual(users(s)["api.user"]["organisation"], "acct-b")
        # Refusals name the field.
        self.assertError(s.post(API + "/users", body, token=self.admin),
                         409, field="username")
        self.assertError(s.post(API + "/users", dict(body, username="API.USER"),
                                token=self.admin), 409, field="username")
        self.assertError(s.post(API + "/users", dict(body, username="x2",
                                                     password="kurz"),
                                token=self.admin), 422, field="password")
        self.assertError(s.post(API + "/users", dict(body, username="x3",
                                                     role="chef"),
                                token=self.admin), 422, field="role")
        self.assertError(s.post(API + "/users", dict(body, username="x4",
                                                     organisation="nix"),
                                token=self.admin), 422, field="organisation")
        missing = dict(body, username="x5")
        del missing["password"]
        self.assertError(s.post(API + "/users", missing, token=self.admin),
                         422, field="password", code="missing_field")
        self.assertError(s.post(API + "/users", dict(body, username="x6",
                                                     pass_word="y"),
                                token=self.admin), 422, field="pass_word")
        self.assertFalse({"x2", "x3", "x4", "x5", "x6"} & set(users(s)))
        # It signs in and acts as an adopter of acct-b.
        b = Browser(s)
        r = b.sign_in(username="api.user", password="ueber die API gesetzt")
        self.assertEqual((r.status, r.json["role"], r.json["organisation"]),
                         (201, "adopter", "acct-b"))
        # A new role signs the account out; the new role applies after.
        r = s.patch(API + "/users/API.user", {"role": "owner"},
                    token=self.admin)
        self.assertEqual((r.status, r.json["role"]), (200, "owner"), r)
        self.assertFalse(b.get(API + "/session").json["signed_in"])
        r = b.sign_in(username="api.user", password="ueber die API gesetzt")
        self.assertEqual(r.json["role"], "owner")
        # A new password over the API, then disabled.
        r = s.patch(API + "/users/api.user",
                    {"password": "ein ganz neues Passwort"}, token=self.admin)
        self.assertEqual(r.status, 200, r)
        self.assertNotEqual(r.json["password_changed_at"], None)
        self.assertEqual(Browser(s).sign_in(
            username="api.user", password="ueber die API gesetzt").status, 401)
        r = s.patch(API + "/users/api.user", {"disabled": True},
                    token=self.admin)
        self.assertEqual((r.status, r.json["disabled"]), (200, True), r)
        self.assertError(Browser(s).sign_in(
            username="api.user", password="ein ganz neues Passwort"), 401,
            code="account_disabled")
        self.assertError(s.patch(API + "/users/api.user", {"disabled": "ja"},
                                 token=self.admin), 422, field="disabled")
        self.assertError(s.patch(API + "/users/api.user", {"username": "z"},
                                 token=self.admin), 422, field="username")
        self.assertError(s.patch(API + "/users/nobody", {"disabled": True},
                                 token=self.admin), 404)
        self.assertError(s.get(API + "/users/nobody", token=self.admin), 404)
        self.assertEqual(s.request("DELETE", API + "/users/api.user",
                                   token=self.admin).status, 405)
        # The event log names who did it, never the hash.
        events = [e for e in s.events(self.admin)
                  if e["subject"].startswith("users/")]
        self.assertIn("user.created", [e["type"] for e in events])
        self.assertTrue(all("argon2" not in str(e) for e in events))
        self.assertTrue(any(e["actor"].startswith("admin@acct-a")
                            for e in events))



class AddressThrottleTest(ServerTest):
    """Guessing across many names from one address is throttled too."""

    def test_many_names_from_one_address(self):
        s = self.server
        s.cli("org", "add", "addr-org", "--name", "Org", "--kind", "other")
        add_user(s, "real.person", "adopter", "addr-org",
                 "ein gutes Passwort")
        # An X-Forwarded-For from a client is not believed: the
        # service trusts no proxy unless told.
        statuses = [Browser(s).sign_in(
            username="guess%d" % i, password="Passwort123456",
            headers={"X-Forwarded-For": "198.51.100.%d" % i}).status
            for i in range(21)]
        self.assertEqual(statuses[:20], [401] * 20)
        self.assertEqual(statuses[20], 429)
        r = Browser(s).sign_in(username="real.person",
                               password="ein gutes Passwort")
        self.assertError(r, 429, code="too_many_attempts")
        self.assertGreaterEqual(int(r.header("Retry-After")), 1)


class TrustedProxyThrottleTest(ServerTest):
    """Behind a trusted reverse proxy, the per-address limit counts each
    client the proxy names, not the proxy."""
    ENV = {"ROLLIN_TRUSTED_PROXIES": "127.0.0.1,::1"}

    def test_clients_behind_the_proxy_are_counted_apart(self):
        s = self.server
        s.cli("org", "add", "proxy-org", "--name", "Org", "--kind", "other")
        add_user(s, "real.person", "adopter", "proxy-org",
                 "ein gutes Passwort")
        guesser = {"X-Forwarded-For": "203.0.113.7"}
        statuses = [Browser(s).sign_in(username="guess%d" % i,
                                       password="Passwort123456",
                                       headers=guesser).status
                    for i in range(21)]
        self.assertEqual(statuses[:20], [401] * 20)
        self.assertEqual(statuses[20], 429)
        # Prepending another address (the proxy appends the one it saw)
        # does not escape the count.
        r = Browser(s).sign_in(username="guess21", password="x",
                               headers={"X-Forwarded-For":
                                        "192.0.2.1, 203.0.113.7"})
        self.assertError(r, 429, code="too_many_attempts")
        # Someone else behind the same proxy signs in.
        r = Browser(s).sign_in(username="real.person",
                               password="ein gutes Passwort",
                               headers={"X-Forwarded-For": "198.51.100.4"})
        self.assertEqual(r.status, 201, r)


if __name__ == "__main__":
    unittest.main()
