/* PLACEHOLDER: being written. */
#include "api/api.h"
#include "http/reply.h"

void
api_reuse_check_export(struct request *req)
{
	reply_errorf(req, 501, "not_implemented", NULL, "not yet");
}
