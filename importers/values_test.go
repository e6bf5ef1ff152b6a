package importers

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/plekwijzer/plekwijzer/geo"
	"github.com/plekwijzer/plekwijzer/store"
)

func TestParseDate(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2025-03-31", "2025-03-31"},
		{"2025-3-1", "2025-03-01"},
		{"2025-03-31T00:00:00Z", "2025-03-31"},
		{"31-03-2025", "2025-03-31"},
		{"1-3-2025", "2025-03-01"},
		{"31/03/2025", "2025-03-31"},
		{"31.03.2025", "2025-03-31"},
		{"45292", "2024-01-01"}, // Excel serial
		{"1", "1900-01-01"},
		{"60", "1900-03-01"}, // Excel's phantom 29 Feb 1900 reads as 1 March
		{"61", "1900-03-01"},
		{"2026", "2026-01-01"},
		{"31-02-2025", ""},
		{"2025-13-01", ""},
		{"morgen", ""},
		{"", ""},
	}
	for _, tc := range tests {
		got, err := parseDate(tc.in)
		if tc.want == "" {
			if err == nil {
				t.Errorf("parseDate(%q) = %v, want error", tc.in, got)
			}
			continue
		}
		if err != nil || got.Format(time.DateOnly) != tc.want {
			t.Errorf("parseDate(%q) = %v, %v; want %s", tc.in, got, err, tc.want)
		}
	}
}

func TestParseYear(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	for in, want := range map[string]int{"1975": 1975, "1975.0": 1975, "2031": 2031, "1000": 1000} {
		if got, err := parseYear(in, now); err != nil || got != want {
			t.Errorf("parseYear(%q) = %d, %v", in, got, err)
		}
	}
	for _, in := range []string{"2032", "999", "19x0", "1975.5", ""} {
		if _, err := parseYear(in, now); err == nil {
			t.Errorf("parseYear(%q): want error", in)
		}
	}
}

func TestDetectDecimal(t *testing.T) {
	tests := []struct {
		vals []string
		want string
	}{
		{[]string{"1,5", "12"}, DecimalComma},
		{[]string{"1.234,5"}, DecimalComma},
		{[]string{"1.234.567"}, DecimalComma},
		{[]string{"1.5", "2"}, DecimalDot},
		{[]string{"1,234.5"}, DecimalDot},
		{[]string{"1.234"}, DecimalAuto},
		{[]string{"1,5", "1.5"}, DecimalAuto},
		{nil, DecimalAuto},
	}
	for _, tc := range tests {
		if got := detectDecimal(tc.vals); got != tc.want {
			t.Errorf("detectDecimal(%q) = %q, want %q", tc.vals, got, tc.want)
		}
	}
	if v, err := parseDecimal("1.234", DecimalComma); err != nil || v != 1234 {
		t.Errorf("comma: %v %v", v, err)
	}
	if v, err := parseDecimal("1.234", DecimalDot); err != nil || v != 1.234 {
		t.Errorf("dot: %v %v", v, err)
	}
}

func TestNormalizeHeader(t *testing.T) {
	for in, want := range map[string]string{
		"X_RD": "xrd", "x rd": "xrd", "X-coördinaat": "xcoordinaat", "Oppervlakte (m²)": "oppervlaktem2",
		"Beschikbaar per": "beschikbaarper", "  ": "",
	} {
		if got := normalizeHeader(in); got != want {
			t.Errorf("normalizeHeader(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestResolveColumnsPriority(t *testing.T) {
	cols, err := resolveColumns("f", []string{"UVID", "Bouwwerkcode", "ID", "Naam", "BVO"}, store.RunGebouwen, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cols[FieldSourceRef] != "Bouwwerkcode" || cols[FieldName] != "Naam" || cols[FieldArea] != "BVO" {
		t.Errorf("cols %v", cols)
	}
	cols, _ = resolveColumns("f", []string{"uvid", "naam"}, store.RunGebouwen, nil)
	if cols[FieldSourceRef] != "uvid" {
		t.Errorf("without bouwwerkcode uvid is the ref: %v", cols)
	}
	// A mapping wins over the aliases and takes its column away from them.
	m := &Mapping{Columns: map[string]string{FieldSourceRef: "ID", FieldName: "bouwwerkcode"}}
	cols, _ = resolveColumns("f", []string{"UVID", "Bouwwerkcode", "ID"}, store.RunGebouwen, m)
	if cols[FieldSourceRef] != "ID" || cols[FieldName] != "Bouwwerkcode" {
		t.Errorf("mapped cols %v", cols)
	}
}

func TestAreaKind(t *testing.T) {
	for _, tc := range []struct {
		h    string
		k    store.SiteKind
		want string
	}{
		{"BVO (m2)", store.Gebouw, store.AreaBVO}, {"gbo", store.Gebouw, store.AreaGBO}, {"VVO", store.Kavel, store.AreaGBO},
		{"perceeloppervlakte", store.Gebouw, store.AreaPlot}, {"oppervlakte", store.Kavel, store.AreaPlot},
		{"oppervlakte", store.Gebouw, store.AreaBVO},
	} {
		if got := areaKind(tc.h, tc.k); got != tc.want {
			t.Errorf("areaKind(%q, %s) = %s, want %s", tc.h, tc.k, got, tc.want)
		}
	}
}

func TestParseMapping(t *testing.T) {
	m, err := parseMapping([]byte(`{"columns": {"source_ref": "Kenmerk", "X_RD": "Oost"}, "decimal": "komma", "crs": "28992"}`))
	if err != nil {
		t.Fatal(err)
	}
	if m.Columns[FieldSourceRef] != "Kenmerk" || m.Columns[FieldX] != "Oost" || m.Decimal != DecimalComma || m.CRS != geo.RDNew {
		t.Errorf("mapping %+v", m)
	}
	for _, bad := range []string{"", "colour: red", "decimal: semicolon", "crs: EPSG:3857", "naam: [a, b]", "x: ''", "- a\n- b"} {
		if _, err := parseMapping([]byte(bad)); !errors.Is(err, ErrMapping) {
			t.Errorf("parseMapping(%q) = %v, want ErrMapping", bad, err)
		}
	}
}

func TestSourceName(t *testing.T) {
	for in, want := range map[string]string{
		"RVB gebouwen.csv": "rvb-gebouwen", "/a/b/Kavels_Gemeente_Utrecht 2025.xlsx": "kavels-gemeente-utrecht-2025",
		"Überblick.gpkg": "uberblick", "___.csv": "import",
	} {
		if got := SourceName(in); got != want {
			t.Errorf("SourceName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseAddressCell(t *testing.T) {
	tests := []struct {
		in   string
		want store.Address
	}{
		{"Kerkstraat 12 a, 3511 AB Utrecht", store.Address{Straat: "Kerkstraat", Huisnummer: 12, Toevoeging: "a", Postcode: "3511AB", Plaats: "Utrecht"}},
		{"Laan van NOI 12bis", store.Address{Straat: "Laan van NOI", Huisnummer: 12, Toevoeging: "bis"}},
		{"Stationsplein 1, Zeist", store.Address{Straat: "Stationsplein", Huisnummer: 1, Plaats: "Zeist"}},
	}
	for _, tc := range tests {
		got, err := parseAddressCell(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("parseAddressCell(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
}

func TestNormalizeGMCode(t *testing.T) {
	for in, want := range map[string]string{"GM0344": "GM0344", "gm0344": "GM0344", "344": "GM0344", " 0355 ": "GM0355"} {
		if got, err := normalizeGMCode(in); err != nil || got != want {
			t.Errorf("normalizeGMCode(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"Utrecht", "GM344", "PV26", "0", ""} {
		if _, err := normalizeGMCode(in); err == nil {
			t.Errorf("normalizeGMCode(%q): want error", in)
		}
	}
}

func TestProgress(t *testing.T) {
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	var buf bytes.Buffer
	p := newProgress(&buf, false, now)
	p(PhaseWriting, 0, 100)
	p(PhaseWriting, 50, 100) // within the first second: quiet
	if buf.Len() != 0 {
		t.Fatalf("printed too early: %q", buf.String())
	}
	clock = clock.Add(2 * time.Second)
	p(PhaseWriting, 55, 100)
	p(PhaseWriting, 57, 100) // same 10 % step
	p(PhaseCommitting, 100, 100)
	p(PhaseDone, 100, 100)
	p(PhaseWriting, 100, 100) // after the end: nothing
	if got, want := buf.String(), "writing: 55/100 rows (55%)\ncommitting: 100/100 rows (100%)\n"; got != want {
		t.Errorf("plain output %q, want %q", got, want)
	}

	buf.Reset()
	clock = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p = newProgress(&buf, true, now)
	p(PhaseWriting, 0, 10)
	clock = clock.Add(1500 * time.Millisecond)
	p(PhaseWriting, 5, 10)
	p(PhaseWriting, 6, 10)     // within 100 ms of the last redraw
	p(PhaseCommitting, 10, 10) // a new phase is always drawn
	p(PhaseDone, 10, 10)
	out := buf.String()
	if strings.Count(out, "\r") != 3 || !strings.HasSuffix(out, "100% 10/10 rows\n") || !strings.Contains(out, "writing    [===============>              ]  50% 5/10 rows") ||
		!strings.Contains(out, "\rcommitting [==============================] 100% 10/10 rows\r") {
		t.Errorf("terminal output %q", out)
	}

	// A quick import shows nothing at all.
	buf.Reset()
	p = NewProgress(&buf, true)
	p(PhaseWriting, 0, 10)
	p(PhaseCommitting, 10, 10)
	p(PhaseDone, 10, 10)
	if buf.Len() != 0 {
		t.Errorf("quick import printed %q", buf.String())
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2025-03-31", "31-03-2025", "1/3/2025", "45292", "2026", "", "31.12.9999", "0-0-0000", "1.1.0000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseDate(s)
		if err != nil {
			return
		}
		if d.Year() < 1899 || d.Year() > 9999 {
			t.Errorf("parseDate(%q) = %v", s, d)
		}
	})
}

func FuzzParseMapping(f *testing.F) {
	for _, s := range []string{"bron_ref: A\nx: B", `{"columns":{"naam":"N"}}`, "decimal: comma", "crs: 4326", ": :", "- x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := parseMapping([]byte(s))
		if err != nil {
			if !errors.Is(err, ErrMapping) {
				t.Errorf("parseMapping(%q): error %v does not wrap ErrMapping", s, err)
			}
			return
		}
		for k, v := range m.Columns {
			if _, ok := canonicalField(k); !ok || strings.TrimSpace(v) == "" {
				t.Errorf("parseMapping(%q): bad entry %q: %q", s, k, v)
			}
		}
	})
}

func FuzzParseAddressCell(f *testing.F) {
	for _, s := range []string{"Kerkstraat 12 a, 3511 AB Utrecht", "1234AB", ",", "Laan 1-3", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := parseAddressCell(s)
		if err == nil && a.Postcode != "" && len(a.Postcode) != 6 {
			t.Errorf("parseAddressCell(%q) postcode %q", s, a.Postcode)
		}
	})
}
