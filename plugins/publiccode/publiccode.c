/*
 * publiccode: imports publiccode.yml files (the metadata standard of
 * openCode.de and Developers Italia, versions 0.2 to 0.7) as solutions,
 * their owner and maintainers, their latest release and who uses them.
 *
 * A file is first validated as the official parser does it; warnings are
 * logged, and a file with errors is rejected as a whole: every error is
 * reported as "file:line:col" with "key: message", and nothing is written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "publiccode.h"

static const struct rollin_host *host;

static int
pc_init(const struct rollin_host *h, struct rollin_call *call, void **state)
{
	(void)call;
	*state = NULL;
	host = h;
	return 0;
}

static void
pc_fini(void *state)
{
	(void)state;
	pc_vocab_free();
}

static enum rollin_status
pc_run(void *state, struct rollin_call *call)
{
	struct pc_result   res;
	const char        *input, *name;
	char               at[1100], why[700];
	size_t             len;
	enum rollin_status rc = ROLLIN_OK;

	(void)state;
	input = host->input(call, &len);
	name = host->input_name(call);
	if (name == NULL || *name == '\0')
		name = "publiccode.yml";
	pc_validate(input ? input : "", input ? len : 0, &res);
	for (size_t i = 0; i < res.n; i++) {
		const struct pc_issue *is = &res.issues[i];
		snprintf(at, sizeof(at), "%s:%d:%d", name, is->line, is->col);
		snprintf(why, sizeof(why), "%s%s%s", is->key,
		    is->key[0] ? ": " : "", is->message);
		if (is->error)
			host->reject(call, at, why);
		else
			host->log(call, ROLLIN_LOG_WARN, "%s: warning: %s", at,
			    why);
	}
	if (res.errors == 0)
		rc = pc_map(host, call, &res, name);
	pc_result_free(&res);
	return rc;
}

static const struct rollin_plugin publiccode_plugin = {
	.abi_major = ROLLIN_ABI_MAJOR,
	.abi_minor = ROLLIN_ABI_MINOR,
	.name = "publiccode",
	.version = "1.0.0",
	.description = "publiccode.yml (v0.2 to v0.7) importer: solutions, "
	               "owners, maintainers, releases and usedBy adoptions",
	.kind = ROLLIN_IMPORTER,
	.init = pc_init,
	.fini = pc_fini,
	.run = pc_run,
};

ROLLIN_PLUGIN(publiccode_plugin)
