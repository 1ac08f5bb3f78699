-- Schema 6: the events that Atom feeds show (api/feeds.c), by solution.
-- They are a small part of the event log; with this index a feed reads
-- only them, however long the log grows. The condition is the feeds'
-- own, word for word, so that SQLite may use the index for them.

CREATE INDEX events_feed ON events(solution_id, id)
WHERE type IN ('cycle.support_ending', 'cycle.eol_reached', 'release.overdue', 'solution.retired');
