package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Score is the stored outcome of scoring one site for one use. The store
// does not interpret Explanation: it is the scoring engine's full explained
// result as JSON, kept so that exports and direct database users (QGIS on
// PostGIS: the view kandidaten) see why a site scored as it did.
type Score struct {
	SiteID          string    `db:"site_id" json:"id"`
	Use             string    `db:"use" json:"use"`
	Profile         string    `db:"profile" json:"profile"`
	Score           float64   `db:"score" json:"score"`
	Eligible        bool      `db:"eligible" json:"eligible"`
	RankInRegion    int       `db:"rank_in_region" json:"rank_in_region"`
	CapacityUnits   int       `db:"capacity_units" json:"capacity_units"`
	CapacityPeople  int       `db:"capacity_people" json:"capacity_people"`
	Centrumgemeente string    `db:"centrumgemeente" json:"centrumgemeente"`
	Explanation     []byte    `db:"explanation" json:"-"`
	Generation      int64     `db:"generation" json:"generation"`
	ScoredAt        time.Time `db:"-" json:"scored_at"`
}

// SaveScores replaces, in one transaction, all stored scores of every use
// that occurs in scores. generation is the store Generation the scores were
// computed from. On error nothing changes.
func (s *Store) SaveScores(ctx context.Context, generation int64, scoredAt time.Time, scores []Score) error {
	uses := map[string]bool{}
	for i, sc := range scores {
		if sc.SiteID == "" || sc.Use == "" {
			return fmt.Errorf("%w: score %d has no site id or use", ErrInvalid, i)
		}
		uses[sc.Use] = true
	}
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		for use := range uses {
			if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM scores WHERE use = ?`), use); err != nil {
				return fmt.Errorf("clear scores of %s: %w", use, err)
			}
		}
		ins := newBatchInserter(tx,
			`INSERT INTO scores (site_id, use, profile, score, eligible, rank_in_region, capacity_units, capacity_people, centrumgemeente, explanation, generation, scored_at)`,
			`(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, "", 12)
		defer ins.close()
		at := s.timeArg(scoredAt)
		for _, sc := range scores {
			var eligible any = sc.Eligible
			if !s.pg() {
				eligible = boolInt(sc.Eligible)
			}
			if err := ins.add(ctx, sc.SiteID, sc.Use, sc.Profile, sc.Score, eligible, sc.RankInRegion,
				sc.CapacityUnits, sc.CapacityPeople, sc.Centrumgemeente, string(sc.Explanation), generation, at); err != nil {
				return fmt.Errorf("write score of site %s (%s): %w", sc.SiteID, sc.Use, err)
			}
		}
		return ins.flush(ctx)
	})
	if err != nil {
		return fmt.Errorf("save %d scores: %w", len(scores), err)
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ScoreFilter selects stored scores; zero values select everything.
type ScoreFilter struct {
	Use             string
	Centrumgemeente string
}

// Scores returns stored scores ordered by use, centrumgemeente, eligible
// first, rank and site id.
func (s *Store) Scores(ctx context.Context, f ScoreFilter) ([]Score, error) {
	q := `SELECT site_id, use, profile, score, eligible, rank_in_region, capacity_units, capacity_people,
		centrumgemeente, explanation, generation, scored_at FROM scores WHERE 1=1`
	var args []any
	if f.Use != "" {
		q += ` AND use = ?`
		args = append(args, f.Use)
	}
	if f.Centrumgemeente != "" {
		q += ` AND centrumgemeente = ?`
		args = append(args, f.Centrumgemeente)
	}
	q += ` ORDER BY use, centrumgemeente, eligible DESC, rank_in_region, site_id`
	rows, err := s.db.QueryxContext(ctx, s.q(q), args...)
	if err != nil {
		return nil, fmt.Errorf("read scores: %w", err)
	}
	defer rows.Close()
	var out []Score
	for rows.Next() {
		var sc Score
		var expl string
		var at dbTime
		if err := rows.Scan(&sc.SiteID, &sc.Use, &sc.Profile, &sc.Score, &sc.Eligible, &sc.RankInRegion,
			&sc.CapacityUnits, &sc.CapacityPeople, &sc.Centrumgemeente, &expl, &sc.Generation, &at); err != nil {
			return nil, fmt.Errorf("read scores: %w", err)
		}
		sc.Explanation = []byte(expl)
		sc.ScoredAt = at.Time
		out = append(out, sc)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read scores: %w", err)
	}
	return out, nil
}
