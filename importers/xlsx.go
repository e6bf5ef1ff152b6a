package importers

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// readXLSX reads one sheet ("" = the first sheet with data) of an XLSX
// workbook, finding the header row below any title rows and skipping merged
// and empty rows.
//
// Record.Row is the Excel row number. Header detection is findHeader's
// heuristic, where a row whose non-empty cells all lie in one merged range
// spanning two or more columns (a title) never counts as the header. Below
// the header, fully empty rows and repeated header rows are skipped, and a
// merged range (a gemeente name merged over several rows) gives its value to
// every cell it covers.
//
// Values are the cells' raw values, so numbers are never localised
// ("1234.5", Excel's own decimal dot, whatever the user's locale). Cells
// with a date number format become ISO dates "2006-01-02", or
// "2006-01-02T15:04:05" when the format shows a time of day that is not
// midnight. Formula cells give their cached result.
func readXLSX(ctx context.Context, name string, r io.Reader, sheet string) (Table, error) {
	empty := Table{File: name}
	b, err := io.ReadAll(r)
	if err != nil {
		return empty, &ReadError{File: name, Msg: "cannot read the file: " + err.Error(), Err: err}
	}
	if len(b) == 0 {
		return empty, &ReadError{File: name, Msg: "the file is empty", Err: ErrEmptyFile}
	}
	if bytes.HasPrefix(b, []byte{0xD0, 0xCF, 0x11, 0xE0}) {
		return empty, &ReadError{File: name, Err: ErrNotWorkbook,
			Msg: "this is an old Excel .xls workbook (or a password-protected one); open it in Excel and save it as .xlsx without a password"}
	}
	if !bytes.HasPrefix(b, []byte("PK")) {
		return empty, &ReadError{File: name, Err: ErrNotWorkbook,
			Msg: "this is not an .xlsx workbook; if it is a CSV or text export, give it the .csv extension"}
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		return empty, &ReadError{File: name, Err: fmt.Errorf("%w: %w", ErrNotWorkbook, err),
			Msg: "cannot open as an .xlsx workbook (" + err.Error() + "); open it in Excel and save it again as .xlsx"}
	}
	defer f.Close()

	sh, rows, err := pickSheet(ctx, f, name, sheet)
	if err != nil {
		return empty, err
	}
	merges, err := f.GetMergeCells(sh, true)
	if err != nil {
		return empty, &ReadError{File: name, Msg: fmt.Sprintf("cannot read the merged cells of sheet %q: %v", sh, err), Err: err}
	}
	rects := mergeRects(merges)

	raw := make([]rawRow, len(rows))
	for i, cells := range rows {
		for j := range cells {
			cells[j] = trimCell(cells[j])
		}
		raw[i] = rawRow{row: i + 1, cells: cells}
	}
	markTitles(raw, rects)
	h := findHeader(raw)
	if h < 0 {
		return empty, &ReadError{File: name, Msg: fmt.Sprintf("sheet %q has no header row: it is empty", sh), Err: ErrNoHeader}
	}
	fillMerges(raw, rects, raw[h].row)
	if err := isoDates(ctx, f, sh, raw[h+1:]); err != nil {
		return empty, &ReadError{File: name, Msg: fmt.Sprintf("cannot read the cell formats of sheet %q: %v", sh, err), Err: err}
	}
	return buildTable(name, raw, h, false)
}

// pickSheet returns the sheet to read and its raw rows.
func pickSheet(ctx context.Context, f *excelize.File, name, sheet string) (string, [][]string, error) {
	list := f.GetSheetList()
	read := func(sh string) ([][]string, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rows, err := f.GetRows(sh, excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, &ReadError{File: name, Msg: fmt.Sprintf("cannot read sheet %q: %v", sh, err), Err: err}
		}
		return rows, nil
	}
	if sheet != "" {
		want := strings.TrimSpace(sheet)
		for pass := range 2 {
			for _, sh := range list {
				if pass == 0 && sh == want || pass == 1 && strings.EqualFold(strings.TrimSpace(sh), want) {
					rows, err := read(sh)
					return sh, rows, err
				}
			}
		}
		return "", nil, &ReadError{File: name, Err: ErrSheetNotFound,
			Msg: fmt.Sprintf("the workbook has no sheet %q; its sheets are %s", sheet, quoteList(list))}
	}
	for _, sh := range list {
		if v, err := f.GetSheetVisible(sh); err == nil && !v {
			continue
		}
		rows, err := read(sh)
		if err != nil {
			return "", nil, err
		}
		for _, r := range rows {
			if !blankRecord(r) {
				return sh, rows, nil
			}
		}
	}
	return "", nil, &ReadError{File: name, Err: ErrEmptyFile,
		Msg: fmt.Sprintf("no visible sheet holds any data (sheets: %s)", quoteList(list))}
}

func quoteList(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

// rect is a merged range, 1-based inclusive.
type rect struct{ c1, r1, c2, r2 int }

func mergeRects(merges []excelize.MergeCell) []rect {
	var out []rect
	for _, m := range merges {
		c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 != nil || err2 != nil {
			continue
		}
		out = append(out, rect{min(c1, c2), min(r1, r2), max(c1, c2), max(r1, r2)})
	}
	return out
}

// markTitles flags rows whose non-empty cells all lie inside one merged
// range spanning at least two columns.
func markTitles(rows []rawRow, rects []rect) {
	for _, m := range rects {
		if m.c2 == m.c1 {
			continue
		}
		for rn := m.r1; rn <= m.r2 && rn <= len(rows); rn++ {
			r := &rows[rn-1]
			inside := r.nonEmpty() > 0
			for j, c := range r.cells {
				if c != "" && (j+1 < m.c1 || j+1 > m.c2) {
					inside = false
					break
				}
			}
			if inside {
				r.title = true
			}
		}
	}
}

// fillMerges copies the value of each merged range below the header into
// every cell it covers.
func fillMerges(rows []rawRow, rects []rect, headerRow int) {
	for _, m := range rects {
		if m.r1 <= headerRow || m.r1 > len(rows) {
			continue
		}
		top := rows[m.r1-1].cells
		if m.c1 > len(top) || top[m.c1-1] == "" {
			continue
		}
		v := top[m.c1-1]
		for rn := m.r1; rn <= m.r2 && rn <= len(rows); rn++ {
			r := &rows[rn-1]
			for len(r.cells) < m.c2 {
				r.cells = append(r.cells, "")
			}
			for c := m.c1; c <= m.c2; c++ {
				r.cells[c-1] = v
			}
		}
	}
}

// isoDates rewrites numeric cells with a date format as ISO dates.
func isoDates(ctx context.Context, f *excelize.File, sheet string, rows []rawRow) error {
	date1904 := false
	if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
		date1904 = *p.Date1904
	}
	kinds := map[int]dateKind{} // style id -> kind
	for i := range rows {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		r := &rows[i]
		for j, v := range r.cells {
			if v == "" || !isPlainNumber(v) {
				continue
			}
			cell, err := excelize.CoordinatesToCellName(j+1, r.row)
			if err != nil {
				return err
			}
			typ, err := f.GetCellType(sheet, cell)
			if err != nil {
				return err
			}
			if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber && typ != excelize.CellTypeDate {
				continue // text that looks like a number
			}
			id, err := f.GetCellStyle(sheet, cell)
			if err != nil {
				return err
			}
			k, ok := kinds[id]
			if !ok {
				k = styleDateKind(f, id)
				kinds[id] = k
			}
			if k == notDate {
				continue
			}
			serial, err := strconv.ParseFloat(v, 64)
			if err != nil || serial < 0 || math.IsInf(serial, 0) {
				continue
			}
			t, err := excelize.ExcelDateToTime(serial, date1904)
			if err != nil {
				continue
			}
			if k == dateTime && (t.Hour() != 0 || t.Minute() != 0 || t.Second() != 0) {
				r.cells[j] = t.Format("2006-01-02T15:04:05")
			} else {
				r.cells[j] = t.Format("2006-01-02")
			}
		}
	}
	return nil
}

func isPlainNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil && !strings.ContainsAny(s, "xXpPiInN_")
}

type dateKind int

const (
	notDate  dateKind = iota
	dateOnly          // a day: d-m-yyyy
	dateTime          // a day and a time of day
)

func styleDateKind(f *excelize.File, id int) dateKind {
	st, err := f.GetStyle(id)
	if err != nil || st == nil {
		return notDate
	}
	if st.CustomNumFmt != nil {
		return numFmtDateKind(*st.CustomNumFmt)
	}
	switch n := st.NumFmt; {
	case n >= 14 && n <= 17, n >= 27 && n <= 31, n >= 34 && n <= 36, n >= 50 && n <= 58:
		return dateOnly
	case n == 22:
		return dateTime
	}
	return notDate
}

// numFmtDateKind classifies a custom number format code: it is a date when,
// outside quoted text, escapes and [..] sections, it has a day or year
// ('d', 'y', or Dutch 'j' for jaar), and a date-time when it also has hours.
func numFmtDateKind(code string) dateKind {
	code, _, _ = strings.Cut(code, ";") // the positive section decides
	var b strings.Builder
	inQuote, inBracket := false, false
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case inQuote:
			inQuote = c != '"'
		case inBracket:
			inBracket = c != ']'
		case c == '"':
			inQuote = true
		case c == '[':
			inBracket = true
		case c == '\\' || c == '_' || c == '*':
			i++ // escaped or padding character
		default:
			b.WriteByte(c)
		}
	}
	s := strings.ToLower(b.String())
	if !strings.ContainsAny(s, "dyj") {
		return notDate
	}
	if strings.ContainsAny(s, "hu") {
		return dateTime
	}
	return dateOnly
}
