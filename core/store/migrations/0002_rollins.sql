-- Schema 2: roll-in projects with steps and blockers, adopters' reports
-- (lessons learned, feedback, cost reports), reusable assessments, reuse
-- checks, subscriptions, and the ledger of time-driven events.

CREATE TABLE rollins (
	id		INTEGER PRIMARY KEY,
	solution_id	INTEGER NOT NULL REFERENCES solutions(id),
	adopter_id	INTEGER NOT NULL REFERENCES organisations(id),
	onboarding_team_id INTEGER NOT NULL REFERENCES organisations(id),
	status		TEXT NOT NULL,
	started_on	TEXT,
	target_golive	TEXT,
	actual_golive	TEXT,
	notes		TEXT,
	rev		INTEGER NOT NULL DEFAULT 1,
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL,
	updated_by	TEXT NOT NULL
);
CREATE INDEX rollins_solution ON rollins(solution_id, status);
CREATE INDEX rollins_adopter ON rollins(adopter_id);
CREATE INDEX rollins_onboarding ON rollins(onboarding_team_id);

CREATE TABLE rollin_steps (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	rollin_id	INTEGER NOT NULL REFERENCES rollins(id) ON DELETE CASCADE,
	position	INTEGER NOT NULL,
	step		TEXT NOT NULL,
	role		TEXT NOT NULL,
	owner		TEXT,
	planned_start	TEXT,
	planned_date	TEXT,
	actual_date	TEXT,
	planned_effort	REAL,
	actual_effort	REAL,
	done		INTEGER NOT NULL DEFAULT 0,
	notes		TEXT,
	rev		INTEGER NOT NULL DEFAULT 1,
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL,
	updated_by	TEXT NOT NULL
);
CREATE INDEX rollin_steps_rollin ON rollin_steps(rollin_id, position);
CREATE INDEX rollin_steps_due ON rollin_steps(done, planned_date);

CREATE TABLE rollin_blockers (
	id		INTEGER PRIMARY KEY,
	rollin_id	INTEGER NOT NULL REFERENCES rollins(id) ON DELETE CASCADE,
	title		TEXT NOT NULL,
	category	TEXT NOT NULL,
	description	TEXT,
	raised_on	TEXT NOT NULL,
	resolved_on	TEXT,
	resolution	TEXT,
	rev		INTEGER NOT NULL DEFAULT 1,
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL,
	updated_by	TEXT NOT NULL
);
CREATE INDEX rollin_blockers_rollin ON rollin_blockers(rollin_id);

CREATE TABLE lessons (
	id		INTEGER PRIMARY KEY,
	solution_id	INTEGER NOT NULL REFERENCES solutions(id),
	rollin_id	INTEGER REFERENCES rollins(id),
	organisation_id	INTEGER NOT NULL REFERENCES organisations(id),
	category	TEXT NOT NULL,
	title		TEXT NOT NULL,
	text		TEXT NOT NULL,
	tags		TEXT NOT NULL DEFAULT '[]',
	rev		INTEGER NOT NULL DEFAULT 1,
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL,
	updated_by	TEXT NOT NULL
);
CREATE INDEX lessons_solution ON lessons(solution_id);

CREATE VIRTUAL TABLE lesson_fts USING fts5(
	title, text, tags,
	tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER lessons_ai AFTER INSERT ON lessons BEGIN
	INSERT INTO lesson_fts(rowid, title, text, tags)
	VALUES (new.id, new.title, new.text,
	    (SELECT group_concat(value, ' ') FROM json_each(new.tags)));
END;
CREATE TRIGGER lessons_au AFTER UPDATE OF title, text, tags ON lessons BEGIN
	DELETE FROM lesson_fts WHERE rowid = old.id;
	INSERT INTO lesson_fts(rowid, title, text, tags)
	VALUES (new.id, new.title, new.text,
	    (SELECT group_concat(value, ' ') FROM json_each(new.tags)));
END;
CREATE TRIGGER lessons_ad AFTER DELETE ON lessons BEGIN
	DELETE FROM lesson_fts WHERE rowid = old.id;
END;

CREATE TABLE feedback (
	id		INTEGER PRIMARY KEY,
	solution_id	INTEGER NOT NULL REFERENCES solutions(id),
	organisation_id	INTEGER NOT NULL REFERENCES organisations(id),
	rating		INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
	text		TEXT,
	version		TEXT,
	answer		TEXT,
	answered_at	TEXT,
	answered_by	TEXT,
	rev		INTEGER NOT NULL DEFAULT 1,
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL,
	updated_by	TEXT NOT NULL
);
CREATE INDEX feedback_solution ON feedback(solution_id);

-- Money in integer euro cents; effort in person-days.
CREATE TABLE cost_reports (
	id		INTEGER PRIMARY KEY,
	adoption_id	INTEGER NOT NULL REFERENCES adoptions(id),
	rollin_id	INTEGER REFERENCES rollins(id),
	period_start	TEXT NOT NULL,
	period_end	TEXT NOT NULL,
	one_off_cents	INTEGER NOT NULL DEFAULT 0,
	operating_cents	INTEGER NOT NULL DEFAULT 0,
	contributions_cents INTEGER NOT NULL DEFAULT 0,
	licence_cents	INTEGER NOT NULL DEFAULT 0,
	own_effort_days	REAL NOT NULL DEFAULT 0,
	day_rate_cents	INTEGER,
	build_alone_cents INTEGER NOT NULL DEFAULT 0,
	public		INTEGER NOT NULL DEFAULT 0,
	notes		TEXT,
	rev		INTEGER NOT NULL DEFAULT 1,
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL,
	updated_by	TEXT NOT NULL
);
CREATE INDEX cost_reports_adoption ON cost_reports(adoption_id);

CREATE TABLE assessments (
	id		INTEGER PRIMARY KEY,
	solution_id	INTEGER NOT NULL REFERENCES solutions(id),
	kind		TEXT NOT NULL,
	result		TEXT NOT NULL,
	conditions	TEXT,
	scope		TEXT NOT NULL,
	cycle_id	INTEGER REFERENCES cycles(id),
	version		TEXT,
	performed_by_id	INTEGER REFERENCES organisations(id),
	performer	TEXT,
	date		TEXT NOT NULL,
	valid_until	TEXT,
	document	TEXT,
	summary		TEXT,
	rev		INTEGER NOT NULL DEFAULT 1,
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL,
	updated_by	TEXT NOT NULL
);
CREATE INDEX assessments_solution ON assessments(solution_id);

CREATE TABLE reuse_checks (
	id		INTEGER PRIMARY KEY,
	organisation_id	INTEGER NOT NULL REFERENCES organisations(id),
	title		TEXT NOT NULL,
	need		TEXT NOT NULL,
	considered	TEXT NOT NULL DEFAULT '[]',
	decision	TEXT NOT NULL,
	chosen_id	INTEGER REFERENCES solutions(id),
	reason		TEXT,
	decided_on	TEXT,
	rev		INTEGER NOT NULL DEFAULT 1,
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL,
	updated_by	TEXT NOT NULL
);

CREATE TABLE subscriptions (
	id		INTEGER PRIMARY KEY,
	organisation_id	INTEGER NOT NULL REFERENCES organisations(id),
	contact_id	INTEGER REFERENCES contacts(id) ON DELETE CASCADE,
	event_types	TEXT NOT NULL DEFAULT '[]',
	solutions	TEXT NOT NULL DEFAULT '[]',
	rev		INTEGER NOT NULL DEFAULT 1,
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL,
	updated_by	TEXT NOT NULL
);

-- Time-driven events already emitted, one row per occurrence, so each is
-- emitted exactly once however often the timer runs or restarts.
CREATE TABLE time_events (
	occurrence	TEXT PRIMARY KEY,
	event_id	INTEGER NOT NULL,
	emitted_at	TEXT NOT NULL
) WITHOUT ROWID;
