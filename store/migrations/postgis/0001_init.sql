-- plekwijzer schema for PostgreSQL with PostGIS.
-- Geometries are in RD New (EPSG:28992) with GiST indexes. Times are
-- timestamptz. Attributes are jsonb objects.

CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE runs (
	id            bigserial PRIMARY KEY,
	kind          text        NOT NULL,
	layer         text        NOT NULL DEFAULT '',
	file          text        NOT NULL DEFAULT '',
	sha256        text        NOT NULL DEFAULT '',
	started       timestamptz NOT NULL,
	finished      timestamptz,
	rows_read     integer     NOT NULL DEFAULT 0,
	rows_imported integer     NOT NULL DEFAULT 0,
	rows_rejected integer     NOT NULL DEFAULT 0,
	status        text        NOT NULL,
	message       text        NOT NULL DEFAULT ''
);
CREATE INDEX runs_status ON runs (status);

CREATE TABLE run_errors (
	id      bigserial PRIMARY KEY,
	run_id  bigint  NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
	row     integer NOT NULL,
	col     text    NOT NULL DEFAULT '',
	value   text    NOT NULL DEFAULT '',
	message text    NOT NULL
);
CREATE INDEX run_errors_run ON run_errors (run_id, row);

CREATE TABLE sites (
	id                text PRIMARY KEY,
	kind              text NOT NULL CHECK (kind IN ('gebouw', 'kavel')),
	source            text NOT NULL,
	source_ref        text NOT NULL,
	name              text NOT NULL DEFAULT '',
	straat            text NOT NULL DEFAULT '',
	huisnummer        integer NOT NULL DEFAULT 0,
	toevoeging        text NOT NULL DEFAULT '',
	postcode          text NOT NULL DEFAULT '',
	plaats            text NOT NULL DEFAULT '',
	geom              geometry(Geometry, 28992) NOT NULL,
	area_m2           double precision,
	area_kind         text NOT NULL DEFAULT '',
	function          text NOT NULL DEFAULT '',
	construction_year integer,
	monument          text NOT NULL DEFAULT '',
	status            text NOT NULL DEFAULT '',
	owner             text NOT NULL DEFAULT '',
	available_from    timestamptz,
	available_until   timestamptz,
	gemeente          text NOT NULL DEFAULT '',
	centrumgemeente   text NOT NULL DEFAULT '',
	attributes        jsonb,
	run_id            bigint NOT NULL REFERENCES runs (id),
	updated_at        timestamptz NOT NULL,
	UNIQUE (kind, source, source_ref)
);
CREATE INDEX sites_gemeente ON sites (gemeente);
CREATE INDEX sites_centrumgemeente ON sites (centrumgemeente);
CREATE INDEX sites_kind ON sites (kind);
CREATE INDEX sites_geom ON sites USING gist (geom);

CREATE TABLE features (
	id          bigserial PRIMARY KEY,
	layer       text NOT NULL,
	name        text NOT NULL DEFAULT '',
	geom        geometry(Geometry, 28992) NOT NULL,
	attributes  jsonb,
	run_id      bigint NOT NULL REFERENCES runs (id),
	source_file text NOT NULL DEFAULT ''
);
CREATE INDEX features_layer_file ON features (layer, source_file);
CREATE INDEX features_geom ON features USING gist (geom);

CREATE TABLE gemeenten (
	code           text PRIMARY KEY,
	name           text NOT NULL,
	provincie_code text NOT NULL DEFAULT '',
	provincie_naam text NOT NULL DEFAULT '',
	geom           geometry(Geometry, 28992) NOT NULL,
	run_id         bigint NOT NULL REFERENCES runs (id)
);
CREATE INDEX gemeenten_geom ON gemeenten USING gist (geom);

CREATE TABLE regions (
	gemeente             text PRIMARY KEY,
	gemeente_naam        text NOT NULL DEFAULT '',
	centrumgemeente      text NOT NULL,
	centrumgemeente_naam text NOT NULL DEFAULT '',
	confidence           text NOT NULL DEFAULT '',
	note                 text NOT NULL DEFAULT '',
	run_id               bigint NOT NULL REFERENCES runs (id)
);
CREATE INDEX regions_centrumgemeente ON regions (centrumgemeente);

CREATE TABLE addresses (
	postcode       text             NOT NULL,
	huisnummer     integer          NOT NULL,
	toevoeging     text             NOT NULL DEFAULT '',
	toevoeging_key text             NOT NULL DEFAULT '', -- lower(trim(toevoeging))
	straat         text             NOT NULL DEFAULT '',
	plaats         text             NOT NULL DEFAULT '',
	x              double precision NOT NULL,
	y              double precision NOT NULL,
	geom           geometry(Point, 28992) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(x, y), 28992)) STORED,
	run_id         bigint           NOT NULL REFERENCES runs (id),
	PRIMARY KEY (postcode, huisnummer, toevoeging_key)
);
CREATE INDEX addresses_geom ON addresses USING gist (geom);
