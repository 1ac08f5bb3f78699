/* Adopters' reports: what is beyond the generic record operations. */
#ifndef ROLLIN_DOMAIN_REPORTS_H
#define ROLLIN_DOMAIN_REPORTS_H

#include <jansson.h>
#include <stdint.h>

#include "store/record.h"

/*
 * The solution owner's answer to feedback id (answer: a JSON string of 1 to
 * 5000 characters). Stamps who answered and when, appends the event
 * feedback.answered, and fills *out with the answered feedback.
 */
int feedback_answer(struct db *, int64_t id, json_t *answer,
    const struct principal *, struct record *out, struct rl_error *);

#endif
