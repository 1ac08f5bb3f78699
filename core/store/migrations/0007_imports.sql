-- Schema 7: imports started over the API (api/imports.c), kept so that
-- owners and admins can look back at what landed and what was refused.
-- The records themselves and their events are written by the import as
-- for `rollin import`; this is only its report: who, when, with which
-- importer, the counts, and every rejected record with its reason
-- (rejected is a JSON array of { "where", "message" }).

CREATE TABLE imports (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	plugin		TEXT NOT NULL,
	source		TEXT NOT NULL,
	actor		TEXT NOT NULL,
	role		TEXT NOT NULL,
	organisation_id	INTEGER REFERENCES organisations(id),
	started_at	TEXT NOT NULL,
	finished_at	TEXT NOT NULL,
	imported	INTEGER NOT NULL DEFAULT 0,
	updated		INTEGER NOT NULL DEFAULT 0,
	rejected	TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX imports_organisation ON imports(organisation_id, id);
