/* PLACEHOLDER: being written. */
#include "api/api.h"
#include "http/reply.h"

void
api_rollin_stats(struct request *req)
{
	reply_errorf(req, 501, "not_implemented", NULL, "not yet");
}
