package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// SaveRun records a run that writes no data (dry run, refused run, failed
// run) with its row errors. It sets run.ID.
func (s *Store) SaveRun(ctx context.Context, run *Run) error {
	var id int64
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		id, err = s.insertRun(ctx, tx, run)
		return err
	})
	if err != nil {
		return fmt.Errorf("save %s run of %s: %w", run.Kind, runFile(run), err)
	}
	run.ID = id
	return nil
}

// saveWithRun records run and then runs write in the same transaction. It
// sets run.ID only when everything was committed. A run without Finished
// gets the time write returned, so that its duration covers the writes.
func (s *Store) saveWithRun(ctx context.Context, run *Run, what string, write func(tx *sqlx.Tx, runID int64) error) error {
	var id int64
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		if id, err = s.insertRun(ctx, tx, run); err != nil {
			return err
		}
		if err := write(tx, id); err != nil {
			return err
		}
		if run.Finished == nil {
			now := time.Now().UTC()
			run.Finished = &now
			if _, err := tx.ExecContext(ctx, s.q("UPDATE runs SET finished = ? WHERE id = ?"), s.timeArg(now), id); err != nil {
				return fmt.Errorf("record run %d: %w", id, err)
			}
		}
		return nil
	})
	if err != nil {
		if id != 0 {
			return fmt.Errorf("save %s of run %d (%s): %w", what, id, runFile(run), err)
		}
		return fmt.Errorf("save %s of %s: %w", what, runFile(run), err)
	}
	run.ID = id
	return nil
}

func runFile(run *Run) string {
	if run.File == "" {
		return "an unnamed file"
	}
	return fmt.Sprintf("%q", run.File)
}

// insertRun inserts run and its row errors and returns the new run id.
func (s *Store) insertRun(ctx context.Context, tx *sqlx.Tx, run *Run) (int64, error) {
	id, err := s.insertRunRecord(ctx, tx, run)
	if err != nil {
		return 0, err
	}
	if err := s.insertRunErrors(ctx, tx, id, run.Errors); err != nil {
		return 0, err
	}
	return id, nil
}

// insertRunRecord inserts run without its row errors and returns the new
// run id.
func (s *Store) insertRunRecord(ctx context.Context, tx *sqlx.Tx, run *Run) (int64, error) {
	if run == nil {
		return 0, fmt.Errorf("%w: no run", ErrInvalid)
	}
	if run.Status == "" {
		return 0, fmt.Errorf("%w: run has no status", ErrInvalid)
	}
	started := run.Started
	if started.IsZero() {
		started = time.Now()
	}
	var id int64
	err := tx.GetContext(ctx, &id, s.q(`INSERT INTO runs
		(kind, layer, file, sha256, started, finished, rows_read, rows_imported, rows_rejected, status, message)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		string(run.Kind), run.Layer, run.File, run.SHA256, s.timeArg(started), s.timePtrArg(run.Finished),
		run.RowsRead, run.Imported, run.Rejected, run.Status, run.Message)
	if err != nil {
		return 0, fmt.Errorf("record run: %w", err)
	}
	return id, nil
}

// finishRunRecord writes the final counts, status, message, finish time
// and row errors of run to its record id (written by insertRunRecord in
// the same transaction).
func (s *Store) finishRunRecord(ctx context.Context, tx *sqlx.Tx, id int64, run *Run) error {
	if run.Status == "" {
		return fmt.Errorf("%w: run has no status", ErrInvalid)
	}
	_, err := tx.ExecContext(ctx, s.q(`UPDATE runs SET finished = ?, rows_read = ?, rows_imported = ?,
		rows_rejected = ?, status = ?, message = ? WHERE id = ?`),
		s.timePtrArg(run.Finished), run.RowsRead, run.Imported, run.Rejected, run.Status, run.Message, id)
	if err != nil {
		return fmt.Errorf("record run %d: %w", id, err)
	}
	return s.insertRunErrors(ctx, tx, id, run.Errors)
}

// insertRunErrors inserts the row errors of run id.
func (s *Store) insertRunErrors(ctx context.Context, tx *sqlx.Tx, id int64, errs []RowError) error {
	if len(errs) == 0 {
		return nil
	}
	b := newBatchInserter(tx, "INSERT INTO run_errors (run_id, row, col, value, message)", "(?, ?, ?, ?, ?)", "", 5)
	defer b.close()
	for _, e := range errs {
		if err := b.add(ctx, id, e.Row, e.Column, e.Value, e.Message); err != nil {
			return fmt.Errorf("record row errors of run %d: %w", id, err)
		}
	}
	if err := b.flush(ctx); err != nil {
		return fmt.Errorf("record row errors of run %d: %w", id, err)
	}
	return nil
}

// runRow is a runs row as scanned from either backend.
type runRow struct {
	ID       int64  `db:"id"`
	Kind     string `db:"kind"`
	Layer    string `db:"layer"`
	File     string `db:"file"`
	SHA256   string `db:"sha256"`
	Started  dbTime `db:"started"`
	Finished dbTime `db:"finished"`
	RowsRead int    `db:"rows_read"`
	Imported int    `db:"rows_imported"`
	Rejected int    `db:"rows_rejected"`
	Status   string `db:"status"`
	Message  string `db:"message"`
}

func (r runRow) run() Run {
	return Run{
		ID: r.ID, Kind: RunKind(r.Kind), Layer: r.Layer, File: r.File, SHA256: r.SHA256,
		Started: r.Started.Time, Finished: r.Finished.ptr(),
		RowsRead: r.RowsRead, Imported: r.Imported, Rejected: r.Rejected,
		Status: r.Status, Message: r.Message,
	}
}

const runColumns = `id, kind, layer, file, sha256, started, finished, rows_read, rows_imported, rows_rejected, status, message`

// Runs returns all runs, newest first, without their row errors.
func (s *Store) Runs(ctx context.Context) ([]Run, error) {
	var rows []runRow
	if err := s.db.SelectContext(ctx, &rows, "SELECT "+runColumns+" FROM runs ORDER BY id DESC"); err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	runs := make([]Run, len(rows))
	for i, r := range rows {
		runs[i] = r.run()
	}
	return runs, nil
}

// Run returns one run with its row errors, or ErrNotFound.
func (s *Store) Run(ctx context.Context, id int64) (Run, error) {
	var r runRow
	err := s.db.GetContext(ctx, &r, s.q("SELECT "+runColumns+" FROM runs WHERE id = ?"), id)
	if errors.Is(err, sql.ErrNoRows) {
		return Run{}, fmt.Errorf("run %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Run{}, fmt.Errorf("read run %d: %w", id, err)
	}
	run := r.run()
	var es []RowError
	if err := s.db.SelectContext(ctx, &es, s.q("SELECT row, col, value, message FROM run_errors WHERE run_id = ? ORDER BY row, id"), id); err != nil {
		return Run{}, fmt.Errorf("read row errors of run %d: %w", id, err)
	}
	if len(es) > 0 {
		run.Errors = es
	}
	return run, nil
}

// Generation returns a number that grows with every run that changed data;
// readers compare it to know when to rebuild their indexes. It is the id of
// the newest run with status ok, 0 when there is none.
func (s *Store) Generation(ctx context.Context) (int64, error) {
	var g int64
	if err := s.db.GetContext(ctx, &g, s.q("SELECT COALESCE(MAX(id), 0) FROM runs WHERE status = ?"), RunOK); err != nil {
		return 0, fmt.Errorf("read data generation: %w", err)
	}
	return g, nil
}
