package importers

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// csvDelimiters are the delimiters readCSV detects, in order of preference
// when two fit equally well (Dutch Excel writes ';').
var csvDelimiters = [...]rune{';', ',', '\t', '|'}

// delimiterScanRecords is how many records detectDelimiter parses per candidate.
const delimiterScanRecords = 30

// readCSV reads a CSV export: detects the delimiter (; , tab |), the
// encoding (UTF-8 with/without BOM, UTF-16 with BOM, Windows-1252), finds
// the header row.
//
// Record.Row is the row Excel shows when it opens the file: a leading
// "sep=;" line is not counted (Excel hides it), blank lines are, and a
// quoted value spanning several lines is one row.
func readCSV(ctx context.Context, name string, r io.Reader) (Table, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return Table{File: name}, &ReadError{File: name, Msg: "cannot read the file: " + err.Error(), Err: err}
	}
	text, _, err := decodeText(name, b)
	if err != nil {
		return Table{File: name}, err
	}
	if strings.TrimSpace(strings.ReplaceAll(text, "\ufeff", "")) == "" {
		return Table{File: name}, &ReadError{File: name, Msg: "the file is empty", Err: ErrEmptyFile}
	}
	// Old Mac exports end lines with a lone CR.
	if !strings.Contains(text, "\n") {
		text = strings.ReplaceAll(text, "\r", "\n")
	}
	delim, rest, ok := sepDirective(text)
	if ok {
		text = rest
	} else {
		delim = detectDelimiter(text)
	}
	rows, badRows, err := csvRows(ctx, name, text, delim)
	if err != nil {
		return Table{File: name}, err
	}
	h := findHeader(rows)
	if len(badRows) > 0 && (h < 0 || badRows[0].Row < rows[h].row) {
		// The header itself (or everything) is broken: nothing to go on.
		return Table{File: name}, badRows[0]
	}
	t, err := buildTable(name, rows, h, true)
	if len(badRows) == 0 || err != nil && t.Columns == nil {
		return t, err
	}
	// One flat list of row errors, in row order.
	errs := make([]error, 0, len(badRows))
	for _, e := range badRows {
		errs = append(errs, e)
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = append(errs, j.Unwrap()...)
	} else if err != nil {
		errs = append(errs, err)
	}
	slices.SortStableFunc(errs, func(a, b error) int { return rowOf(a) - rowOf(b) })
	return t, errors.Join(errs...)
}

func rowOf(err error) int {
	var re *ReadError
	if errors.As(err, &re) {
		return re.Row
	}
	return 0
}

// sepDirective recognises the "sep=;" first line Excel writes and honours,
// and returns the delimiter and the text after that line.
func sepDirective(text string) (rune, string, bool) {
	line, rest, _ := strings.Cut(text, "\n")
	line = strings.TrimSpace(strings.TrimPrefix(line, "\ufeff"))
	if len(line) > 2 && line[0] == '"' && line[len(line)-1] == '"' {
		line = line[1 : len(line)-1] // "sep=;" as some tools quote it
	}
	if len(line) < 5 || !strings.EqualFold(line[:4], "sep=") {
		return 0, text, false
	}
	d := line[4:]
	if utf8.RuneCountInString(d) != 1 {
		if d == `\t` {
			return '\t', rest, true
		}
		return 0, text, false
	}
	c, _ := utf8.DecodeRuneInString(d)
	if c == '"' || c == '\r' || c == '\n' || c == utf8.RuneError {
		return 0, text, false
	}
	return c, rest, true
}

// detectDelimiter picks the delimiter that splits the first records into
// the most consistent number of fields (quotes respected). For each
// candidate it parses up to 30 records and takes the most common field
// count m and the share f of records having it; candidates with m < 2 are
// out; the highest f wins, then the highest m, then the order ; , tab |.
// A Dutch export "naam;oppervlakte\nA;1234,5" thus gives ';' (f=1, m=2)
// rather than ',' (counts 1 and 2, f=0.5). Single-column files give ','.
func detectDelimiter(text string) rune {
	best, bestF, bestM := ',', -1.0, 0
	for _, d := range csvDelimiters {
		cr := csv.NewReader(strings.NewReader(text))
		cr.Comma = d
		cr.FieldsPerRecord = -1
		cr.LazyQuotes = true
		counts := map[int]int{}
		n := 0
		for n < delimiterScanRecords {
			rec, err := cr.Read()
			if err != nil {
				break
			}
			counts[len(rec)]++
			n++
		}
		m, mc := 0, 0
		for k, c := range counts {
			if c > mc || c == mc && k > m {
				m, mc = k, c
			}
		}
		if m < 2 {
			continue
		}
		f := float64(mc) / float64(n)
		if f > bestF || f == bestF && m > bestM {
			best, bestF, bestM = d, f, m
		}
	}
	return best
}

func blankRecord(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// csvRows parses all records with their Excel row numbers. A record with
// broken quotes is left out and reported in bad; reading goes on with the
// next line.
func csvRows(ctx context.Context, name, text string, delim rune) (rows []rawRow, bad []*ReadError, err error) {
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = delim != '\t' && delim != ' '
	extra := 0 // line breaks inside quoted values so far
	for i := 0; ; i++ {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
		}
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if pe := (*csv.ParseError)(nil); errors.As(err, &pe) {
			bad = append(bad, csvParseError(name, pe, extra))
			extra += pe.Line - pe.StartLine
			continue
		}
		if err != nil {
			return nil, nil, &ReadError{File: name, Msg: "cannot read the CSV: " + err.Error(), Err: err}
		}
		line, _ := cr.FieldPos(0)
		cells := make([]string, len(rec))
		for j, f := range rec {
			extra += strings.Count(f, "\n")
			cells[j] = trimCell(f)
		}
		rows = append(rows, rawRow{row: line - (extra - countNL(rec)), cells: cells})
	}
	return rows, bad, nil
}

func countNL(rec []string) int {
	n := 0
	for _, f := range rec {
		n += strings.Count(f, "\n")
	}
	return n
}

// trimCell trims spaces, including no-break spaces, around a value.
func trimCell(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\r' || r == '\n' || r == '\u00a0' || r == '\u202f' || r == '\ufeff'
	})
}

// csvParseError turns an encoding/csv error into a *ReadError a user can act on.
func csvParseError(name string, pe *csv.ParseError, extra int) *ReadError {
	re := &ReadError{File: name, Row: pe.StartLine - extra, Err: fmt.Errorf("%w: %w", ErrBadQuotes, pe.Err)}
	where := ""
	if pe.Line != pe.StartLine {
		where = fmt.Sprintf(" (the problem shows at line %d of the text)", pe.Line)
	}
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		re.Msg = fmt.Sprintf("a double quote (\") at character %d stands inside a value that does not start with a quote%s; "+
			"enclose the whole value in double quotes and write the inner quote twice (\"\"), or remove it", pe.Column, where)
	case errors.Is(pe.Err, csv.ErrQuote):
		re.Msg = "a value that starts with a double quote (\") is not closed properly" + where +
			"; check that each quoted value ends with a quote right before the delimiter or the end of the line"
	default:
		re.Msg = "cannot read the CSV: " + pe.Error()
	}
	return re
}
