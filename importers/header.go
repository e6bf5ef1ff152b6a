package importers

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// rawRow is one row of a tabular file before it becomes a Record: its
// spreadsheet row number, its trimmed cells, and whether the reader already
// knows it is a title row (an XLSX row that is one merged cell).
type rawRow struct {
	row   int
	cells []string
	title bool
}

// headerScanRows is how many non-empty rows findHeader looks at.
const headerScanRows = 30

func (r rawRow) nonEmpty() int {
	n := 0
	for _, c := range r.cells {
		if c != "" {
			n++
		}
	}
	return n
}

// findHeader returns the index in rows of the header row, or -1 when every
// row is empty.
//
// Heuristic: among the first 30 non-empty rows that are not known title
// rows, let max be the largest number of non-empty cells in a row. The
// header is the first of those rows with at least 60% of max non-empty
// cells. Title lines above a table ("Leegstand RVB 2024", "Bron: ...") fill
// one or two cells and are skipped; a header fills (nearly) every column.
// When every candidate is a title row, the first non-empty row is used.
func findHeader(rows []rawRow) int {
	maxN, seen := 0, 0
	first := -1
	for i, r := range rows {
		n := r.nonEmpty()
		if n == 0 {
			continue
		}
		if first < 0 {
			first = i
		}
		if seen++; seen > headerScanRows {
			break
		}
		if !r.title && n > maxN {
			maxN = n
		}
	}
	if maxN == 0 {
		return first
	}
	for i, r := range rows {
		if r.title {
			continue
		}
		if n := r.nonEmpty(); n > 0 && n*5 >= maxN*3 {
			return i
		}
	}
	return first
}

// headerNames turns header cells into unique column names: trimmed, BOM
// stripped, an empty name becomes "kolom_N" (N the 1-based column). Two
// columns with the same name are an error naming both.
func headerNames(name string, hdr rawRow, width int) ([]string, error) {
	cols := make([]string, width)
	at := make(map[string]int, width)
	for i := range width {
		c := ""
		if i < len(hdr.cells) {
			c = strings.TrimSpace(strings.ReplaceAll(hdr.cells[i], "\ufeff", ""))
		}
		if c == "" {
			c = "kolom_" + strconv.Itoa(i+1)
		}
		if j, dup := at[c]; dup {
			return nil, &ReadError{
				File: name, Row: hdr.row, Column: c,
				Msg: fmt.Sprintf("column %d and column %d are both named %q; rename one of them so every column has its own name",
					j+1, i+1, c),
				Err: ErrDuplicateColumn,
			}
		}
		at[c] = i
		cols[i] = c
	}
	return cols, nil
}

// buildTable makes a Table from rows with the header at rows[h].
//
// Rows above the header are dropped; below it, rows whose cells are all
// empty and repetitions of the header are skipped (their numbers stay
// counted). Short rows are padded with "". Cells beyond the header's width
// are, when strict (CSV), an error for that row if not empty, since they
// mean an unquoted delimiter inside a value; otherwise (XLSX) they widen
// the table with "kolom_N" columns. Trailing columns without a name and
// without any value are dropped.
//
// Per-row errors do not stop reading: the Table holds every row and the
// error joins one *ReadError per bad row (errors.Join), so a caller can
// take those rows out and import the rest.
func buildTable(name string, rows []rawRow, h int, strict bool) (Table, error) {
	t := Table{File: name}
	if h < 0 || h >= len(rows) {
		return t, &ReadError{File: name, Msg: "no header row found: the file has no row with column names", Err: ErrNoHeader}
	}
	hdr := rows[h]
	hdrWidth := len(hdr.cells)
	for hdrWidth > 0 && hdr.cells[hdrWidth-1] == "" {
		hdrWidth--
	}
	// Width: the named columns plus, for the lenient case, any data beyond.
	width := hdrWidth
	for _, r := range rows[h+1:] {
		for i := len(r.cells) - 1; i >= width; i-- {
			if r.cells[i] != "" {
				if strict {
					break
				}
				width = i + 1
				break
			}
		}
	}
	cols, err := headerNames(name, hdr, width)
	if err != nil {
		return t, err
	}
	t.Columns = cols

	var errs []error
	for _, r := range rows[h+1:] {
		if r.nonEmpty() == 0 || sameCells(r.cells, hdr.cells) {
			continue
		}
		if strict && len(r.cells) > width {
			for i := width; i < len(r.cells); i++ {
				if r.cells[i] != "" {
					errs = append(errs, &ReadError{
						File: name, Row: r.row, Value: r.cells[i],
						Msg: fmt.Sprintf("this row has a value in column %d but the header has only %d columns; "+
							"a value probably contains the delimiter without being enclosed in double quotes, "+
							"or the header misses a column name", i+1, width),
						Err: ErrExtraFields,
					})
					break
				}
			}
		}
		vals := make(map[string]string, width)
		for i, c := range cols {
			v := ""
			if i < len(r.cells) {
				v = r.cells[i]
			}
			vals[c] = v
		}
		t.Records = append(t.Records, Record{Row: r.row, Values: vals})
	}
	t.Columns = dropEmptyTrailing(t, hdr, hdrWidth)
	return t, errors.Join(errs...)
}

// dropEmptyTrailing removes columns beyond the named header that hold no
// value at all (trailing delimiters, formatted empty spreadsheet columns).
func dropEmptyTrailing(t Table, hdr rawRow, hdrWidth int) []string {
	cols := t.Columns
	for len(cols) > hdrWidth {
		c := cols[len(cols)-1]
		for _, r := range t.Records {
			if r.Values[c] != "" {
				return cols
			}
		}
		for _, r := range t.Records {
			delete(r.Values, c)
		}
		cols = cols[:len(cols)-1]
	}
	return cols
}

// sameCells reports whether a row repeats the header (ignoring trailing
// empty cells).
func sameCells(a, b []string) bool {
	for len(a) > 0 && a[len(a)-1] == "" {
		a = a[:len(a)-1]
	}
	for len(b) > 0 && b[len(b)-1] == "" {
		b = b[:len(b)-1]
	}
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
