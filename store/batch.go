package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
)

// maxBatchParams bounds the parameters of one multi-row INSERT, below the
// limits of SQLite (32766) and PostgreSQL (65535).
const maxBatchParams = 30000

// maxBatchRows bounds the rows of one multi-row INSERT.
const maxBatchRows = 250

// batchInserter writes rows inside a transaction with multi-row INSERT
// statements, preparing the full-size statement once.
type batchInserter struct {
	tx    *sqlx.Tx
	head  string // INSERT INTO t (a, b) VALUES
	row   string // (?, ?)
	tail  string // ON CONFLICT ... or ""
	ncols int
	size  int
	args  []any
	n     int
	full  *sqlx.Stmt
}

// newBatchInserter returns an inserter for rows of ncols parameters, each
// written as the SQL tuple row (with ? placeholders).
func newBatchInserter(tx *sqlx.Tx, head, row, tail string, ncols int) *batchInserter {
	size := maxBatchParams / ncols
	if size > maxBatchRows {
		size = maxBatchRows
	}
	if size < 1 {
		size = 1
	}
	return &batchInserter{tx: tx, head: head, row: row, tail: tail, ncols: ncols, size: size,
		args: make([]any, 0, size*ncols)}
}

func (b *batchInserter) query(rows int) string {
	var sb strings.Builder
	sb.WriteString(b.head)
	sb.WriteString(" VALUES ")
	for i := 0; i < rows; i++ {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(b.row)
	}
	if b.tail != "" {
		sb.WriteString(" ")
		sb.WriteString(b.tail)
	}
	return b.tx.Rebind(sb.String())
}

// add queues one row, writing a batch when it is full.
func (b *batchInserter) add(ctx context.Context, args ...any) error {
	if len(args) != b.ncols {
		return fmt.Errorf("internal error: row has %d values, want %d", len(args), b.ncols)
	}
	b.args = append(b.args, args...)
	b.n++
	if b.n < b.size {
		return nil
	}
	if b.full == nil {
		st, err := b.tx.PreparexContext(ctx, b.query(b.size))
		if err != nil {
			return err
		}
		b.full = st
	}
	if _, err := b.full.ExecContext(ctx, b.args...); err != nil {
		return err
	}
	b.args, b.n = b.args[:0], 0
	return nil
}

// flush writes the queued rows and releases the prepared statement.
func (b *batchInserter) flush(ctx context.Context) error {
	defer b.close()
	if b.n == 0 {
		return nil
	}
	if _, err := b.tx.ExecContext(ctx, b.query(b.n), b.args...); err != nil {
		return err
	}
	b.args, b.n = b.args[:0], 0
	return nil
}

func (b *batchInserter) close() {
	if b.full != nil {
		b.full.Close()
		b.full = nil
	}
}
