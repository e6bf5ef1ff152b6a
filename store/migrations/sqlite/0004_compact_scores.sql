-- Compact scores: one row of a few dozen bytes per site and use, without
-- the explanation (the engine rebuilds it deterministically on demand).
-- knockouts holds the codes of the knock-outs that fired (the profile's
-- knock-out names, comma separated, profile order; '' when eligible).
-- What is the same for every row of a use (profile, its hash, the store
-- generation scored and when) is kept once per use in score_sets.
-- Stored scores are recomputed by `plekwijzer score`, so the old table is
-- dropped rather than converted.
--
-- The table is clustered on (use, site_id) (WITHOUT ROWID: no second copy
-- of the key in a separate index): the rows of a use are written in site
-- id order, i.e. appended, and read back as one range, which is how they
-- are written and read (Store.SaveScoreSets, EachScore). There is no index
-- by region: a region filter reads the range of its use (1M rows: a
-- fraction of a second), while maintaining one costs a sort of every row
-- on every `score` (at 1M rows about 4 s of the write on a 2-core machine).
--
-- No foreign key to sites: SQLite would then delete the old rows one by
-- one instead of page by page, and PostgreSQL checks a foreign key per
-- row by locking the site's row (1M rows: over a minute). SaveScoreSets
-- instead checks, in the writing transaction, that every row names a
-- stored site (one anti-join). Sites are never deleted by plekwijzer;
-- scores of a site deleted by hand stay until the next `score`.

DROP TABLE scores;

CREATE TABLE scores (
	site_id         TEXT    NOT NULL,
	use             TEXT    NOT NULL,
	score           REAL    NOT NULL,
	eligible        INTEGER NOT NULL,
	knockouts       TEXT    NOT NULL DEFAULT '',
	rank_in_region  INTEGER NOT NULL DEFAULT 0,
	capacity_units  INTEGER NOT NULL DEFAULT 0,
	capacity_people INTEGER NOT NULL DEFAULT 0,
	centrumgemeente TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (use, site_id)
) WITHOUT ROWID;

CREATE TABLE score_sets (
	use          TEXT    PRIMARY KEY,
	profile      TEXT    NOT NULL,
	profile_hash TEXT    NOT NULL,
	generation   INTEGER NOT NULL,
	scored_at    TEXT    NOT NULL,
	count        INTEGER NOT NULL
);
