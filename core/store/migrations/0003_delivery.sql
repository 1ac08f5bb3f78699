-- Schema 3: delivery of events to notifier plugins (events/delivery.c).
--
-- Every notifier plugin is a subscriber with its own cursor over the event
-- log: every event up to last_event_id is done for it (delivered,
-- dead-lettered, or not of a type it wants). An event it has started on has
-- a row in deliveries until the end of time, so that an operator can see
-- what was delivered, what is being retried and what gave up.
--
-- Times here are wall-clock instants with milliseconds
-- ("2026-03-02T10:00:00.200Z"): retries are due after real seconds, also
-- when the service's calendar clock is set (ROLLIN_NOW). The fixed width
-- keeps text order equal to time order.

CREATE TABLE delivery_cursors (
	subscriber	TEXT PRIMARY KEY,	-- the notifier plugin's name
	last_event_id	INTEGER NOT NULL,
	updated_at	TEXT NOT NULL
) WITHOUT ROWID;

-- state: pending (first attempt under way), retrying (failed, next attempt
-- at next_attempt_at), delivered, dead (gave up after max_attempts; an
-- admin may send it back to retrying). No foreign key to events: the log
-- is append-only, and a delivery row must never stop it from being pruned.
CREATE TABLE deliveries (
	id		INTEGER PRIMARY KEY,
	subscriber	TEXT NOT NULL,
	event_id	INTEGER NOT NULL,
	attempts	INTEGER NOT NULL DEFAULT 0,
	state		TEXT NOT NULL CHECK (state IN
			    ('pending', 'retrying', 'delivered', 'dead')),
	next_attempt_at	TEXT,
	last_error	TEXT,
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL,
	UNIQUE (subscriber, event_id)
);
-- The engine's "retried dead letters that are due" and the API's lists.
CREATE INDEX deliveries_state ON deliveries(subscriber, state, event_id);
CREATE INDEX deliveries_by_state ON deliveries(state, id);
