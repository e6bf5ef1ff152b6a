package importers

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/plekwijzer/plekwijzer/geo"
)

// FuzzParseDBF feeds arbitrary .dbf bytes and .cpg texts to parseDBF: it must
// never panic, field names must be non-empty, unique and valid UTF-8, and
// every record must give one valid UTF-8 value per column.
func FuzzParseDBF(f *testing.F) {
	f.Add(testDBF(), "")
	f.Add(testDBF(), "UTF-8")
	f.Add(testDBF(), "ANSI 1252")
	f.Add(testDBFWith(0, []dbfSpec{{"A", 'C', 3, 1}, {"I", 'I', 4, 0}, {"B", 'B', 8, 0}, {"Y", 'Y', 8, 0}, {"A", 'C', 2, 0}},
		[][]string{{"x", "\x01\x00\x00\x00", "\x00\x00\x00\x00\x00\x00\xf0\x3f", "\x10\x27\x00\x00\x00\x00\x00\x00", "y"}}, nil), "utf-16")
	f.Add([]byte{}, "")
	f.Add(make([]byte, 33), "850")
	f.Fuzz(func(t *testing.T, data []byte, cpg string) {
		tb, err := parseDBF(data, cpg)
		if err != nil {
			if tb != nil {
				t.Fatal("table with error")
			}
			return
		}
		cols := tb.Columns()
		seen := map[string]bool{}
		for _, c := range cols {
			if c == "" || !utf8.ValidString(c) || seen[c] {
				t.Fatalf("bad or repeated column name %q in %q", c, cols)
			}
			seen[c] = true
		}
		if tb.Len() < 0 {
			t.Fatalf("Len() = %d", tb.Len())
		}
		for i := 0; i < tb.Len(); i++ {
			v, _ := tb.Record(i)
			if len(v) != len(cols) {
				t.Fatalf("record %d has %d values for %d columns", i, len(v), len(cols))
			}
			for k, s := range v {
				if !utf8.ValidString(s) {
					t.Fatalf("record %d column %q: invalid UTF-8 %q", i, k, s)
				}
			}
		}
	})
}

// FuzzCRSFromPRJ checks that any .prj text gives RD New, WGS 84 or nothing.
func FuzzCRSFromPRJ(f *testing.F) {
	for _, s := range []string{prjEsriRD, prjOGCRD, prjWKT2RD, prjEsriWGS84, prjWKT2WGS84, prjEsriUTM31,
		`GEOGCS["x",AUTHORITY["EPSG","4326"]]`, `ID["EPSG",28992]]`, "\xef\xbb\xbf", "PROJCS[\"Amersfoort_RD-New\"]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, ok := crsFromPRJ(s)
		switch {
		case !ok && c != "":
			t.Fatalf("crsFromPRJ(%q) = %q but not ok", s, c)
		case ok && c != geo.RDNew && c != geo.WGS84:
			t.Fatalf("crsFromPRJ(%q) = %q", s, c)
		case ok && strings.TrimSpace(s) == "":
			t.Fatalf("crsFromPRJ(%q) = %q from blank text", s, c)
		}
	})
}

// FuzzFormatNumber checks the number round trips: any finite float64
// written plainly, with a Dutch decimal comma, or with trailing zeros that
// trimDecimalZeros removes, parses back to exactly the same value.
func FuzzFormatNumber(f *testing.F) {
	for _, v := range []float64{0, -0.5, 4250, 149512.25, 1e-7, 123456789012, 1e21, -1.7976931348623157e308, 5e-324} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v float64) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return
		}
		s := formatFloat(v)
		if got, err := parseNumber(s); err != nil || got != v {
			t.Fatalf("parseNumber(formatFloat(%v) = %q) = %v, %v", v, s, got, err)
		}
		comma := strings.Replace(s, ".", ",", 1)
		if got, err := parseNumberHint(comma, true); err != nil || got != v {
			t.Fatalf("parseNumberHint(%q, comma) = %v, %v; want %v", comma, got, err, v)
		}
		padded := s
		if !strings.Contains(padded, ".") {
			padded += "."
		}
		padded += "000"
		trimmed := trimDecimalZeros(padded)
		if got, err := parseNumber(trimmed); err != nil || got != v {
			t.Fatalf("parseNumber(trimDecimalZeros(%q) = %q) = %v, %v; want %v", padded, trimmed, got, err, v)
		}
	})
}
