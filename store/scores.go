package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/jmoiron/sqlx"
)

// Score is the stored outcome of scoring one site for one use: a few dozen
// bytes. The explanation (criteria, knock-out texts) is not stored: the
// engine rebuilds it deterministically from the sites and context layers.
// Profile, ProfileHash, Generation and ScoredAt are the same for every
// score of a use and are stored once per use (table score_sets).
type Score struct {
	SiteID      string  `json:"id"`
	Use         string  `json:"use"`
	Profile     string  `json:"profile"`
	ProfileHash string  `json:"profile_hash"`
	Score       float64 `json:"score"`
	Eligible    bool    `json:"eligible"`
	// Knockouts are the codes of the knock-outs that fired (the profile's
	// knock-out names), comma separated; "" when none did.
	Knockouts       string    `json:"knockouts"`
	RankInRegion    int       `json:"rank_in_region"`
	CapacityUnits   int       `json:"capacity_units"`
	CapacityPeople  int       `json:"capacity_people"`
	Centrumgemeente string    `json:"centrumgemeente"`
	Generation      int64     `json:"generation"`
	ScoredAt        time.Time `json:"scored_at"`
}

// KnockoutCodes splits Knockouts into codes (nil when none).
func (sc *Score) KnockoutCodes() []string {
	if sc.Knockouts == "" {
		return nil
	}
	return strings.Split(sc.Knockouts, ",")
}

// ScoreSet is the scores of one use as SaveScoreSets writes them: Len rows
// produced one at a time by Row, so that no []Score of every site needs to
// exist.
type ScoreSet struct {
	Use         string
	Profile     string
	ProfileHash string
	Len         int
	// Row fills sc with row i (0 <= i < Len): SiteID, Score, Eligible,
	// Knockouts, RankInRegion, CapacityUnits, CapacityPeople and
	// Centrumgemeente; the other fields are ignored. sc is reused.
	Row func(i int, sc *Score)
}

// ScoreState describes the stored scores of one use, for a reader to
// decide whether they are still current (same profile hash, same store
// generation).
type ScoreState struct {
	Use         string    `json:"use"`
	Profile     string    `json:"profile"`
	ProfileHash string    `json:"profile_hash"`
	Generation  int64     `json:"generation"`
	ScoredAt    time.Time `json:"scored_at"`
	Count       int       `json:"count"`
}

// SaveScores replaces, in one transaction, all stored scores of every use
// that occurs in scores (see SaveScoreSets). The scores of one use must
// name one profile and profile hash.
func (s *Store) SaveScores(ctx context.Context, generation int64, scoredAt time.Time, scores []Score) error {
	byUse := map[string][]int{}
	var uses []string
	for i := range scores {
		sc := &scores[i]
		if sc.Use == "" {
			return fmt.Errorf("save scores: %w: score %d has no use", ErrInvalid, i)
		}
		if byUse[sc.Use] == nil {
			uses = append(uses, sc.Use)
		}
		first := &scores[firstOr(byUse[sc.Use], i)]
		if sc.Profile != first.Profile || sc.ProfileHash != first.ProfileHash {
			return fmt.Errorf("save scores: %w: scores of %s name profiles %s (%s) and %s (%s)", ErrInvalid, sc.Use,
				first.Profile, first.ProfileHash, sc.Profile, sc.ProfileHash)
		}
		byUse[sc.Use] = append(byUse[sc.Use], i)
	}
	sets := make([]ScoreSet, len(uses))
	for k, use := range uses {
		idx := byUse[use]
		first := &scores[idx[0]]
		sets[k] = ScoreSet{Use: use, Profile: first.Profile, ProfileHash: first.ProfileHash, Len: len(idx),
			Row: func(i int, sc *Score) { *sc = scores[idx[i]] }}
	}
	return s.SaveScoreSets(ctx, generation, scoredAt, sets...)
}

func firstOr(idx []int, i int) int {
	if len(idx) > 0 {
		return idx[0]
	}
	return i
}

// SaveScoreSets replaces, in one transaction, the stored scores of the
// use of every set with the set's rows. generation is the store
// Generation the scores were computed from. On error nothing changes.
// Rows are written in bulk: COPY on PostgreSQL, large prepared multi-row
// INSERTs on SQLite.
func (s *Store) SaveScoreSets(ctx context.Context, generation int64, scoredAt time.Time, sets ...ScoreSet) error {
	if len(sets) == 0 {
		return nil
	}
	n := 0
	seen := map[string]bool{}
	for _, set := range sets {
		if set.Use == "" {
			return fmt.Errorf("save scores: %w: a score set has no use", ErrInvalid)
		}
		if seen[set.Use] {
			return fmt.Errorf("save scores: %w: two score sets of %s", ErrInvalid, set.Use)
		}
		seen[set.Use] = true
		n += set.Len
	}
	var err error
	if s.pg() {
		err = s.copyScores(ctx, generation, scoredAt, sets)
	} else {
		err = s.insertScores(ctx, generation, scoredAt, sets)
	}
	if err != nil {
		return fmt.Errorf("save %d scores: %w", n, err)
	}
	return nil
}

// scoreColumns are the columns of table scores, in the order rows are written.
var scoreColumns = []string{"site_id", "use", "score", "eligible", "knockouts", "rank_in_region", "capacity_units", "capacity_people", "centrumgemeente"}

// checkRow reports a row that cannot be stored.
func checkRow(set *ScoreSet, i int, sc *Score) error {
	if sc.SiteID == "" {
		return fmt.Errorf("%w: score %d of %s has no site id", ErrInvalid, i, set.Use)
	}
	return nil
}

// scoreRowsPerInsert is the number of rows of one prepared INSERT on
// SQLite (9 parameters each, below SQLite's limit of 32766).
const scoreRowsPerInsert = 2000

func (s *Store) insertScores(ctx context.Context, generation int64, scoredAt time.Time, sets []ScoreSet) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		// The connection gets a page cache the size of the work (it keeps
		// it: a connection setting, memory used only as pages are read).
		if _, err := tx.ExecContext(ctx, `PRAGMA cache_size = -262144`); err != nil {
			return fmt.Errorf("prepare bulk write: %w", err)
		}
		all, err := s.onlyUses(ctx, tx, sets)
		if err != nil {
			return err
		}
		if all {
			// Without a WHERE clause SQLite frees the table's pages instead
			// of deleting row by row.
			if _, err := tx.ExecContext(ctx, `DELETE FROM scores`); err != nil {
				return fmt.Errorf("clear scores: %w", err)
			}
		} else if err := s.deleteScores(ctx, tx, sets); err != nil {
			return err
		}
		head := "INSERT INTO scores (" + strings.Join(scoreColumns, ", ") + ") VALUES "
		tuple := "(?" + strings.Repeat(", ?", len(scoreColumns)-1) + ")"
		query := func(rows int) string {
			return head + tuple + strings.Repeat(", "+tuple, rows-1)
		}
		var full *sql.Stmt
		defer func() {
			if full != nil {
				full.Close()
			}
		}()
		args := make([]any, 0, scoreRowsPerInsert*len(scoreColumns))
		rows := 0
		var sc Score
		for k := range sets {
			set := &sets[k]
			for i := 0; i < set.Len; i++ {
				sc = Score{}
				set.Row(i, &sc)
				if err := checkRow(set, i, &sc); err != nil {
					return err
				}
				args = append(args, sc.SiteID, set.Use, sc.Score, boolInt(sc.Eligible), sc.Knockouts,
					sc.RankInRegion, sc.CapacityUnits, sc.CapacityPeople, sc.Centrumgemeente)
				if rows++; rows < scoreRowsPerInsert {
					continue
				}
				if full == nil {
					var err error
					if full, err = tx.PrepareContext(ctx, query(rows)); err != nil {
						return fmt.Errorf("prepare: %w", err)
					}
				}
				if _, err := full.ExecContext(ctx, args...); err != nil {
					return fmt.Errorf("write scores of %s: %w", set.Use, err)
				}
				args, rows = args[:0], 0
			}
		}
		if rows > 0 {
			if _, err := tx.ExecContext(ctx, query(rows), args...); err != nil {
				return fmt.Errorf("write scores: %w", err)
			}
		}
		if err := s.checkSites(ctx, tx, sets); err != nil {
			return err
		}
		return s.saveScoreSetRows(ctx, tx, generation, scoredAt, sets)
	})
}

// checkSites reports a written score whose site is not stored (the
// table has no foreign key: see migration 0004).
func (s *Store) checkSites(ctx context.Context, tx txLike, sets []ScoreSet) error {
	q, args := usesIn(sets)
	if s.pg() {
		// Right after a COPY the planner takes the fresh rows for few and
		// probes the sites index per row (1M rows: ~3 s); a hash anti-join
		// takes ~1 s.
		if _, err := tx.ExecContext(ctx, `SET LOCAL enable_nestloop = off`); err != nil {
			return fmt.Errorf("check the sites of the scores: %w", err)
		}
	}
	var id, use string
	err := tx.QueryRowContext(ctx, s.q(`SELECT sc.site_id, sc.use FROM scores sc WHERE sc.use IN `+q+
		` AND NOT EXISTS (SELECT 1 FROM sites st WHERE st.id = sc.site_id) LIMIT 1`), args...).Scan(&id, &use)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("check the sites of the scores: %w", err)
	}
	return fmt.Errorf("%w: score of %s for site %s, which is not stored", ErrInvalid, use, id)
}

// txLike is what the score writers need of a transaction: *sql.Tx and
// *sqlx.Tx both are.
type txLike interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// onlyUses reports whether the sets' uses are all the uses stored.
func (s *Store) onlyUses(ctx context.Context, tx txLike, sets []ScoreSet) (bool, error) {
	q, args := usesIn(sets)
	var other int
	if err := tx.QueryRowContext(ctx, s.q(`SELECT count(*) FROM score_sets WHERE use NOT IN `+q), args...).Scan(&other); err != nil {
		return false, fmt.Errorf("clear scores: %w", err)
	}
	return other == 0, nil
}

// usesIn is the SQL list (?, ?) of the sets' uses and its arguments.
func usesIn(sets []ScoreSet) (string, []any) {
	marks := make([]string, len(sets))
	args := make([]any, len(sets))
	for k := range sets {
		marks[k], args[k] = "?", sets[k].Use
	}
	return "(" + strings.Join(marks, ", ") + ")", args
}

// deleteScores deletes the stored scores of the sets' uses. (On
// PostgreSQL a DELETE, not TRUNCATE: TRUNCATE takes a lock that readers
// wait on; after a DELETE they read the old scores until commit.)
func (s *Store) deleteScores(ctx context.Context, tx txLike, sets []ScoreSet) error {
	if len(sets) == 0 {
		return nil
	}
	q, args := usesIn(sets)
	if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM scores WHERE use IN `+q), args...); err != nil {
		return fmt.Errorf("clear scores: %w", err)
	}
	return nil
}

// saveScoreSetRows records the sets in score_sets.
func (s *Store) saveScoreSetRows(ctx context.Context, tx txLike, generation int64, scoredAt time.Time, sets []ScoreSet) error {
	at := s.timeArg(scoredAt)
	for k := range sets {
		set := &sets[k]
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM score_sets WHERE use = ?`), set.Use); err != nil {
			return fmt.Errorf("record score set %s: %w", set.Use, err)
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO score_sets (use, profile, profile_hash, generation, scored_at, count) VALUES (?, ?, ?, ?, ?, ?)`),
			set.Use, set.Profile, set.ProfileHash, generation, at, set.Len); err != nil {
			return fmt.Errorf("record score set %s: %w", set.Use, err)
		}
	}
	return nil
}

// copyScores writes the sets with COPY, in one transaction with the
// deletion of the old scores.
func (s *Store) copyScores(ctx context.Context, generation int64, scoredAt time.Time, sets []ScoreSet) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	// The bookkeeping runs through database/sql on the same connection, in
	// the transaction the COPY joins (pgx sends the COPY on the connection
	// the database/sql transaction holds).
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer tx.Rollback()
	if err := s.deleteScores(ctx, tx, sets); err != nil {
		return err
	}
	var rowErr error
	err = conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		for k := range sets {
			set := &sets[k]
			i := 0
			var sc Score
			src := pgx.CopyFromFunc(func() ([]any, error) {
				if i >= set.Len {
					return nil, nil
				}
				sc = Score{}
				set.Row(i, &sc)
				if err := checkRow(set, i, &sc); err != nil {
					rowErr = err
					return nil, err
				}
				i++
				return []any{sc.SiteID, set.Use, sc.Score, sc.Eligible, sc.Knockouts, int32(sc.RankInRegion),
					int32(sc.CapacityUnits), int32(sc.CapacityPeople), sc.Centrumgemeente}, nil
			})
			if _, err := pc.CopyFrom(ctx, pgx.Identifier{"scores"}, scoreColumns, src); err != nil {
				if rowErr != nil {
					return rowErr
				}
				return fmt.Errorf("copy scores of %s: %w", set.Use, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := s.checkSites(ctx, tx, sets); err != nil {
		return err
	}
	if err := s.saveScoreSetRows(ctx, tx, generation, scoredAt, sets); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ScoresState returns, per use with stored scores, the profile and its
// hash, the generation and time they were scored at and their number,
// ordered by use.
func (s *Store) ScoresState(ctx context.Context) ([]ScoreState, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT use, profile, profile_hash, generation, scored_at, count FROM score_sets ORDER BY use`)
	if err != nil {
		return nil, fmt.Errorf("read score state: %w", err)
	}
	defer rows.Close()
	var out []ScoreState
	for rows.Next() {
		var st ScoreState
		var at dbTime
		if err := rows.Scan(&st.Use, &st.Profile, &st.ProfileHash, &st.Generation, &at, &st.Count); err != nil {
			return nil, fmt.Errorf("read score state: %w", err)
		}
		st.ScoredAt = at.Time
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read score state: %w", err)
	}
	return out, nil
}

// ScoreFilter selects stored scores; zero values select everything.
type ScoreFilter struct {
	Use             string
	Centrumgemeente string
}

// Scores returns stored scores ordered by use, centrumgemeente, eligible
// first, rank and site id.
func (s *Store) Scores(ctx context.Context, f ScoreFilter) ([]Score, error) {
	var out []Score
	err := s.scanScores(ctx, f, ` ORDER BY use, centrumgemeente, eligible DESC, rank_in_region, site_id`, func(sc *Score) error {
		out = append(out, *sc)
		return nil
	})
	return out, err
}

// EachScore streams the stored scores that f selects to fn, ordered by use
// and site id, without holding them: fn gets the same *Score each time,
// overwritten. An error from fn stops the scan and is returned.
func (s *Store) EachScore(ctx context.Context, f ScoreFilter, fn func(*Score) error) error {
	return s.scanScores(ctx, f, ` ORDER BY use, site_id`, fn)
}

func (s *Store) scanScores(ctx context.Context, f ScoreFilter, order string, fn func(*Score) error) error {
	states, err := s.ScoresState(ctx)
	if err != nil {
		return fmt.Errorf("read scores: %w", err)
	}
	byUse := make(map[string]*ScoreState, len(states))
	for i := range states {
		byUse[states[i].Use] = &states[i]
	}
	q := `SELECT site_id, use, score, eligible, knockouts, rank_in_region, capacity_units, capacity_people, centrumgemeente FROM scores WHERE 1=1`
	var args []any
	if f.Use != "" {
		q += ` AND use = ?`
		args = append(args, f.Use)
	}
	if f.Centrumgemeente != "" {
		q += ` AND centrumgemeente = ?`
		args = append(args, f.Centrumgemeente)
	}
	rows, err := s.db.QueryContext(ctx, s.q(q+order), args...)
	if err != nil {
		return fmt.Errorf("read scores: %w", err)
	}
	defer rows.Close()
	// Uses, codes and regions repeat: they are read as raw bytes and
	// interned, so a row allocates only its site id.
	intern := map[string]string{}
	in := func(b sql.RawBytes) string {
		if v, ok := intern[string(b)]; ok {
			return v
		}
		v := string(b)
		intern[v] = v
		return v
	}
	var use, kos, region sql.RawBytes
	var sc Score
	for rows.Next() {
		if err := rows.Scan(&sc.SiteID, &use, &sc.Score, &sc.Eligible, &kos, &sc.RankInRegion,
			&sc.CapacityUnits, &sc.CapacityPeople, &region); err != nil {
			return fmt.Errorf("read scores: %w", err)
		}
		sc.Use, sc.Knockouts, sc.Centrumgemeente = in(use), in(kos), in(region)
		sc.Profile, sc.ProfileHash, sc.Generation, sc.ScoredAt = "", "", 0, time.Time{}
		if st := byUse[sc.Use]; st != nil {
			sc.Profile, sc.ProfileHash, sc.Generation, sc.ScoredAt = st.Profile, st.ProfileHash, st.Generation, st.ScoredAt
		}
		if err := fn(&sc); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read scores: %w", err)
	}
	return nil
}
