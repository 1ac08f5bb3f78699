/*
 * `rollin user`: accounts that sign in to the web UI with a user name
 * and a password. Passwords are never taken from the command line, where
 * other users of the machine and the shell history would see them: they
 * are typed at the terminal without echo or, when standard input is not
 * a terminal, read as its first line (for scripts).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "store/db.h"
#include "store/users.h"
#include "util/password.h"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: rollin user add USERNAME --role ROLE --org SLUG "
	    "[--name TEXT]\n"
	    "       rollin user list\n"
	    "       rollin user passwd USERNAME\n"
	    "       rollin user disable USERNAME\n"
	    "       rollin user enable USERNAME\n\n"
	    "Accounts that sign in to the web UI with a user name and a\n"
	    "password. Like a token, an account acts with ROLE (admin, "
	    "owner,\n"
	    "onboarding or adopter) for the organisation SLUG. `add` and\n"
	    "`passwd` ask for the password at the terminal (twice, without\n"
	    "echo) or read it as one line from standard input when that is\n"
	    "not a terminal; it needs at least %d characters. Only its\n"
	    "argon2id hash is stored. Changing the password or disabling\n"
	    "the account signs it out everywhere. User names (letters,\n"
	    "digits, '.', '_', '-') compare without regard to case.\n\n"
	    "  --role ROLE        what the account may do\n"
	    "  --org SLUG         the organisation it acts for\n"
	    "  --name TEXT        the person's name, for lists\n",
	    PASSWORD_MIN);
	cli_common_help(out);
}

static struct termios        saved_tty;
static volatile sig_atomic_t echo_off;

/* Ctrl-C while the password is typed must not leave the echo off. */
static void
restore_echo(int sig)
{
	if (echo_off)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* One line of stdin without its line end; -1 at EOF or if too long. */
static int
read_line(char *out, size_t outlen)
{
	size_t len;

	if (fgets(out, (int)outlen, stdin) == NULL)
		return -1;
	len = strcspn(out, "\r\n");
	if (out[len] == '\0' && len == outlen - 1)
		return -1; /* no line end: longer than the buffer */
	out[len] = '\0';
	return 0;
}

static int
prompt_hidden(const char *prompt, char *out, size_t outlen)
{
	struct termios quiet;
	int            rc;

	if (tcgetattr(STDIN_FILENO, &saved_tty) == -1)
		return -1;
	quiet = saved_tty;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ECHONL;
	signal(SIGINT, restore_echo);
	signal(SIGTERM, restore_echo);
	echo_off = 1;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == -1) {
		echo_off = 0;
		return -1;
	}
	/* Only now: what is typed after the prompt must not show. */
	fprintf(stderr, "%s", prompt);
	fflush(stderr);
	rc = read_line(out, outlen);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
	echo_off = 0;
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	return rc;
}

/* Reads a new password and checks it; hashes it into hash. */
static int
new_password(char hash[PASSWORD_HASH_LEN])
{
	char pw[PASSWORD_MAX + 2], again[PASSWORD_MAX + 2], why[128];
	int  rc = -1;

	if (isatty(STDIN_FILENO)) {
		if (prompt_hidden("New password: ", pw, sizeof(pw)) == -1 ||
		    prompt_hidden("Repeat it: ", again, sizeof(again)) == -1)
			fprintf(stderr, "rollin: no password was read\n");
		else if (strcmp(pw, again) != 0)
			fprintf(stderr,
			    "rollin: the two passwords differ; nothing was "
			    "changed\n");
		else
			rc = 0;
	} else if (read_line(pw, sizeof(pw)) == -1)
		fprintf(stderr,
		    "rollin: expected the password as one line on standard "
		    "input (at most %d bytes)\n",
		    PASSWORD_MAX);
	else
		rc = 0;
	if (rc == 0 && password_acceptable(pw, why, sizeof(why)) == -1) {
		fprintf(stderr, "rollin: %s\n", why);
		rc = -1;
	}
	if (rc == 0 && password_hash(pw, hash) == -1) {
		fprintf(stderr, "rollin: hashing the password failed\n");
		rc = -1;
	}
	sodium_memzero(pw, sizeof(pw));
	sodium_memzero(again, sizeof(again));
	return rc;
}

static int
print_json(json_t *v)
{
	char *text = json_dumps(v, JSON_INDENT(2));

	printf("%s\n", text);
	free(text);
	json_decref(v);
	return 0;
}

static int
add(struct db *db, const char *username, const char *role, const char *org,
    const char *name)
{
	char            hash[PASSWORD_HASH_LEN];
	struct rl_error err;
	struct user     u;

	if (role == NULL || org == NULL) {
		fprintf(stderr, "rollin: user add needs --role and --org\n");
		return 2;
	}
	if (role_parse(role) == ROLE_NONE) {
		fprintf(stderr,
		    "rollin: --role must be admin, owner, onboarding or "
		    "adopter, not '%s'\n",
		    role);
		return 1;
	}
	/* Refuse before asking for a password that would be thrown away. */
	if (users_name_valid(username, &err) == -1) {
		fprintf(stderr, "rollin: %s\n", err.message);
		return 1;
	}
	if (users_find(db, username, &u) == 0) {
		fprintf(stderr, "rollin: there is already a user '%s'\n",
		    u.username);
		return 1;
	}
	if (new_password(hash) == -1)
		return 1;
	if (users_create(db, username, name, role_parse(role), org, hash, "cli",
	        &err) == -1) {
		fprintf(stderr, "rollin: %s%s%s\n",
		    strcmp(err.field, "org") == 0 ? "--org: " : "",
		    strcmp(err.field, "name") == 0 ? "--name: " : "",
		    err.message);
		return 1;
	}
	fprintf(stderr, "rollin: user %s (%s of %s) created\n", username, role,
	    org);
	return 0;
}

static int
change(struct db *db, const char *verb, const char *username)
{
	char            hash[PASSWORD_HASH_LEN];
	struct rl_error err;
	struct user     u;
	int             rc;

	if (users_find(db, username, &u) == -1) {
		fprintf(stderr, "rollin: there is no user '%s'\n", username);
		return 1;
	}
	if (strcmp(verb, "passwd") == 0) {
		if (new_password(hash) == -1)
			return 1;
		rc = users_update(db, username, hash, ROLE_NONE, NULL, NULL, -1,
		    "cli", &err);
	} else
		rc = users_update(db, username, NULL, ROLE_NONE, NULL, NULL,
		    strcmp(verb, "disable") == 0, "cli", &err);
	if (rc == -1) {
		fprintf(stderr, "rollin: %s\n", err.message);
		return 1;
	}
	fprintf(stderr, "rollin: user %s %s\n", u.username,
	    strcmp(verb, "passwd") == 0        ? "has a new password"
	        : strcmp(verb, "disable") == 0 ? "is disabled"
	                                       : "is enabled");
	return 0;
}

/* How many operands a verb takes after it; -1 if it is no verb. */
static int
operands(const char *verb)
{
	if (strcmp(verb, "list") == 0)
		return 0;
	if (strcmp(verb, "add") == 0 || strcmp(verb, "passwd") == 0 ||
	    strcmp(verb, "disable") == 0 || strcmp(verb, "enable") == 0)
		return 1;
	return -1; /* never matches: the verb itself is an argument */
}

int
cmd_user(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "role", required_argument, NULL, 'r' },
		{ "org", required_argument, NULL, 'o' },
		{ "name", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_flags flags = { 0 };
	struct config    cfg;
	struct db       *db;
	const char      *role = NULL, *org = NULL, *name = NULL, *verb;
	int              ch, rc = 2;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			role = optarg;
			break;
		case 'o':
			org = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		default:
			if (cli_common_option(ch, &flags, usage, &rc))
				return rc;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	verb = argv[optind];
	/* Exactly the arguments each verb takes: a stray one may be a
	 * password typed where it does not belong. */
	if (optind + 1 + operands(verb) != argc) {
		usage(stderr);
		return 2;
	}
	if ((db = cli_open_db(&flags, &cfg, DB_MIGRATE)) == NULL)
		return 1;
	if (strcmp(verb, "list") == 0)
		rc = print_json(users_list(db));
	else if (strcmp(verb, "add") == 0)
		rc = add(db, argv[optind + 1], role, org, name);
	else
		rc = change(db, verb, argv[optind + 1]);
	db_close(db);
	config_free(&cfg);
	return rc;
}
