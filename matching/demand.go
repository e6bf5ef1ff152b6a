package matching

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Demand is one region's need for woonplekken.
type Demand struct {
	Centrumgemeente string `json:"centrumgemeente_statcode"`
	Jaar            int    `json:"jaar"`
	// Registered is the number of registered homeless people (CBS Monitor
	// Dakloosheid, MO part: BSN-registered persons in nood- and tijdelijke
	// opvang); nil when unknown.
	Registered *int `json:"geregistreerd_dakloos"`
	// Target is the number of woonplekken the region aims for. When the file
	// leaves it empty the target defaults to Registered (judgement: one
	// woonplek per registered person in opvang; the national goal is to end
	// homelessness by 2030, criteria.md §4b). The target is a user input.
	Target *int `json:"doel_woonplekken"`
	// TargetDefaulted is true when Target was taken from Registered.
	TargetDefaulted bool   `json:"doel_is_standaard,omitempty"`
	Source          string `json:"bron"`
}

// DemandTable holds the demand per centrumgemeente code. A region not in the
// table has no figures ("geen gegevens"): it is never given a share of the
// national estimate, which CBS says must not be used regionally.
type DemandTable map[string]Demand

//go:embed defaults/vraag.csv
var defaultDemandCSV []byte

// DefaultDemand returns the embedded demand table: only the five figures
// criteria.md §4a sources (CBS Monitor Dakloosheid 2023 via ANP: Amsterdam
// ~2,700, Rotterdam 2,500, Utrecht 2,200, Den Haag 1,500, Almere 1,200);
// every other region has "geen gegevens". Replace it with the full CBS table
// per centrumregio through LoadDemand.
func DefaultDemand() DemandTable {
	t, err := ParseDemand(bytes.NewReader(defaultDemandCSV), "defaults/vraag.csv")
	if err != nil {
		panic("matching: embedded demand table: " + err.Error())
	}
	return t
}

// ErrDemand is wrapped by every demand-file error.
var ErrDemand = errors.New("invalid demand file")

// DemandError names the row, column and value of a bad demand file cell.
type DemandError struct {
	File   string
	Row    int // as in a spreadsheet: the header is row 1
	Column string
	Value  string
	Msg    string
}

func (e *DemandError) Error() string {
	if e.Row == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s row %d, column %s, value %q: %s", e.File, e.Row, e.Column, e.Value, e.Msg)
}

// Unwrap makes errors.Is(err, ErrDemand) true.
func (e *DemandError) Unwrap() error { return ErrDemand }

// LoadDemand reads a demand file (see ParseDemand).
func LoadDemand(path string) (DemandTable, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read demand: %w", err)
	}
	defer f.Close()
	return ParseDemand(f, filepath.Base(path))
}

var demandColumns = []string{"centrumgemeente_statcode", "jaar", "geregistreerd_dakloos", "doel_woonplekken", "bron"}

// ParseDemand reads a CSV with the header
// centrumgemeente_statcode;jaar;geregistreerd_dakloos;doel_woonplekken;bron
// (";" or ","; UTF-8, a BOM is allowed). Empty counts mean unknown. Codes
// look like GM0363. A code may appear once.
func ParseDemand(r io.Reader, name string) (DemandTable, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read demand %s: %w", name, err)
	}
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	sep := ';'
	if line, _, _ := bytes.Cut(b, []byte("\n")); !bytes.Contains(line, []byte(";")) && bytes.Contains(line, []byte(",")) {
		sep = ','
	}
	cr := csv.NewReader(bytes.NewReader(b))
	cr.Comma = sep
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, &DemandError{File: name, Msg: "not a valid CSV file: " + err.Error()}
	}
	if len(rows) == 0 {
		return nil, &DemandError{File: name, Msg: "empty file; expected header " + strings.Join(demandColumns, ";")}
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, c := range demandColumns {
		if _, ok := col[c]; !ok {
			return nil, &DemandError{File: name, Msg: fmt.Sprintf("column %s is missing; expected header %s", c, strings.Join(demandColumns, ";"))}
		}
	}
	t := DemandTable{}
	firstRow := map[string]int{}
	for i, rec := range rows[1:] {
		row := i + 2
		get := func(c string) string {
			if j := col[c]; j < len(rec) {
				return strings.TrimSpace(rec[j])
			}
			return ""
		}
		code := strings.ToUpper(get("centrumgemeente_statcode"))
		if code == "" && strings.Join(rec, "") == "" {
			continue
		}
		if len(code) != 6 || !strings.HasPrefix(code, "GM") {
			return nil, &DemandError{File: name, Row: row, Column: "centrumgemeente_statcode", Value: code, Msg: "must be a CBS gemeente code like GM0363"}
		}
		if _, err := strconv.Atoi(code[2:]); err != nil {
			return nil, &DemandError{File: name, Row: row, Column: "centrumgemeente_statcode", Value: code, Msg: "must be a CBS gemeente code like GM0363"}
		}
		if r0, dup := firstRow[code]; dup {
			return nil, &DemandError{File: name, Row: row, Column: "centrumgemeente_statcode", Value: code, Msg: fmt.Sprintf("appears twice (also row %d); keep one row per centrumgemeente", r0)}
		}
		firstRow[code] = row
		d := Demand{Centrumgemeente: code, Source: get("bron")}
		if v := get("jaar"); v != "" {
			y, err := strconv.Atoi(v)
			if err != nil || y < 1990 || y > 2100 {
				return nil, &DemandError{File: name, Row: row, Column: "jaar", Value: v, Msg: "must be a year like 2023"}
			}
			d.Jaar = y
		}
		for _, c := range []string{"geregistreerd_dakloos", "doel_woonplekken"} {
			v := strings.ReplaceAll(strings.ReplaceAll(get(c), ".", ""), " ", "")
			if v == "" {
				continue
			}
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return nil, &DemandError{File: name, Row: row, Column: c, Value: get(c), Msg: "must be a whole number of 0 or more, or empty when unknown"}
			}
			if c == "geregistreerd_dakloos" {
				d.Registered = &n
			} else {
				d.Target = &n
			}
		}
		if d.Target == nil && d.Registered != nil {
			n := *d.Registered
			d.Target = &n
			d.TargetDefaulted = true
		}
		t[code] = d
	}
	return t, nil
}
