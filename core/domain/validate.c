#include <event2/http.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "domain/spdx.h"
#include "domain/validate.h"
#include "util/clock.h"

static const char *const meta_names[] = { "id", "rev", "created_at",
	"updated_at", "updated_by", NULL };

int
validate_is_meta(const char *name)
{
	for (size_t i = 0; meta_names[i]; i++)
		if (strcmp(meta_names[i], name) == 0)
			return 1;
	return 0;
}

size_t
utf8_length(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

int
validate_slug(const char *s)
{
	size_t len = strlen(s);

	if (len < 2 || len > 64 || s[0] < 'a' || s[0] > 'z' ||
	    s[len - 1] == '-')
		return 0;
	for (size_t i = 0; i < len; i++) {
		if ((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9'))
			continue;
		if (s[i] != '-' || s[i + 1] == '-')
			return 0;
	}
	return 1;
}

/* An absolute http or https URL with a host, as libevent parses it. */
int
validate_url(const char *s)
{
	struct evhttp_uri *uri;
	const char        *scheme, *host;
	int                ok = 0;

	if (strpbrk(s, " \t\r\n") != NULL)
		return 0;
	if ((uri = evhttp_uri_parse_with_flags(s, 0)) == NULL)
		return 0;
	scheme = evhttp_uri_get_scheme(uri);
	host = evhttp_uri_get_host(uri);
	if (scheme != NULL && host != NULL && *host != '\0' &&
	    (strcasecmp(scheme, "http") == 0 ||
	        strcasecmp(scheme, "https") == 0))
		ok = 1;
	evhttp_uri_free(uri);
	return ok;
}

/*
 * local@domain.tld without spaces or a second @. Deliverability is the mail
 * system's business; this only catches what cannot be an address.
 */
int
validate_email(const char *s)
{
	const char *at = strchr(s, '@'), *dot;

	if (at == NULL || at == s || strchr(at + 1, '@') != NULL ||
	    strpbrk(s, " \t\r\n<>,;\"") != NULL)
		return 0;
	dot = strrchr(at + 1, '.');
	return dot != NULL && dot > at + 1 && dot[1] != '\0';
}

/* One-line text has no control characters; multi-line text allows \t\n\r. */
static int
has_control(const char *s, int multiline)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c != 0x7f)
			continue;
		if (multiline && (c == '\n' || c == '\t' || c == '\r'))
			continue;
		return 1;
	}
	return 0;
}

static const char *
type_word(enum field_type t)
{
	switch (t) {
	case FT_BOOL:
		return "true or false";
	case FT_INT:
		return "a whole number";
	case FT_NUMBER:
		return "a number";
	case FT_TAGS:
		return "an array of strings";
	case FT_OBJECTS:
		return "an array of objects";
	default:
		return "a string";
	}
}

static int
check_text(const struct field *f, const char *path, const char *s,
    int multiline, struct rl_error *err)
{
	size_t len = utf8_length(s);

	if (len == 0 && (f->flags & F_REQUIRED))
		return rl_fail(err, 422, "missing_field", path,
		    "%s must not "
		    "be empty",
		    path);
	if (f->max && len > f->max)
		return rl_fail(err, 422, "too_long", path,
		    "%s has %zu "
		    "characters; at most %u are allowed",
		    path, len, f->max);
	if (has_control(s, multiline))
		return rl_fail(err, 422, "invalid_format", path,
		    "%s contains "
		    "control characters%s",
		    path, multiline ? "" : " (it must be one line)");
	return 0;
}

static int
check_enum(const struct field *f, const char *path, const char *s,
    struct rl_error *err)
{
	char   allowed[256] = "";
	size_t n = 0;

	for (size_t i = 0; f->values[i]; i++) {
		if (strcmp(f->values[i], s) == 0)
			return 0;
		n += (size_t)snprintf(allowed + n, sizeof(allowed) - n, "%s%s",
		    i ? ", " : "", f->values[i]);
		if (n >= sizeof(allowed))
			n = sizeof(allowed) - 1;
	}
	return rl_fail(err, 422, "invalid_value", path,
	    "%s must be one of %s, "
	    "not '%.60s'",
	    path, allowed, s);
}

static int check_value(const struct field *f, const char *path, json_t *v,
    struct rl_error *err);

static int
check_tags(const struct field *f, const char *path, json_t *v,
    struct rl_error *err)
{
	char    item[192];
	size_t  i, j;
	json_t *e, *o;

	if (f->max && json_array_size(v) > f->max)
		return rl_fail(err, 422, "too_long", path,
		    "%s has %zu items; at "
		    "most %u are allowed",
		    path, json_array_size(v), f->max);
	json_array_foreach(v, i, e)
	{
		snprintf(item, sizeof(item), "%s[%zu]", path, i);
		if (!json_is_string(e))
			return rl_fail(err, 422, "wrong_type", item,
			    "%s must be "
			    "a string",
			    item);
		if (json_string_length(e) == 0)
			return rl_fail(err, 422, "invalid_format", item,
			    "%s "
			    "must not be empty",
			    item);
		if (utf8_length(json_string_value(e)) > 200)
			return rl_fail(err, 422, "too_long", item,
			    "%s is longer "
			    "than 200 characters",
			    item);
		if (has_control(json_string_value(e), 0))
			return rl_fail(err, 422, "invalid_format", item,
			    "%s "
			    "contains control characters",
			    item);
		for (j = 0; j < i; j++) {
			o = json_array_get(v, j);
			if (strcmp(json_string_value(o),
			        json_string_value(e)) == 0)
				return rl_fail(err, 422, "duplicate", item,
				    "%s repeats '%.60s'", item,
				    json_string_value(e));
		}
	}
	return 0;
}

static int
check_objects(const struct field *f, const char *path, json_t *v,
    struct rl_error *err)
{
	char    item[128];
	size_t  i;
	json_t *e;

	if (f->max && json_array_size(v) > f->max)
		return rl_fail(err, 422, "too_long", path,
		    "%s has %zu items; at "
		    "most %u are allowed",
		    path, json_array_size(v), f->max);
	json_array_foreach(v, i, e)
	{
		snprintf(item, sizeof(item), "%.100s[%zu]", path, i);
		if (!json_is_object(e))
			return rl_fail(err, 422, "wrong_type", item,
			    "%s must be "
			    "an object",
			    item);
		if (validate_fields(f->sub, e, 1, item, err) == -1)
			return -1;
	}
	return 0;
}

static int
check_value(const struct field *f, const char *path, json_t *v,
    struct rl_error *err)
{
	const char *s;
	char        bad[64];
	time_t      t;
	double      d;

	switch (f->type) {
	case FT_BOOL:
		if (!json_is_boolean(v))
			goto wrong_type;
		return 0;
	case FT_INT:
		if (!json_is_integer(v))
			goto wrong_type;
		d = (double)json_integer_value(v);
		goto range;
	case FT_NUMBER:
		if (!json_is_number(v))
			goto wrong_type;
		d = json_number_value(v);
		goto range;
	case FT_TAGS:
		if (!json_is_array(v))
			goto wrong_type;
		return check_tags(f, path, v, err);
	case FT_OBJECTS:
		if (!json_is_array(v))
			goto wrong_type;
		return check_objects(f, path, v, err);
	case FT_REF:
		if (strcmp(field_ref_key(f), "id") == 0) {
			if (!json_is_integer(v) || json_integer_value(v) < 1)
				return rl_fail(err, 422, "wrong_type", path,
				    "%s must be the id (a positive whole "
				    "number) of a %s",
				    path, f->ref->name);
			return 0;
		}
		if (!json_is_string(v))
			return rl_fail(err, 422, "wrong_type", path,
			    "%s must be "
			    "the %s of a %s",
			    path, field_ref_key(f), f->ref->name);
		return check_text(f, path, json_string_value(v), 0, err);
	default:
		break;
	}
	if (!json_is_string(v))
		goto wrong_type;
	s = json_string_value(v);
	switch (f->type) {
	case FT_TEXT:
		return check_text(f, path, s, 1, err);
	case FT_STRING:
		return check_text(f, path, s, 0, err);
	case FT_SLUG:
		if (!validate_slug(s))
			return rl_fail(err, 422, "invalid_format", path,
			    "%s must "
			    "be 2 to 64 lowercase letters, digits and single "
			    "hyphens, starting with a letter, not '%.64s'",
			    path, s);
		return 0;
	case FT_ENUM:
		return check_enum(f, path, s, err);
	case FT_DATE:
		if (clock_parse_date(s, &t) == -1)
			return rl_fail(err, 422, "invalid_format", path,
			    "%s must "
			    "be a calendar date YYYY-MM-DD, not '%.32s'",
			    path, s);
		return 0;
	case FT_URL:
		if (check_text(f, path, s, 0, err) == -1)
			return -1;
		if (!validate_url(s))
			return rl_fail(err, 422, "invalid_format", path,
			    "%s must "
			    "be an absolute http or https URL",
			    path);
		return 0;
	case FT_EMAIL:
		if (check_text(f, path, s, 0, err) == -1)
			return -1;
		if (!validate_email(s))
			return rl_fail(err, 422, "invalid_format", path,
			    "%s is "
			    "not an e-mail address",
			    path);
		return 0;
	case FT_SPDX:
		if (check_text(f, path, s, 0, err) == -1)
			return -1;
		if (spdx_valid_expression(s, bad, sizeof(bad)))
			return 0;
		/* An unknown id, or a known one (or operator) out of place. */
		if (spdx_is_id(bad) || strcmp(bad, "AND") == 0 ||
		    strcmp(bad, "OR") == 0 || strcmp(bad, "WITH") == 0 ||
		    bad[0] == '(' || bad[0] == ')')
			return rl_fail(err, 422, "invalid_value", path,
			    "%s is not a valid SPDX licence expression: "
			    "unexpected '%s' (join licences with AND, OR or "
			    "WITH)",
			    path, bad);
		return rl_fail(err, 422, "invalid_value", path,
		    "%s must be an SPDX licence id or expression; '%s' is "
		    "not on the SPDX licence list",
		    path, bad);
	default:
		return 0;
	}

range:
	if (d < f->min_num || d > f->max_num)
		return rl_fail(err, 422, "out_of_range", path,
		    "%s must be from "
		    "%g to %g",
		    path, f->min_num, f->max_num);
	return 0;
wrong_type:
	return rl_fail(err, 422, "wrong_type", path, "%s must be %s", path,
	    type_word(f->type));
}

int
validate_fields(const struct field *fields, json_t *doc, int creating,
    const char *prefix, struct rl_error *err)
{
	const struct field *f;
	const char         *name;
	json_t             *v;
	char                path[128];

	json_object_foreach(doc, name, v)
	{
		if (prefix != NULL)
			snprintf(path, sizeof(path), "%s.%s", prefix, name);
		else
			snprintf(path, sizeof(path), "%s", name);
		if (prefix == NULL && validate_is_meta(name))
			return rl_fail(err, 422, "read_only", path,
			    "%s is "
			    "set by the service and cannot be written",
			    path);
		for (f = fields; f->name; f++)
			if (strcmp(f->name, name) == 0)
				break;
		if (f->name == NULL)
			return rl_fail(err, 422, "unknown_field", path,
			    "%s is "
			    "not a known field",
			    path);
		if (json_is_null(v)) {
			if (f->flags & F_REQUIRED)
				return rl_fail(err, 422, "missing_field", path,
				    "%s is required and cannot be null", path);
			continue;
		}
		if (check_value(f, path, v, err) == -1)
			return -1;
	}
	if (!creating)
		return 0;
	for (f = fields; f->name; f++) {
		if (!(f->flags & F_REQUIRED))
			continue;
		v = json_object_get(doc, f->name);
		if (v == NULL || json_is_null(v)) {
			if (prefix != NULL)
				snprintf(path, sizeof(path), "%s.%s", prefix,
				    f->name);
			else
				snprintf(path, sizeof(path), "%s", f->name);
			return rl_fail(err, 422, "missing_field", path,
			    "%s is "
			    "required",
			    path);
		}
	}
	return 0;
}

int
validate_not_before(json_t *doc, const char *early, const char *late,
    struct rl_error *err)
{
	const char *a = json_string_value(json_object_get(doc, early));
	const char *b = json_string_value(json_object_get(doc, late));

	if (a && b && strcmp(a, b) > 0)
		return rl_fail(err, 422, "invalid_value", late,
		    "%s (%s) must not be before %s (%s)", late, b, early, a);
	return 0;
}
