/* PLACEHOLDER: being written. */
#include "api/api.h"
#include "http/reply.h"

void
api_event_recipients(struct request *req)
{
	reply_errorf(req, 501, "not_implemented", NULL, "not yet");
}
