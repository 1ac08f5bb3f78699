-- Schema 8: German text as German readers expect it (util/german.h).
--
-- Names sort in German dictionary order (DIN 5007-1: ä = a, ö = o,
-- ü = u, ß = ss, case-insensitive, accents and case breaking ties) by a
-- stored ICU collation sort key: a BLOB whose bytes compare like the
-- names, kept next to the name by the same INSERT or UPDATE
-- (store/record.c) and indexed with the id, so that a sorted page is an
-- index seek and the keyset cursor compares what ORDER BY orders.
-- A collation registered with SQLite would be simpler to write, but an
-- index on it makes the file unreadable for every tool that lacks the
-- collation: the sqlite3 shell could neither check nor query it. A BLOB
-- column is plain SQLite; a row written by such a tool, whose key is
-- NULL, gets its key when the service next opens the file, and every key
-- is made again when ICU's collation version changes (store/db.c).
ALTER TABLE organisations ADD COLUMN name_key BLOB;
UPDATE organisations SET name_key = rollin_sort_key(name);
CREATE INDEX organisations_name_key ON organisations(name_key, id);

ALTER TABLE contacts ADD COLUMN name_key BLOB;
UPDATE contacts SET name_key = rollin_sort_key(name);
CREATE INDEX contacts_name_key ON contacts(name_key, id);

ALTER TABLE solutions ADD COLUMN name_key BLOB;
UPDATE solutions SET name_key = rollin_sort_key(name);
CREATE INDEX solutions_name_key ON solutions(name_key, id);
DROP INDEX solutions_name;

ALTER TABLE products ADD COLUMN label_key BLOB;
UPDATE products SET label_key = rollin_sort_key(label);
CREATE INDEX products_label_key ON products(label_key, id);

-- The collation version the keys were made with.
CREATE TABLE collation (
	version		TEXT NOT NULL
);
INSERT INTO collation (version) VALUES ('');

-- Search finds both German spellings: "gebuehren" finds "Gebühren" and
-- "strasse" finds "Straße". The tokenizer folds "ü" to "u" but knows
-- nothing of "ue"; so each text's words with an umlaut or ß are indexed
-- once more, transliterated ("Gebuehren", "Strasse"), in the column
-- spellings, and a query's words with an umlaut or ß also look for their
-- transliteration (api/search.c). "ae" is never turned into "ä": the
-- "ae" of "Michael" or "Israel" is no umlaut, and such words match as
-- before.
DROP TRIGGER solutions_ai;
DROP TRIGGER solutions_au_fts;
DROP TABLE solution_fts;
CREATE VIRTUAL TABLE solution_fts USING fts5(
	name, summary, description, problems, processes, spellings,
	content = '',
	tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO solution_fts(rowid, name, summary, description, problems,
    processes, spellings)
SELECT id, name, summary, description, problems_text, processes_text,
    rollin_spellings(name || ' ' || coalesce(summary, '') || ' ' ||
        coalesce(description, '') || ' ' || coalesce(problems_text, '') ||
        ' ' || coalesce(processes_text, ''))
FROM (SELECT id, name, summary, description,
    (SELECT group_concat(value, ' ') FROM json_each(problems))
        AS problems_text,
    (SELECT group_concat(value, ' ') FROM json_each(processes))
        AS processes_text
    FROM solutions);

CREATE TRIGGER solutions_ai_fts AFTER INSERT ON solutions BEGIN
	INSERT INTO solution_fts(rowid, name, summary, description, problems,
	    processes, spellings)
	SELECT new.id, new.name, new.summary, new.description, p, q,
	    rollin_spellings(new.name || ' ' || coalesce(new.summary, '') ||
	        ' ' || coalesce(new.description, '') || ' ' ||
	        coalesce(p, '') || ' ' || coalesce(q, ''))
	FROM (SELECT
	    (SELECT group_concat(value, ' ') FROM json_each(new.problems)) AS p,
	    (SELECT group_concat(value, ' ') FROM json_each(new.processes))
	        AS q);
END;

CREATE TRIGGER solutions_ai AFTER INSERT ON solutions BEGIN
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

CREATE TRIGGER solutions_au_fts AFTER UPDATE OF name, summary, description,
    problems, processes ON solutions
WHEN old.name IS NOT new.name OR old.summary IS NOT new.summary OR
    old.description IS NOT new.description OR
    old.problems IS NOT new.problems OR old.processes IS NOT new.processes
BEGIN
	INSERT INTO solution_fts(solution_fts, rowid, name, summary,
	    description, problems, processes, spellings)
	SELECT 'delete', old.id, old.name, old.summary, old.description, p, q,
	    rollin_spellings(old.name || ' ' || coalesce(old.summary, '') ||
	        ' ' || coalesce(old.description, '') || ' ' ||
	        coalesce(p, '') || ' ' || coalesce(q, ''))
	FROM (SELECT
	    (SELECT group_concat(value, ' ') FROM json_each(old.problems)) AS p,
	    (SELECT group_concat(value, ' ') FROM json_each(old.processes))
	        AS q);
	INSERT INTO solution_fts(rowid, name, summary, description, problems,
	    processes, spellings)
	SELECT new.id, new.name, new.summary, new.description, p, q,
	    rollin_spellings(new.name || ' ' || coalesce(new.summary, '') ||
	        ' ' || coalesce(new.description, '') || ' ' ||
	        coalesce(p, '') || ' ' || coalesce(q, ''))
	FROM (SELECT
	    (SELECT group_concat(value, ' ') FROM json_each(new.problems)) AS p,
	    (SELECT group_concat(value, ' ') FROM json_each(new.processes))
	        AS q);
END;

DROP TRIGGER lessons_ai;
DROP TRIGGER lessons_au;
DROP TRIGGER lessons_ad;
DROP TABLE lesson_fts;
CREATE VIRTUAL TABLE lesson_fts USING fts5(
	title, text, tags, spellings,
	tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO lesson_fts(rowid, title, text, tags, spellings)
SELECT id, title, text, tags_text,
    rollin_spellings(title || ' ' || coalesce(text, '') || ' ' ||
        coalesce(tags_text, ''))
FROM (SELECT id, title, text,
    (SELECT group_concat(value, ' ') FROM json_each(tags)) AS tags_text
    FROM lessons);
CREATE TRIGGER lessons_ai AFTER INSERT ON lessons BEGIN
	INSERT INTO lesson_fts(rowid, title, text, tags, spellings)
	SELECT new.id, new.title, new.text, t,
	    rollin_spellings(new.title || ' ' || coalesce(new.text, '') ||
	        ' ' || coalesce(t, ''))
	FROM (SELECT (SELECT group_concat(value, ' ')
	    FROM json_each(new.tags)) AS t);
END;
CREATE TRIGGER lessons_au AFTER UPDATE OF title, text, tags ON lessons BEGIN
	DELETE FROM lesson_fts WHERE rowid = old.id;
	INSERT INTO lesson_fts(rowid, title, text, tags, spellings)
	SELECT new.id, new.title, new.text, t,
	    rollin_spellings(new.title || ' ' || coalesce(new.text, '') ||
	        ' ' || coalesce(t, ''))
	FROM (SELECT (SELECT group_concat(value, ' ')
	    FROM json_each(new.tags)) AS t);
END;
CREATE TRIGGER lessons_ad AFTER DELETE ON lessons BEGIN
	DELETE FROM lesson_fts WHERE rowid = old.id;
END;
