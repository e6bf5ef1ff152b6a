-- Scores written by `plekwijzer score`: one row per site and use, replaced
-- whole per use on every scoring. explanation holds the full explained
-- result (criteria, knock-outs, capacity assumptions) as JSON.

CREATE TABLE scores (
	site_id         TEXT    NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
	use             TEXT    NOT NULL,
	profile         TEXT    NOT NULL,
	score           REAL    NOT NULL,
	eligible        INTEGER NOT NULL,
	rank_in_region  INTEGER NOT NULL DEFAULT 0,
	capacity_units  INTEGER NOT NULL DEFAULT 0,
	capacity_people INTEGER NOT NULL DEFAULT 0,
	centrumgemeente TEXT    NOT NULL DEFAULT '',
	explanation     TEXT    NOT NULL,
	generation      INTEGER NOT NULL,
	scored_at       TEXT    NOT NULL,
	PRIMARY KEY (site_id, use)
);
CREATE INDEX scores_region ON scores (use, centrumgemeente, rank_in_region);
