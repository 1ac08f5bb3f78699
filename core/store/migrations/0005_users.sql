-- Schema 5: people who sign in with a user name and a password
-- (store/users.c). Like a token, an account acts with one role for one
-- organisation. Only the argon2id hash of the password is kept, in
-- libsodium's self-describing string form ("$argon2id$v=19$m=...").
--
-- generation grows whenever the password, role or state changes: a web
-- session remembers the generation it was opened under and ends when it
-- no longer matches, so a changed password or a disabled account signs
-- every browser out at once.

CREATE TABLE users (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	username	TEXT NOT NULL UNIQUE COLLATE NOCASE,
	display_name	TEXT NOT NULL DEFAULT '',
	role		TEXT NOT NULL,
	organisation_id	INTEGER NOT NULL REFERENCES organisations(id),
	password_hash	TEXT NOT NULL,
	generation	INTEGER NOT NULL DEFAULT 1,
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL,
	password_changed_at TEXT NOT NULL,
	disabled_at	TEXT,
	last_sign_in_at	TEXT
);
CREATE INDEX users_organisation ON users(organisation_id);
