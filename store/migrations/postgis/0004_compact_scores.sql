-- Compact scores: one row of a few dozen bytes per site and use, without
-- the explanation (the engine rebuilds it deterministically on demand).
-- knockouts holds the codes of the knock-outs that fired (the profile's
-- knock-out names, comma separated, profile order; '' when eligible).
-- What is the same for every row of a use (profile, its hash, the store
-- generation scored and when) is kept once per use in score_sets; the view
-- kandidaten joins it back, so QGIS or ArcGIS connected straight to
-- PostGIS still see ranked candidates with their profile as one layer.
-- Stored scores are recomputed by `plekwijzer score`, so the old table is
-- dropped rather than converted.
--
-- The key is (use, site_id): the rows of a use are copied in site id
-- order (appended to the key's index) and read back as one index range.
-- scores_region serves region filters, e.g. on the view in QGIS.
--
-- No foreign key to sites: PostgreSQL checks a foreign key per row by
-- locking the site's row, which made a COPY of 1M scores take over a
-- minute. SaveScoreSets instead checks, in the writing transaction, that
-- every row names a stored site (one anti-join). Sites are never deleted
-- by plekwijzer; scores of a site deleted by hand stay until the next
-- `score` and drop out of the view kandidaten (an inner join).

DROP VIEW kandidaten;
DROP TABLE scores;

CREATE TABLE scores (
	site_id         text             NOT NULL,
	use             text             NOT NULL,
	score           double precision NOT NULL,
	eligible        boolean          NOT NULL,
	knockouts       text             NOT NULL DEFAULT '',
	rank_in_region  integer          NOT NULL DEFAULT 0,
	capacity_units  integer          NOT NULL DEFAULT 0,
	capacity_people integer          NOT NULL DEFAULT 0,
	centrumgemeente text             NOT NULL DEFAULT '',
	PRIMARY KEY (use, site_id)
);
CREATE INDEX scores_region ON scores (use, centrumgemeente, rank_in_region);

CREATE TABLE score_sets (
	use          text        PRIMARY KEY,
	profile      text        NOT NULL,
	profile_hash text        NOT NULL,
	generation   bigint      NOT NULL,
	scored_at    timestamptz NOT NULL,
	count        integer     NOT NULL
);

CREATE VIEW kandidaten AS
SELECT s.id, s.kind, s.name, s.source, s.source_ref, s.gemeente,
       sc.centrumgemeente, sc.use, ss.profile, ss.profile_hash, sc.score,
       sc.eligible, sc.knockouts, sc.rank_in_region, sc.capacity_units,
       sc.capacity_people, ss.generation, ss.scored_at, s.geom
FROM sites s
JOIN scores sc ON sc.site_id = s.id
JOIN score_sets ss ON ss.use = sc.use;
