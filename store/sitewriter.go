package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// bulkIndexRows is the smallest expected batch for which a SiteWriter drops
// the secondary indexes of sites and builds them again before commit: below
// it, maintaining them row by row costs less than rebuilding them.
const bulkIndexRows = 10000

// sqliteBulkCacheKiB is the page cache (KiB) of the connection a
// SiteWriter writes through on SQLite: large enough to hold the unique
// indexes of a few million sites, so that inserting random keys does not
// spill pages to the WAL in the middle of the transaction.
const sqliteBulkCacheKiB = 256 << 10

// SiteWriter writes the sites of one run in one transaction, row by row,
// so that an importer can stream a file of any size into the store: the
// run record is written first, every Write lands one site (an upsert by
// kind, source and source reference), and Commit records the run's final
// counts, status and row errors and commits. Nothing is visible to readers
// before Commit; Rollback (or any error) leaves the store as it was.
//
// On SQLite the writer holds one connection with a large page cache, writes
// through one prepared multi-row INSERT and, for a batch that is large
// relative to the table, drops the secondary indexes and builds them again
// before commit. On PostGIS it copies the rows (COPY) into a temporary
// staging table and moves them into sites with one INSERT ... ON CONFLICT
// at commit, then runs ANALYZE.
//
// A SiteWriter is not safe for concurrent use.
type SiteWriter struct {
	s     *Store
	ctx   context.Context
	conn  *sqlx.Conn
	tx    *sqlx.Tx
	run   *Run
	runID int64
	now   time.Time
	// seen maps the 64-bit hash of each written site's (kind, source,
	// source_ref) to its 1-based number, to refuse duplicates compactly.
	seen    map[uint64]int32
	n       int
	indexes []indexDef // dropped, to be built again before commit
	sqlite  *sqliteSink
	pg      *pgSink
	done    bool
	// sqliteRows is the number of rows per prepared INSERT on SQLite.
	sqliteRows int
	// fresh: the table was empty and its unique constraints are dropped
	// for the load (PostGIS), so rows are inserted without ON CONFLICT.
	fresh bool
}

// indexDef is a secondary index: its name and the statement creating it.
type indexDef struct {
	Name string `db:"name"`
	SQL  string `db:"sql"`
}

// NewSiteWriter begins writing the sites of run in one transaction and
// records run (its counts, status and errors are written again by Commit).
// expected is how many sites the caller expects to write (0 when unknown);
// it decides whether indexes are rebuilt after the load.
func (s *Store) NewSiteWriter(ctx context.Context, run *Run, expected int) (*SiteWriter, error) {
	return s.newSiteWriter(ctx, run, expected, sqliteBulkRows)
}

func (s *Store) newSiteWriter(ctx context.Context, run *Run, expected, sqliteRows int) (*SiteWriter, error) {
	if run == nil {
		return nil, fmt.Errorf("save sites: %w: no run", ErrInvalid)
	}
	conn, err := s.db.Connx(ctx)
	if err != nil {
		return nil, fmt.Errorf("save sites of %s: %w", runFile(run), err)
	}
	w := &SiteWriter{s: s, ctx: ctx, conn: conn, run: run, seen: make(map[uint64]int32, min(expected, 1<<22)), sqliteRows: sqliteRows}
	w.now = time.Now()
	if run.Finished != nil {
		w.now = *run.Finished
	}
	if err := w.begin(expected); err != nil {
		w.abort()
		return nil, fmt.Errorf("save sites of %s: %w", runFile(run), err)
	}
	return w, nil
}

func (w *SiteWriter) begin(expected int) error {
	ctx, s := w.ctx, w.s
	if !s.pg() {
		// Connection settings, not part of the transaction: reset in abort
		// and Commit before the connection goes back to the pool.
		if _, err := w.conn.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = -%d", sqliteBulkCacheKiB)); err != nil {
			return fmt.Errorf("set the page cache for a bulk load: %w", err)
		}
		if _, err := w.conn.ExecContext(ctx, "PRAGMA temp_store = MEMORY"); err != nil {
			return fmt.Errorf("set temp_store for a bulk load: %w", err)
		}
	}
	tx, err := w.conn.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	w.tx = tx
	if w.runID, err = s.insertRunRecord(ctx, tx, w.run); err != nil {
		return err
	}
	if expected >= bulkIndexRows {
		if err := w.dropIndexes(expected); err != nil {
			return err
		}
	}
	if s.pg() {
		w.pg, err = newPGSink(ctx, w.conn, tx)
	} else {
		w.sqlite, err = newSQLiteSink(ctx, tx, w.sqliteRows)
	}
	return err
}

// dropIndexes drops the secondary (non-unique) indexes of sites when the
// table holds fewer sites than expected, remembering them for Commit. On
// PostGIS only an empty table qualifies, and there the foreign keys go too:
// DROP INDEX and ALTER TABLE lock the table against readers until commit,
// which only an empty table can afford.
func (w *SiteWriter) dropIndexes(expected int) error {
	ctx, tx, s := w.ctx, w.tx, w.s
	var have int
	if err := tx.GetContext(ctx, &have, "SELECT COUNT(*) FROM sites"); err != nil {
		return fmt.Errorf("count sites: %w", err)
	}
	if have > expected || (s.pg() && have > 0) {
		return nil
	}
	var defs []indexDef
	var err error
	if s.pg() {
		err = tx.SelectContext(ctx, &defs, `SELECT i.indexname AS name, i.indexdef AS sql FROM pg_indexes i
			JOIN pg_class c ON c.relname = i.indexname JOIN pg_index x ON x.indexrelid = c.oid
			JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = i.schemaname
			WHERE i.tablename = 'sites' AND i.schemaname = current_schema() AND NOT x.indisunique
			ORDER BY i.indexname`)
	} else {
		err = tx.SelectContext(ctx, &defs, `SELECT name, sql FROM sqlite_master
			WHERE type = 'index' AND tbl_name = 'sites' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'
			ORDER BY name`)
	}
	if err != nil {
		return fmt.Errorf("list the indexes of sites: %w", err)
	}
	for _, d := range defs {
		if _, err := tx.ExecContext(ctx, "DROP INDEX "+d.Name); err != nil {
			return fmt.Errorf("drop index %s for the bulk load: %w", d.Name, err)
		}
	}
	if s.pg() {
		// PostgreSQL checks a foreign key with a trigger per row (a third of
		// the time of a load); adding it back checks all rows in one join.
		// The unique (kind, source, source_ref) index is built by one sort
		// instead of a million random inserts: an empty table and a batch
		// without duplicates (Write refuses them) cannot conflict, so the
		// merge needs no ON CONFLICT arbiter. The primary key stays: scores
		// refer to it.
		var fks []indexDef
		if err := tx.SelectContext(ctx, &fks, `SELECT conname AS name,
			'ALTER TABLE sites ADD CONSTRAINT ' || quote_ident(conname) || ' ' || pg_get_constraintdef(oid) AS sql
			FROM pg_constraint WHERE conrelid = 'sites'::regclass AND contype IN ('f', 'u')
			ORDER BY contype DESC, conname`); err != nil {
			return fmt.Errorf("list the constraints of sites: %w", err)
		}
		w.fresh = true
		for _, fk := range fks {
			if _, err := tx.ExecContext(ctx, "ALTER TABLE sites DROP CONSTRAINT "+fk.Name); err != nil {
				return fmt.Errorf("drop constraint %s for the bulk load: %w", fk.Name, err)
			}
		}
		defs = append(defs, fks...)
	}
	w.indexes = defs
	return nil
}

// Write lands one site. It sets st.ID (SiteID of its kind, source and
// source reference), st.RunID (the id the run will have once committed)
// and st.UpdatedAt when it was zero. An invalid site (see SaveSites) is an
// error wrapping ErrInvalid that names it; the caller should Rollback.
func (w *SiteWriter) Write(st *Site) error {
	if w.done {
		return errWriterDone
	}
	w.n++
	sum, g, err := validateSite(w.run, w.n, st, w.seen)
	if err != nil {
		return err
	}
	attrs, err := encodeAttrs(st.Attributes)
	if err != nil {
		return fmt.Errorf("save sites of %s: %s: %w", runFile(w.run), siteWhat(w.n, st), err)
	}
	st.ID = siteIDOf(st.Kind, sum)
	if st.UpdatedAt.IsZero() {
		st.UpdatedAt = w.now.UTC().Truncate(time.Microsecond)
	}
	if w.pg != nil {
		err = w.pg.add(w.ctx, w.s, st, g, attrs, w.runID)
	} else {
		err = w.sqlite.add(w.ctx, w.s, st, g, attrs, w.runID)
	}
	if err != nil {
		return fmt.Errorf("save sites of run %d (%s): write up to %s: %w", w.runID, runFile(w.run), siteWhat(w.n, st), err)
	}
	st.RunID = w.runID
	return nil
}

func siteWhat(n int, st *Site) string {
	return fmt.Sprintf("site %d (%s %q from %q)", n, st.Kind, st.SourceRef, st.Source)
}

// validateSite checks site number n (1-based) of a run: a valid kind, a
// source and reference, a geometry, and an identity not in seen, where it
// is then recorded. It returns the hash of the identity and the encoded
// geometry.
func validateSite(run *Run, n int, st *Site, seen map[uint64]int32) ([32]byte, geomValue, error) {
	if !st.Kind.Valid() {
		return [32]byte{}, geomValue{}, fmt.Errorf("save sites of %s: %s: %w: kind %q is neither %q nor %q", runFile(run), siteWhat(n, st), ErrInvalid, st.Kind, Gebouw, Kavel)
	}
	if st.Source == "" || st.SourceRef == "" {
		return [32]byte{}, geomValue{}, fmt.Errorf("save sites of %s: %s: %w: source and source reference are required", runFile(run), siteWhat(n, st), ErrInvalid)
	}
	sum := siteSum(st.Kind, st.Source, st.SourceRef)
	// The first 8 bytes cover the 6 of the id: equal ids collide here too.
	key := binary.BigEndian.Uint64(sum[:8])
	if j, dup := seen[key]; dup {
		return sum, geomValue{}, fmt.Errorf("save sites of %s: %s: %w: same %s, source and source reference as site %d", runFile(run), siteWhat(n, st), ErrInvalid, st.Kind, j)
	}
	seen[key] = int32(n)
	g, err := encodeGeom(st.Geometry)
	if err != nil {
		return sum, geomValue{}, fmt.Errorf("save sites of %s: %s: %w", runFile(run), siteWhat(n, st), err)
	}
	return sum, g, nil
}

// Written returns how many sites were written so far.
func (w *SiteWriter) Written() int { return w.n }

// Commit finishes the load, records the run's counts, status, message and
// row errors as they are now (and run.Finished as the commit time when it
// is nil, so the run's duration covers every write) and commits. It sets
// run.ID. On error nothing of the run is stored.
func (w *SiteWriter) Commit() error {
	if w.done {
		return errWriterDone
	}
	err := w.finish()
	if err != nil {
		w.abort()
		return fmt.Errorf("save sites of run %d (%s): %w", w.runID, runFile(w.run), err)
	}
	w.done = true
	w.release()
	w.run.ID = w.runID
	return nil
}

func (w *SiteWriter) finish() error {
	ctx, tx := w.ctx, w.tx
	var err error
	if w.pg != nil {
		err = w.pg.flush(ctx, w.s)
	} else {
		err = w.sqlite.flush(ctx, w.s)
	}
	if err != nil {
		return fmt.Errorf("write sites: %w", err)
	}
	if w.pg != nil {
		if err := w.pg.merge(ctx, w.fresh); err != nil {
			return err
		}
	}
	for _, d := range w.indexes {
		if _, err := tx.ExecContext(ctx, d.SQL); err != nil {
			return fmt.Errorf("restore %s after the bulk load: %w", d.Name, err)
		}
	}
	if w.run.Finished == nil {
		now := time.Now().UTC()
		w.run.Finished = &now
	}
	if err := w.s.finishRunRecord(ctx, tx, w.runID, w.run); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if w.pg != nil {
		// Fresh statistics for the planner; outside the transaction, which
		// ANALYZE does not need, so a failure does not undo the import.
		if _, err := w.conn.ExecContext(ctx, "ANALYZE sites"); err != nil {
			return nil //nolint:nilerr // the data is committed; stale statistics are not an import error
		}
	}
	return nil
}

// Rollback abandons the load: nothing of it, not even the run record, is
// stored. It is a no-op after Commit.
func (w *SiteWriter) Rollback() {
	if w.done {
		return
	}
	w.abort()
}

func (w *SiteWriter) abort() {
	w.done = true
	if w.tx != nil {
		w.tx.Rollback()
	}
	w.release()
}

// release closes statements, resets the connection settings of a bulk
// load and returns the connection to the pool.
func (w *SiteWriter) release() {
	if w.sqlite != nil {
		w.sqlite.close()
	}
	if w.conn == nil {
		return
	}
	if !w.s.pg() {
		// Use a fresh context: a cancelled import must still shrink the cache.
		ctx := context.Background()
		w.conn.ExecContext(ctx, "PRAGMA cache_size = -2000")
		w.conn.ExecContext(ctx, "PRAGMA temp_store = DEFAULT")
	}
	w.conn.Close()
	w.conn = nil
}

// siteArgs returns the column values of st for siteColumns (and, on
// SQLite, bboxColumns), appended to args.
func (s *Store) siteArgs(args []any, st *Site, g geomValue, attrs any, runID int64) []any {
	var area, year any
	if st.AreaM2 != nil {
		area = *st.AreaM2
	}
	if st.ConstructionYear != nil {
		year = *st.ConstructionYear
	}
	a := st.Address
	args = append(args,
		st.ID, string(st.Kind), st.Source, st.SourceRef, st.Name,
		a.Straat, a.Huisnummer, a.Toevoeging, a.Postcode, a.Plaats,
		g.wkb, area, st.AreaKind, st.Function, year,
		st.Monument, st.Status, st.Owner, s.timePtrArg(st.AvailableFrom), s.timePtrArg(st.AvailableUntil),
		st.Gemeente, st.Centrumgemeente, attrs, runID, s.timeArg(st.UpdatedAt))
	if !s.pg() {
		bd := g.bound
		args = append(args, bd.Min[0], bd.Min[1], bd.Max[0], bd.Max[1])
	}
	return args
}

// upsertSet is the SET clause updating every column but the identity.
func upsertSet(cols []string) string {
	var set []string
	for _, c := range cols {
		if c != "id" && c != "kind" && c != "source" && c != "source_ref" {
			set = append(set, c+" = excluded."+c)
		}
	}
	return strings.Join(set, ", ")
}
