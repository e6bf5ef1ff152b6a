-- Scores written by `plekwijzer score`: one row per site and use, replaced
-- whole per use on every scoring. explanation holds the full explained
-- result (criteria, knock-outs, capacity assumptions) as JSON.
-- The view kandidaten joins them to the site geometries, so QGIS or ArcGIS
-- connected straight to PostGIS see ranked candidates as a layer.

CREATE TABLE scores (
	site_id         text             NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
	use             text             NOT NULL,
	profile         text             NOT NULL,
	score           double precision NOT NULL,
	eligible        boolean          NOT NULL,
	rank_in_region  integer          NOT NULL DEFAULT 0,
	capacity_units  integer          NOT NULL DEFAULT 0,
	capacity_people integer          NOT NULL DEFAULT 0,
	centrumgemeente text             NOT NULL DEFAULT '',
	explanation     jsonb            NOT NULL,
	generation      bigint           NOT NULL,
	scored_at       timestamptz      NOT NULL,
	PRIMARY KEY (site_id, use)
);
CREATE INDEX scores_region ON scores (use, centrumgemeente, rank_in_region);

CREATE VIEW kandidaten AS
SELECT s.id, s.kind, s.name, s.source, s.source_ref, s.gemeente,
       sc.centrumgemeente, sc.use, sc.profile, sc.score, sc.eligible,
       sc.rank_in_region, sc.capacity_units, sc.capacity_people,
       sc.explanation, sc.scored_at, s.geom
FROM sites s JOIN scores sc ON sc.site_id = s.id;
