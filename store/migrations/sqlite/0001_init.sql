-- plekwijzer schema for embedded SQLite.
-- Geometries are WKB blobs in RD New (EPSG:28992) with their bounding box in
-- minx/miny/maxx/maxy for bbox filtering. Times are RFC 3339 text in UTC.
-- Attributes are JSON objects as text.

CREATE TABLE runs (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	kind          TEXT    NOT NULL,
	layer         TEXT    NOT NULL DEFAULT '',
	file          TEXT    NOT NULL DEFAULT '',
	sha256        TEXT    NOT NULL DEFAULT '',
	started       TEXT    NOT NULL,
	finished      TEXT,
	rows_read     INTEGER NOT NULL DEFAULT 0,
	rows_imported INTEGER NOT NULL DEFAULT 0,
	rows_rejected INTEGER NOT NULL DEFAULT 0,
	status        TEXT    NOT NULL,
	message       TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX runs_status ON runs (status);

CREATE TABLE run_errors (
	id      INTEGER PRIMARY KEY AUTOINCREMENT,
	run_id  INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
	row     INTEGER NOT NULL,
	col     TEXT    NOT NULL DEFAULT '',
	value   TEXT    NOT NULL DEFAULT '',
	message TEXT    NOT NULL
);
CREATE INDEX run_errors_run ON run_errors (run_id, row);

CREATE TABLE sites (
	id                TEXT PRIMARY KEY,
	kind              TEXT NOT NULL CHECK (kind IN ('gebouw', 'kavel')),
	source            TEXT NOT NULL,
	source_ref        TEXT NOT NULL,
	name              TEXT NOT NULL DEFAULT '',
	straat            TEXT NOT NULL DEFAULT '',
	huisnummer        INTEGER NOT NULL DEFAULT 0,
	toevoeging        TEXT NOT NULL DEFAULT '',
	postcode          TEXT NOT NULL DEFAULT '',
	plaats            TEXT NOT NULL DEFAULT '',
	geom              BLOB NOT NULL,
	minx              REAL NOT NULL,
	miny              REAL NOT NULL,
	maxx              REAL NOT NULL,
	maxy              REAL NOT NULL,
	area_m2           REAL,
	area_kind         TEXT NOT NULL DEFAULT '',
	function          TEXT NOT NULL DEFAULT '',
	construction_year INTEGER,
	monument          TEXT NOT NULL DEFAULT '',
	status            TEXT NOT NULL DEFAULT '',
	owner             TEXT NOT NULL DEFAULT '',
	available_from    TEXT,
	available_until   TEXT,
	gemeente          TEXT NOT NULL DEFAULT '',
	centrumgemeente   TEXT NOT NULL DEFAULT '',
	attributes        TEXT,
	run_id            INTEGER NOT NULL REFERENCES runs (id),
	updated_at        TEXT NOT NULL,
	UNIQUE (kind, source, source_ref)
);
CREATE INDEX sites_gemeente ON sites (gemeente);
CREATE INDEX sites_centrumgemeente ON sites (centrumgemeente);
CREATE INDEX sites_kind ON sites (kind);
CREATE INDEX sites_bbox ON sites (minx, maxx, miny, maxy);

CREATE TABLE features (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	layer       TEXT NOT NULL,
	name        TEXT NOT NULL DEFAULT '',
	geom        BLOB NOT NULL,
	minx        REAL NOT NULL,
	miny        REAL NOT NULL,
	maxx        REAL NOT NULL,
	maxy        REAL NOT NULL,
	attributes  TEXT,
	run_id      INTEGER NOT NULL REFERENCES runs (id),
	source_file TEXT NOT NULL DEFAULT ''
);
CREATE INDEX features_layer_file ON features (layer, source_file);
CREATE INDEX features_bbox ON features (minx, maxx, miny, maxy);

CREATE TABLE gemeenten (
	code           TEXT PRIMARY KEY,
	name           TEXT NOT NULL,
	provincie_code TEXT NOT NULL DEFAULT '',
	provincie_naam TEXT NOT NULL DEFAULT '',
	geom           BLOB NOT NULL,
	minx           REAL NOT NULL,
	miny           REAL NOT NULL,
	maxx           REAL NOT NULL,
	maxy           REAL NOT NULL,
	run_id         INTEGER NOT NULL REFERENCES runs (id)
);

CREATE TABLE regions (
	gemeente             TEXT PRIMARY KEY,
	gemeente_naam        TEXT NOT NULL DEFAULT '',
	centrumgemeente      TEXT NOT NULL,
	centrumgemeente_naam TEXT NOT NULL DEFAULT '',
	confidence           TEXT NOT NULL DEFAULT '',
	note                 TEXT NOT NULL DEFAULT '',
	run_id               INTEGER NOT NULL REFERENCES runs (id)
);
CREATE INDEX regions_centrumgemeente ON regions (centrumgemeente);

CREATE TABLE addresses (
	postcode       TEXT    NOT NULL,
	huisnummer     INTEGER NOT NULL,
	toevoeging     TEXT    NOT NULL DEFAULT '',
	toevoeging_key TEXT    NOT NULL DEFAULT '', -- lower(trim(toevoeging))
	straat         TEXT    NOT NULL DEFAULT '',
	plaats         TEXT    NOT NULL DEFAULT '',
	x              REAL    NOT NULL,
	y              REAL    NOT NULL,
	run_id         INTEGER NOT NULL REFERENCES runs (id),
	PRIMARY KEY (postcode, huisnummer, toevoeging_key)
);
