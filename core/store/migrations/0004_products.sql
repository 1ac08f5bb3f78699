-- Schema 4: third-party products that solutions depend on (PostgreSQL,
-- Ubuntu, Java, ...), their release cycles as endoflife.date publishes
-- them, and the solutions' dependencies on them (domain/product.c).
--
-- Products are kept apart from the catalogue of solutions: they are not
-- offered for reuse, only tracked for their support and end of life.

-- name is the product's key as endoflife.date spells it ("postgresql").
CREATE TABLE products (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	name		TEXT NOT NULL UNIQUE,
	label		TEXT NOT NULL,
	category	TEXT,
	link		TEXT,
	-- always NULL: the store asks a nested record's parent for the
	-- solution it belongs to (events carry it), and a product's cycles
	-- belong to none
	solution_id	INTEGER,
	rev		INTEGER NOT NULL DEFAULT 1,
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL,
	updated_by	TEXT NOT NULL
);
CREATE INDEX products_label ON products(label, id);

-- A release line of a product. Unlike a solution's cycles, latest and
-- latest_date are stored: they come from the source, not from releases
-- recorded here. The cycles go with their product.
CREATE TABLE product_cycles (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	product_id	INTEGER NOT NULL REFERENCES products(id)
			    ON DELETE CASCADE,
	name		TEXT NOT NULL,
	release_date	TEXT,
	support_until	TEXT,
	eol		TEXT,
	lts		INTEGER NOT NULL DEFAULT 0,
	extended_support TEXT,
	latest		TEXT,
	latest_date	TEXT,
	link		TEXT,
	rev		INTEGER NOT NULL DEFAULT 1,
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL,
	updated_by	TEXT NOT NULL,
	UNIQUE (product_id, name)
);
CREATE INDEX product_cycles_eol ON product_cycles(eol);

-- A solution runs on a product (in a cycle, if known). One dependency per
-- solution and product; a product still depended on cannot be deleted.
CREATE TABLE dependencies (
	id		INTEGER PRIMARY KEY,
	solution_id	INTEGER NOT NULL REFERENCES solutions(id),
	product_id	INTEGER NOT NULL REFERENCES products(id),
	cycle		TEXT,
	kind		TEXT,
	note		TEXT,
	rev		INTEGER NOT NULL DEFAULT 1,
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL,
	updated_by	TEXT NOT NULL,
	UNIQUE (solution_id, product_id)
);
CREATE INDEX dependencies_product ON dependencies(product_id);
