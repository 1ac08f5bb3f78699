#include <ctype.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

#include "http/throttle.h"

struct entry {
	unsigned char key[16]; /* BLAKE2b of kind and key: no names kept */
	int           failures;
	int64_t       last, locked_until; /* ms */
	int           used;
};

static struct entry entries[THROTTLE_SLOTS];

/* User names compare without regard to case, so their keys do too. */
static void
key_hash(enum throttle_kind kind, const char *key, unsigned char out[16])
{
	crypto_generichash_state st;
	unsigned char            tag = (unsigned char)kind, c;

	crypto_generichash_init(&st, NULL, 0, 16);
	crypto_generichash_update(&st, &tag, 1);
	for (; *key != '\0'; key++) {
		c = kind == THROTTLE_USER
		    ? (unsigned char)tolower((unsigned char)*key)
		    : (unsigned char)*key;
		crypto_generichash_update(&st, &c, 1);
	}
	crypto_generichash_final(&st, out, 16);
}

static int
stale(const struct entry *e, int64_t now)
{
	return !e->used || now - e->last > (int64_t)THROTTLE_FORGET * 1000;
}

static struct entry *
find(enum throttle_kind kind, const char *key, int64_t now, int create)
{
	unsigned char h[16];
	struct entry *e, *slot = NULL;

	key_hash(kind, key, h);
	for (size_t i = 0; i < THROTTLE_SLOTS; i++) {
		e = &entries[i];
		if (e->used && memcmp(e->key, h, sizeof(h)) == 0) {
			if (!stale(e, now))
				return e;
			slot = e; /* forgotten: starts over */
			break;
		}
		/* Else the first free slot, or the least recently failed. */
		if (slot == NULL ||
		    (!stale(slot, now) &&
		        (stale(e, now) || e->last < slot->last)))
			slot = e;
	}
	if (!create)
		return NULL;
	memset(slot, 0, sizeof(*slot));
	memcpy(slot->key, h, sizeof(h));
	slot->used = 1;
	return slot;
}

long
throttle_wait(enum throttle_kind kind, const char *key, int64_t now)
{
	struct entry *e = find(kind, key, now, 0);

	return e != NULL && e->locked_until > now
	    ? (long)((e->locked_until - now + 999) / 1000)
	    : 0;
}

void
throttle_fail(enum throttle_kind kind, const char *key, int64_t now)
{
	struct entry *e = find(kind, key, now, 1);
	int           free_tries =
            kind == THROTTLE_USER ? THROTTLE_FREE : THROTTLE_FREE_ADDRESS;
	long lock = 1;

	e->failures++;
	e->last = now;
	if (e->failures < free_tries)
		return;
	for (int i = free_tries; i < e->failures && lock < THROTTLE_MAX_LOCK;
	     i++)
		lock *= 2;
	if (lock > THROTTLE_MAX_LOCK)
		lock = THROTTLE_MAX_LOCK;
	e->locked_until = now + (int64_t)lock * 1000;
}

void
throttle_forget(enum throttle_kind kind, const char *key)
{
	unsigned char h[16];

	key_hash(kind, key, h);
	for (size_t i = 0; i < THROTTLE_SLOTS; i++)
		if (entries[i].used &&
		    memcmp(entries[i].key, h, sizeof(h)) == 0)
			memset(&entries[i], 0, sizeof(entries[i]));
}

void
throttle_reset(void)
{
	memset(entries, 0, sizeof(entries));
}

int64_t
throttle_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
