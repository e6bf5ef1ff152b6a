package importers

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors of the format readers. A *ReadError wraps one of them in
// Err, so callers can test with errors.Is while users read Msg.
var (
	ErrEmptyFile       = errors.New("empty file")
	ErrNoHeader        = errors.New("no header row")
	ErrBinaryFile      = errors.New("binary file")
	ErrDuplicateColumn = errors.New("duplicate column")
	ErrExtraFields     = errors.New("more values than columns")
	ErrBadQuotes       = errors.New("badly quoted value")
	ErrSheetNotFound   = errors.New("sheet not found")
	ErrNotWorkbook     = errors.New("not an xlsx workbook")
)

// ReadError is a problem found while reading a file, located as precisely as
// the reader can: File always, Row (spreadsheet row or feature number, 0 for
// the whole file), Column (the original header, "" when not about one
// column) and Value (the offending cell, "" when not about one value).
// Msg says, in the data's own terms, what is wrong and how to fix it.
type ReadError struct {
	File   string
	Row    int
	Column string
	Value  string
	Msg    string
	Err    error // sentinel or underlying cause, for errors.Is/As; may be nil
}

// Error formats as `file.csv, row 12, column "x": msg (value "v")`.
func (e *ReadError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Row > 0 {
		fmt.Fprintf(&b, ", row %d", e.Row)
	}
	if e.Column != "" {
		fmt.Fprintf(&b, ", column %q", e.Column)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	if e.Value != "" {
		fmt.Fprintf(&b, " (value %q)", e.Value)
	}
	return b.String()
}

// Unwrap returns the sentinel or cause.
func (e *ReadError) Unwrap() error { return e.Err }
