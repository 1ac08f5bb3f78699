#include <stdio.h>
#include <string.h>

#include "util/password.h"

#define OPSLIMIT crypto_pwhash_OPSLIMIT_INTERACTIVE
#define MEMLIMIT crypto_pwhash_MEMLIMIT_INTERACTIVE

/* Code points, not bytes: "Überprüfung" is as long as it looks. */
static size_t
utf8_length(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

int
password_acceptable(const char *pw, char *msg, size_t msglen)
{
	size_t len = strlen(pw);

	if (utf8_length(pw) < PASSWORD_MIN) {
		snprintf(msg, msglen,
		    "the password must have at least %d characters",
		    PASSWORD_MIN);
		return -1;
	}
	if (len > PASSWORD_MAX) {
		snprintf(msg, msglen, "the password may have at most %d bytes",
		    PASSWORD_MAX);
		return -1;
	}
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)pw[i] < 0x20 || pw[i] == 0x7f) {
			snprintf(msg, msglen,
			    "the password must not contain control "
			    "characters");
			return -1;
		}
	return 0;
}

int
password_hash(const char *pw, char out[PASSWORD_HASH_LEN])
{
	return crypto_pwhash_str(out, pw, strlen(pw), OPSLIMIT, MEMLIMIT) == 0
	    ? 0
	    : -1;
}

int
password_verify(const char *hash, const char *pw)
{
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0 ? 0 : -1;
}

int
password_needs_rehash(const char *hash)
{
	return crypto_pwhash_str_needs_rehash(hash, OPSLIMIT, MEMLIMIT) != 0;
}

const char *
password_dummy_hash(void)
{
	return "$argon2id$v=19$m=65536,t=2,p=1$dFKq3rCX0aTZvMh+lxH5Iw$"
	       "AYa8l12uiJS5f2HnrLo6OxtjaZ1ibHEN88TXgb19yTo";
}
