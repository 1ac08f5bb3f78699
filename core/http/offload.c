/*
 * One way for every handler to run its slow part off the loop; see
 * offload.h.
 */
#include "http/offload.h"
#include "http/request.h"

static void
job_run(struct job *j, struct db *db)
{
	struct offload *o = j->arg;

	o->run(o, db);
}

static void
job_done(struct job *j)
{
	struct offload *o = j->arg;
	struct request *req = o->req;
	int             later = o->later;

	o->done(o, req); /* frees o */
	if (later)
		request_release(req);
}

void
request_offload(struct request *req, struct offload *o, struct worker *w)
{
	o->job.run = job_run;
	o->job.done = job_done;
	o->job.arg = o;
	o->later = 0;
	if (w != NULL && (o->req = request_defer(req)) != NULL) {
		o->later = 1;
		if (worker_submit(w, &o->job) == 0)
			return;
		/* Not queued: answer here, through the original. */
		request_release(o->req);
		req->status = 0;
		o->later = 0;
	}
	o->req = req;
	o->run(o, req->db);
	job_done(&o->job);
}
