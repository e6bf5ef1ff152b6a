-- Compact scores: one row of a few dozen bytes per site and use, without
-- the explanation (the engine rebuilds it deterministically on demand).
-- knockouts holds the codes of the knock-outs that fired (the profile's
-- knock-out names, comma separated, profile order; '' when eligible).
-- What is the same for every row of a use (profile, its hash, the store
-- generation scored and when) is kept once per use in score_sets.
-- Stored scores are recomputed by `plekwijzer score`, so the old table is
-- dropped rather than converted. The table is clustered on its key
-- (WITHOUT ROWID): no second copy of the key in a separate index.

DROP TABLE scores;

CREATE TABLE scores (
	site_id         TEXT    NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
	use             TEXT    NOT NULL,
	score           REAL    NOT NULL,
	eligible        INTEGER NOT NULL,
	knockouts       TEXT    NOT NULL DEFAULT '',
	rank_in_region  INTEGER NOT NULL DEFAULT 0,
	capacity_units  INTEGER NOT NULL DEFAULT 0,
	capacity_people INTEGER NOT NULL DEFAULT 0,
	centrumgemeente TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (site_id, use)
) WITHOUT ROWID;
CREATE INDEX scores_region ON scores (use, centrumgemeente, rank_in_region);

CREATE TABLE score_sets (
	use          TEXT    PRIMARY KEY,
	profile      TEXT    NOT NULL,
	profile_hash TEXT    NOT NULL,
	generation   INTEGER NOT NULL,
	scored_at    TEXT    NOT NULL,
	count        INTEGER NOT NULL
);
