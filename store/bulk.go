package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/jmoiron/sqlx"
)

// sqliteBulkRows is how many rows one prepared INSERT of a SiteWriter
// writes on SQLite (29 parameters each, below SQLite's 32766). Measured in
// BenchmarkSiteWriterRows: a few dozen rows per statement roughly halves the
// cost of one prepared single-row INSERT per site; beyond that it flattens.
const sqliteBulkRows = 64

// pgCopyRows is how many rows a SiteWriter buffers before copying them
// into the staging table on PostGIS.
const pgCopyRows = 8192

// sqliteSink writes sites with one prepared multi-row upsert.
type sqliteSink struct {
	tx   *sqlx.Tx
	cols []string
	rows int // rows per full statement
	full *sqlx.Stmt
	args []any
	n    int
}

func newSQLiteSink(ctx context.Context, tx *sqlx.Tx, rows int) (*sqliteSink, error) {
	k := &sqliteSink{tx: tx, cols: append(append([]string{}, siteColumns...), bboxColumns...), rows: rows}
	k.args = make([]any, 0, rows*len(k.cols))
	st, err := tx.PreparexContext(ctx, k.query(rows))
	if err != nil {
		return nil, fmt.Errorf("prepare the site insert: %w", err)
	}
	k.full = st
	return k, nil
}

func (k *sqliteSink) query(rows int) string {
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(k.cols)), ", ") + ")"
	var b strings.Builder
	b.WriteString("INSERT INTO sites (" + strings.Join(k.cols, ", ") + ") VALUES ")
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(tuple)
	}
	b.WriteString(" ON CONFLICT (kind, source, source_ref) DO UPDATE SET " + upsertSet(k.cols))
	return b.String()
}

func (k *sqliteSink) add(ctx context.Context, s *Store, st *Site, g geomValue, attrs any, runID int64) error {
	k.args = s.siteArgs(k.args, st, g, attrs, runID)
	k.n++
	if k.n < k.rows {
		return nil
	}
	if _, err := k.full.ExecContext(ctx, k.args...); err != nil {
		return err
	}
	clear(k.args) // drop references to the rows' values
	k.args, k.n = k.args[:0], 0
	return nil
}

func (k *sqliteSink) flush(ctx context.Context, _ *Store) error {
	if k.n == 0 {
		return nil
	}
	if _, err := k.tx.ExecContext(ctx, k.query(k.n), k.args...); err != nil {
		return err
	}
	k.args, k.n = k.args[:0], 0
	return nil
}

func (k *sqliteSink) close() {
	if k.full != nil {
		k.full.Close()
		k.full = nil
	}
}

// pgStaging is the temporary table a SiteWriter copies into on PostGIS:
// the columns of sites with the geometry as WKB and attributes as text.
const pgStaging = "sites_staging"

const pgStagingDDL = `CREATE TEMPORARY TABLE ` + pgStaging + ` (
	id text, kind text, source text, source_ref text, name text,
	straat text, huisnummer integer, toevoeging text, postcode text, plaats text,
	geom bytea, area_m2 double precision, area_kind text, function text, construction_year integer,
	monument text, status text, owner text, available_from timestamptz, available_until timestamptz,
	gemeente text, centrumgemeente text, attributes text, run_id bigint, updated_at timestamptz
) ON COMMIT DROP`

// pgSink copies sites into the staging table in batches.
type pgSink struct {
	conn *sqlx.Conn
	tx   *sqlx.Tx
	rows [][]any
	buf  []any // backing store of rows
	n    int
}

func newPGSink(ctx context.Context, conn *sqlx.Conn, tx *sqlx.Tx) (*pgSink, error) {
	if _, err := tx.ExecContext(ctx, pgStagingDDL); err != nil {
		return nil, fmt.Errorf("create the staging table: %w", err)
	}
	k := &pgSink{conn: conn, tx: tx, rows: make([][]any, pgCopyRows), buf: make([]any, 0, pgCopyRows*len(siteColumns))}
	return k, nil
}

func (k *pgSink) add(ctx context.Context, s *Store, st *Site, g geomValue, attrs any, runID int64) error {
	start := len(k.buf)
	k.buf = s.siteArgs(k.buf, st, g, attrs, runID)
	k.rows[k.n] = k.buf[start:len(k.buf):len(k.buf)]
	k.n++
	if k.n < pgCopyRows {
		return nil
	}
	return k.flush(ctx, s)
}

// flush copies the buffered rows into the staging table.
func (k *pgSink) flush(ctx context.Context, _ *Store) error {
	if k.n == 0 {
		return nil
	}
	rows := k.rows[:k.n]
	err := k.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("internal error: the PostgreSQL connection is a %T, not a pgx connection", dc)
		}
		n, err := c.Conn().CopyFrom(ctx, pgx.Identifier{pgStaging}, siteColumns, pgx.CopyFromRows(rows))
		if err == nil && n != int64(len(rows)) {
			err = fmt.Errorf("copied %d of %d rows", n, len(rows))
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("copy sites into the staging table: %w", err)
	}
	clear(k.buf)
	k.buf, k.n = k.buf[:0], 0
	return nil
}

// merge moves the staged rows into sites; fresh means no row can conflict
// (and the unique constraint is not there to arbitrate).
func (k *pgSink) merge(ctx context.Context, fresh bool) error {
	sel := make([]string, len(siteColumns))
	for i, c := range siteColumns {
		switch c {
		case "geom":
			sel[i] = "ST_GeomFromWKB(geom, 28992)"
		case "attributes":
			sel[i] = "attributes::jsonb"
		default:
			sel[i] = c
		}
	}
	q := "INSERT INTO sites (" + strings.Join(siteColumns, ", ") + ") SELECT " + strings.Join(sel, ", ") + " FROM " + pgStaging
	if !fresh {
		q += " ON CONFLICT (kind, source, source_ref) DO UPDATE SET " + upsertSet(siteColumns)
	}
	if _, err := k.tx.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("move the staged sites into sites: %w", err)
	}
	return nil
}

var errWriterDone = errors.New("save sites: the writer was committed or rolled back")
