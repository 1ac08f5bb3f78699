-- Schema 1: the catalogue (organisations, contacts, solutions and their
-- lifecycle records), access tokens, the event log and the search index.
--
-- Tables whose ids name time-driven events (solutions, cycles, releases)
-- never reuse an id. Every record carries rev (its revision, the ETag), created_at, updated_at and
-- updated_by. List-valued solution fields are JSON arrays; triggers keep the
-- full-text index and the facet table in step inside the same transaction.

CREATE TABLE organisations (
	id		INTEGER PRIMARY KEY,
	slug		TEXT NOT NULL UNIQUE,
	name		TEXT NOT NULL,
	kind		TEXT NOT NULL,
	state		TEXT,
	ars		TEXT,
	website		TEXT,
	rev		INTEGER NOT NULL DEFAULT 1,
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL,
	updated_by	TEXT NOT NULL
);

CREATE TABLE contacts (
	id		INTEGER PRIMARY KEY,
	organisation_id	INTEGER NOT NULL REFERENCES organisations(id),
	name		TEXT NOT NULL,
	role_title	TEXT,
	email		TEXT,
	phone		TEXT,
	rev		INTEGER NOT NULL DEFAULT 1,
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL,
	updated_by	TEXT NOT NULL
);
CREATE INDEX contacts_organisation ON contacts(organisation_id);

-- Small columns come first and the long texts last: a row is about 10 KB
-- and spills into overflow pages, and SQLite reaches a column only by
-- walking the row from its start. Lists, search hits, the stale scan and
-- the owner check read the head of the row only; a read of the rendered
-- document walks no further than its end.
CREATE TABLE solutions (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	slug		TEXT NOT NULL UNIQUE,
	name		TEXT NOT NULL,
	summary		TEXT,
	owner_id	INTEGER NOT NULL REFERENCES organisations(id),
	licence		TEXT,
	open_source	INTEGER NOT NULL DEFAULT 0,
	maturity	TEXT NOT NULL,
	-- quality signals: completeness is derived on every write, freshness
	-- from the later of confirmed_at and touched_at (any change to the
	-- solution or its lifecycle records)
	completeness	INTEGER NOT NULL DEFAULT 0,
	confirmed_at	TEXT,
	touched_at	TEXT NOT NULL DEFAULT '',
	rev		INTEGER NOT NULL DEFAULT 1,
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL,
	updated_by	TEXT NOT NULL,
	-- the public JSON document, rendered at every write (without the
	-- day-dependent freshness), so that reads need no JSON work
	rendered	TEXT,
	homepage	TEXT,
	repository	TEXT,
	description	TEXT,
	problems	TEXT NOT NULL DEFAULT '[]',
	processes	TEXT NOT NULL DEFAULT '[]',
	target_groups	TEXT NOT NULL DEFAULT '[]',
	standards	TEXT NOT NULL DEFAULT '[]',
	interfaces	TEXT NOT NULL DEFAULT '[]',
	prerequisites	TEXT NOT NULL DEFAULT '[]',
	categories	TEXT NOT NULL DEFAULT '[]',
	usage_context	TEXT,
	scenarios	TEXT NOT NULL DEFAULT '[]',
	documentation	TEXT NOT NULL DEFAULT '[]',
	transfer_concept TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX solutions_owner ON solutions(owner_id);
CREATE INDEX solutions_name ON solutions(name, id);
CREATE INDEX solutions_maturity ON solutions(maturity);
CREATE INDEX solutions_fresh ON solutions(max(touched_at, coalesce(confirmed_at, '')));

CREATE TABLE responsibilities (
	id		INTEGER PRIMARY KEY,
	solution_id	INTEGER NOT NULL REFERENCES solutions(id),
	role		TEXT NOT NULL,
	organisation_id	INTEGER NOT NULL REFERENCES organisations(id),
	contact_id	INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
	since		TEXT,
	until		TEXT,
	rev		INTEGER NOT NULL DEFAULT 1,
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL,
	updated_by	TEXT NOT NULL
);
CREATE INDEX responsibilities_solution ON responsibilities(solution_id);
CREATE INDEX responsibilities_organisation ON responsibilities(organisation_id);
CREATE INDEX responsibilities_contact ON responsibilities(contact_id);

CREATE TABLE cycles (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	solution_id	INTEGER NOT NULL REFERENCES solutions(id),
	name		TEXT NOT NULL,
	release_date	TEXT,
	support_until	TEXT,
	eol		TEXT,
	lts		INTEGER NOT NULL DEFAULT 0,
	extended_support TEXT,
	rev		INTEGER NOT NULL DEFAULT 1,
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL,
	updated_by	TEXT NOT NULL,
	UNIQUE (solution_id, name)
);

CREATE TABLE releases (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	solution_id	INTEGER NOT NULL REFERENCES solutions(id),
	cycle_id	INTEGER REFERENCES cycles(id),
	version		TEXT NOT NULL,
	status		TEXT NOT NULL,
	planned_date	TEXT,
	date		TEXT,
	notes		TEXT,
	rev		INTEGER NOT NULL DEFAULT 1,
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL,
	updated_by	TEXT NOT NULL,
	UNIQUE (solution_id, version)
);
CREATE INDEX releases_cycle ON releases(cycle_id, status, date);
CREATE INDEX releases_due ON releases(status, planned_date);
CREATE INDEX cycles_support ON cycles(support_until);
CREATE INDEX cycles_eol ON cycles(eol);

CREATE TABLE adoptions (
	id		INTEGER PRIMARY KEY,
	solution_id	INTEGER NOT NULL REFERENCES solutions(id),
	organisation_id	INTEGER NOT NULL REFERENCES organisations(id),
	status		TEXT NOT NULL,
	version		TEXT,
	since		TEXT,
	context		TEXT,
	rev		INTEGER NOT NULL DEFAULT 1,
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL,
	updated_by	TEXT NOT NULL,
	UNIQUE (solution_id, organisation_id)
);
CREATE INDEX adoptions_organisation ON adoptions(organisation_id);

CREATE TABLE tokens (
	id		INTEGER PRIMARY KEY,
	hash		BLOB NOT NULL UNIQUE,
	role		TEXT NOT NULL,
	organisation_id	INTEGER NOT NULL REFERENCES organisations(id),
	label		TEXT NOT NULL,
	created_at	TEXT NOT NULL,
	revoked_at	TEXT
);

-- The transactional outbox: written in the same transaction as the change.
CREATE TABLE events (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	time		TEXT NOT NULL,
	type		TEXT NOT NULL,
	subject		TEXT NOT NULL,
	actor		TEXT NOT NULL,
	solution_id	INTEGER,
	payload		TEXT NOT NULL
);
CREATE INDEX events_solution ON events(solution_id, id);

-- Full text over the fields people search, diacritics folded so that
-- "Gebuhren" finds "Gebühren". Contentless: the texts are in solutions
-- already, and searches read only rowids and ranks; a change removes the
-- old terms with the 'delete' command, fed the old values by the trigger.
CREATE VIRTUAL TABLE solution_fts USING fts5(
	name, summary, description, problems, processes,
	content = '',
	tokenize = 'unicode61 remove_diacritics 2'
);

-- Columns in key order: SQLite 3.40's quick_check misreads NOT NULL
-- columns of a WITHOUT ROWID table whose key is declared in another order.
CREATE TABLE solution_facets (
	facet		TEXT NOT NULL,
	value		TEXT NOT NULL,
	solution_id	INTEGER NOT NULL REFERENCES solutions(id),
	PRIMARY KEY (facet, value, solution_id)
) WITHOUT ROWID;
CREATE INDEX solution_facets_solution ON solution_facets(solution_id);

CREATE TRIGGER solutions_ai AFTER INSERT ON solutions BEGIN
	INSERT INTO solution_fts(rowid, name, summary, description, problems,
	    processes)
	VALUES (new.id, new.name, new.summary, new.description,
	    (SELECT group_concat(value, ' ') FROM json_each(new.problems)),
	    (SELECT group_concat(value, ' ') FROM json_each(new.processes)));
	INSERT OR IGNORE INTO solution_facets (solution_id, facet, value)
	    SELECT new.id, 'problem', value FROM json_each(new.problems)
	    UNION SELECT new.id, 'process', value FROM json_each(new.processes)
	    UNION SELECT new.id, 'target_group', value
	        FROM json_each(new.target_groups)
	    UNION SELECT new.id, 'standard', value FROM json_each(new.standards)
	    UNION SELECT new.id, 'category', value
	        FROM json_each(new.categories)
	    UNION SELECT new.id, 'maturity', new.maturity
	    UNION SELECT new.id, 'licence', new.licence
	        WHERE new.licence IS NOT NULL;
END;

-- Only when indexed text or facet values really change: the generic
-- UPDATE sets every column, and re-indexing a 2 KB description or
-- rewriting sixteen facet rows on every write is what writes cost most.
-- An UPDATE that sets none of the columns (touched_at, completeness,
-- rendered, confirmed_at) runs no trigger at all.
CREATE TRIGGER solutions_au_fts AFTER UPDATE OF name, summary, description,
    problems, processes ON solutions
WHEN old.name IS NOT new.name OR old.summary IS NOT new.summary OR
    old.description IS NOT new.description OR
    old.problems IS NOT new.problems OR old.processes IS NOT new.processes
BEGIN
	INSERT INTO solution_fts(solution_fts, rowid, name, summary,
	    description, problems, processes)
	VALUES ('delete', old.id, old.name, old.summary, old.description,
	    (SELECT group_concat(value, ' ') FROM json_each(old.problems)),
	    (SELECT group_concat(value, ' ') FROM json_each(old.processes)));
	INSERT INTO solution_fts(rowid, name, summary, description, problems,
	    processes)
	VALUES (new.id, new.name, new.summary, new.description,
	    (SELECT group_concat(value, ' ') FROM json_each(new.problems)),
	    (SELECT group_concat(value, ' ') FROM json_each(new.processes)));
END;

CREATE TRIGGER solutions_au_facets AFTER UPDATE OF problems, processes,
    target_groups, standards, categories, maturity, licence ON solutions
WHEN old.problems IS NOT new.problems OR old.processes IS NOT new.processes
    OR old.target_groups IS NOT new.target_groups OR
    old.standards IS NOT new.standards OR
    old.categories IS NOT new.categories OR
    old.maturity IS NOT new.maturity OR old.licence IS NOT new.licence
BEGIN
	DELETE FROM solution_facets WHERE solution_id = old.id;
	INSERT OR IGNORE INTO solution_facets (solution_id, facet, value)
	    SELECT new.id, 'problem', value FROM json_each(new.problems)
	    UNION SELECT new.id, 'process', value FROM json_each(new.processes)
	    UNION SELECT new.id, 'target_group', value
	        FROM json_each(new.target_groups)
	    UNION SELECT new.id, 'standard', value FROM json_each(new.standards)
	    UNION SELECT new.id, 'category', value
	        FROM json_each(new.categories)
	    UNION SELECT new.id, 'maturity', new.maturity
	    UNION SELECT new.id, 'licence', new.licence
	        WHERE new.licence IS NOT NULL;
END;
