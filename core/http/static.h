/* Everything outside /api: the service's front page and health check. */
#ifndef ROLLIN_HTTP_STATIC_H
#define ROLLIN_HTTP_STATIC_H

#include "http/request.h"

void static_serve(struct request *);

#endif
