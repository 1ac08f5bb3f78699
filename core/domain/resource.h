/*
 * The domain model as data. Each kind of record is described once by a
 * struct resource: its fields with their types and limits, where it lives
 * (table, parent), who may write it, and hooks for what is special about it.
 * Validation (domain/validate.c), storage (store/record*.c) and the API
 * (api/) all read these descriptions, so a field is declared in one place.
 */
#ifndef ROLLIN_DOMAIN_RESOURCE_H
#define ROLLIN_DOMAIN_RESOURCE_H

#include <jansson.h>
#include <stdint.h>

#include "domain/access.h"
#include "util/error.h"

struct db;

enum field_type {
	FT_STRING, /* one line of text */
	FT_TEXT,   /* multi-line text (Markdown where the field says so) */
	FT_SLUG,   /* [a-z][a-z0-9-]*, no double or trailing hyphen */
	FT_ENUM,   /* one of field->values */
	FT_DATE,   /* calendar date YYYY-MM-DD */
	FT_BOOL,
	FT_INT,    /* whole number within [min, max] */
	FT_NUMBER, /* number within [min, max], e.g. person-days */
	FT_URL,    /* absolute http(s) URL */
	FT_EMAIL,
	FT_SPDX,    /* SPDX licence id or expression */
	FT_TAGS,    /* array of distinct one-line strings */
	FT_OBJECTS, /* array of objects described by field->sub */
	FT_REF,     /* key of a record of field->ref */
};

enum field_flags {
	F_REQUIRED = 1 << 0,  /* must be present and not null on create */
	F_PRIVATE = 1 << 1,   /* personal data: shown to signed-in clients */
	F_FILTER = 1 << 2,    /* usable as ?field=value on lists */
	F_SORT = 1 << 3,      /* usable as ?sort=field (column is NOT NULL) */
	F_IMMUTABLE = 1 << 4, /* set on create, never changed */
	F_ZERO = 1 << 5,      /* FT_INT, FT_NUMBER: absent means 0 */
	F_COLLATE = 1 << 6,   /* F_SORT text sorted in German dictionary
	                         order, by its sort key in column <name>_key */
};

struct resource;

struct field {
	const char        *name; /* JSON name; column name (+ "_id" for refs) */
	enum field_type    type;
	unsigned           flags;
	unsigned           max; /* characters, or items for arrays */
	double             min_num, max_num; /* FT_INT, FT_NUMBER */
	const char *const *values;           /* FT_ENUM, NULL-terminated */
	const struct resource *ref;          /* FT_REF */
	const char            *ref_key;      /* FT_REF: key if not ref->key */
	const struct field    *sub;          /* FT_OBJECTS item fields */
	const char            *help;         /* one line for docs and errors */
};

/* How a record's controlling organisation is found for access checks. */
enum org_via {
	ORG_SELF,       /* the record is the organisation */
	ORG_FIELD,      /* field: an FT_REF to organisations */
	ORG_PARENT_SQL, /* sql: selects it by the parent's id */
	ORG_REF_SQL,    /* sql: selects it by the id field refers to */
};

struct access_rule {
	unsigned     roles; /* roles (enum role) that may write */
	enum org_via via;
	const char  *field; /* ORG_FIELD, ORG_REF_SQL: the field */
	const char  *sql;   /* ORG_PARENT_SQL, ORG_REF_SQL: one '?' */
};

enum resource_flags {
	R_NO_DELETE = 1 << 0,    /* records are retired, not deleted */
	R_ADMIN_CREATE = 1 << 1, /* only admins create */
	R_RENDERED = 1 << 2, /* keeps its public JSON in column "rendered" */
};

/* One stored record as the store hands it around. */
struct record {
	int64_t id;
	int64_t parent_id;   /* 0 if the resource has no parent */
	int64_t solution_id; /* the solution it belongs to, or 0 */
	int64_t rev;
	json_t *doc;        /* every field, meta and derived value */
	int64_t org_ids[2]; /* per access rule; 0 if none */
};

struct resource_hooks {
	/* Cross-field rules on the complete record (dates in order...). */
	int (*check)(struct db *, const struct record *, json_t *doc,
	    struct rl_error *);
	/* Inside the write's transaction, after the row is written. */
	int (*after_write)(struct db *, const struct record *before,
	    const struct record *after, const char *actor, struct rl_error *);
	/* Adds derived, read-only values to a record being shown. */
	void (*decorate)(struct db *, const struct record *, json_t *out);
	/* Adds values that change with time alone (not stored rendered). */
	void (*live)(const struct record *, json_t *out);
};

struct resource {
	const char            *name;   /* singular: event prefix "solution" */
	const char            *plural; /* path segment "solutions" */
	const char            *table;
	const char            *key;    /* public key: "slug", or "id" */
	const struct field    *fields; /* terminated by a NULL name */
	const struct resource *parent; /* nested under the parent's key */
	unsigned               flags;
	struct access_rule     write[2]; /* any rule that matches allows */
	const char            *default_sort;
	/* read-only columns shown as they are (e.g. "confirmed_at") */
	const char *const *extra_columns;
	/* FT_BOOL field that must be true for anonymous clients to see it */
	const char           *visible_field;
	struct resource_hooks hooks;
};

/* Access rule helper: the organisation that owns the parent solution. */
#define PARENT_OWNER_SQL "SELECT owner_id FROM solutions WHERE id = ?"

const struct field *resource_field(const struct resource *, const char *);
/* The key an FT_REF field names its target by. */
const char *field_ref_key(const struct field *);

/* The resources, defined in domain/catalogue.c. */
extern const struct resource res_organisation;
extern const struct resource res_contact;
extern const struct resource res_solution;
extern const struct resource res_responsibility;
extern const struct resource res_cycle;
extern const struct resource res_release;
extern const struct resource res_adoption;
extern const struct resource res_rollin;
extern const struct resource res_rollin_step;
extern const struct resource res_rollin_blocker;
extern const struct resource res_lesson;
extern const struct resource res_feedback;
extern const struct resource res_cost_report;
extern const struct resource res_assessment;
extern const struct resource res_reuse_check;
extern const struct resource res_subscription;
/* Third-party products and dependencies, in domain/product.c. */
extern const struct resource res_product;
extern const struct resource res_product_cycle;
extern const struct resource res_dependency;

#endif
