package importers

import (
	"encoding/binary"
	"github.com/paulmach/orb"
	"reflect"
	"strings"
	"testing"
)

// dbfSpec describes a field for testDBFWith.
type dbfSpec struct {
	name     string
	typ      byte
	length   int
	decimals int
}

// testDBFWith builds a dBASE III file: ldid is header byte 29; each record
// is the raw field texts (padded), deleted records start with '*'.
func testDBFWith(ldid byte, fields []dbfSpec, records [][]string, deleted map[int]bool) []byte {
	recLen := 1
	for _, f := range fields {
		recLen += f.length
	}
	headerLen := 32 + 32*len(fields) + 1
	b := make([]byte, 32)
	b[0] = 0x03
	binary.LittleEndian.PutUint32(b[4:8], uint32(len(records)))
	binary.LittleEndian.PutUint16(b[8:10], uint16(headerLen))
	binary.LittleEndian.PutUint16(b[10:12], uint16(recLen))
	b[29] = ldid
	for _, f := range fields {
		d := make([]byte, 32)
		copy(d[:11], f.name)
		d[11] = f.typ
		d[16] = byte(f.length)
		d[17] = byte(f.decimals)
		b = append(b, d...)
	}
	b = append(b, 0x0D)
	for i, r := range records {
		if deleted[i] {
			b = append(b, '*')
		} else {
			b = append(b, ' ')
		}
		for j, f := range fields {
			var v []byte
			if j < len(r) {
				v = []byte(r[j])
			}
			if len(v) > f.length {
				v = v[:f.length]
			}
			pad := make([]byte, f.length-len(v))
			for k := range pad {
				pad[k] = ' '
			}
			if f.typ == 'N' || f.typ == 'F' {
				b = append(append(b, pad...), v...) // right-aligned
			} else {
				b = append(append(b, v...), pad...)
			}
		}
	}
	return append(b, 0x1A)
}

func testDBF() []byte {
	return testDBFWith(0x57, []dbfSpec{{"NAAM", 'C', 20, 0}, {"BVO", 'N', 12, 3}, {"LEEG", 'D', 8, 0}, {"MONUMENT", 'L', 1, 0}, {"NOTITIE", 'M', 10, 0}},
		[][]string{
			{"Caf\xe9 \x96 \x80 5", "4250.000", "20230401", "T"},
			{"weg", "1", "20200101", "F"},
			{"  Kazerne  ", "  -0.500", "        ", "?"},
			{"", "**********", "00000000", "y"},
		}, map[int]bool{1: true})
}

func TestParseDBF(t *testing.T) {
	tb, err := parseDBF(testDBF(), "")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(tb.Columns(), []string{"NAAM", "BVO", "LEEG", "MONUMENT"}) {
		t.Errorf("Columns %v (memo fields are left out)", tb.Columns())
	}
	if tb.Len() != 4 {
		t.Fatalf("Len %d", tb.Len())
	}
	want := []map[string]string{
		{"NAAM": "Café – € 5", "BVO": "4250", "LEEG": "2023-04-01", "MONUMENT": "true"},
		{"NAAM": "weg", "BVO": "1", "LEEG": "2020-01-01", "MONUMENT": "false"},
		{"NAAM": "Kazerne", "BVO": "-0.5", "LEEG": "", "MONUMENT": ""},
		{"NAAM": "", "BVO": "", "LEEG": "", "MONUMENT": "true"},
	}
	for i, w := range want {
		got, deleted := tb.Record(i)
		if deleted != (i == 1) {
			t.Errorf("record %d deleted=%v", i, deleted)
		}
		if !reflect.DeepEqual(got, w) {
			t.Errorf("record %d: %#v, want %#v", i, got, w)
		}
	}
}

func TestReadShapefileDeletedRecordKeepsRowNumbers(t *testing.T) {
	shp := shpFile(
		shpRecord(shpPolygon, [][]orb.Point{square(0, 0, 1, true)}, false),
		shpRecord(shpPolygon, [][]orb.Point{square(2, 0, 1, true)}, false),
		shpRecord(shpPolygon, [][]orb.Point{square(4, 0, 1, true)}, false),
		shpRecord(shpPolygon, [][]orb.Point{square(6, 0, 1, true)}, false),
	)
	tb, err := decodeShapefile(t.Context(), shapefileParts{shpName: "x.shp", shp: shp, dbf: testDBF()})
	if err != nil {
		t.Fatal(err)
	}
	var rows []int
	for _, r := range tb.Records {
		rows = append(rows, r.Row)
	}
	if !reflect.DeepEqual(rows, []int{1, 3, 4}) {
		t.Errorf("rows %v, want [1 3 4]", rows)
	}
	if tb.Records[1].Values["NAAM"] != "Kazerne" {
		t.Errorf("record 3: %v", tb.Records[1].Values)
	}
}

func TestDBFEncodings(t *testing.T) {
	fields := []dbfSpec{{"NAAM", 'C', 12, 0}}
	for _, tc := range []struct {
		name string
		ldid byte
		cpg  string
		raw  string
		want string
	}{
		{"cpg UTF-8 beats ldid", 0x57, "UTF-8\r\n", "Caf\xc3\xa9", "Café"},
		{"cpg ANSI 1252", 0, "ANSI 1252", "\x80 \x96", "€ –"},
		{"cpg 1252", 0, "1252", "Caf\xe9", "Café"},
		{"cpg CP1252", 0, "CP1252", "Caf\xe9", "Café"},
		{"cpg windows-1252", 0, "windows-1252", "Caf\xe9", "Café"},
		{"cpg ISO-8859-1", 0, "ISO-8859-1", "Caf\xe9", "Café"},
		{"cpg 88591", 0, "88591", "Caf\xe9", "Café"},
		{"cpg 850", 0, "850", "Caf\x82", "Café"},
		{"cpg iana name", 0, "ISO-8859-15", "\xa4", "€"},
		{"unknown cpg falls back to ldid", 0x57, "KLINGON", "Caf\xe9", "Café"},
		{"ldid 0x57", 0x57, "", "Caf\xe9", "Café"},
		{"ldid 0x01 (DOS 437)", 0x01, "", "Caf\x82", "Café"},
		{"ldid 0, valid UTF-8", 0, "", "Caf\xc3\xa9", "Café"},
		{"ldid 0, not UTF-8: Windows-1252", 0, "", "Caf\xe9", "Café"},
		{"declared UTF-8 but invalid bytes", 0, "UTF-8", "Caf\xe9", "Caf\uFFFD"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tb, err := parseDBF(testDBFWith(tc.ldid, fields, [][]string{{tc.raw}}, nil), tc.cpg)
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := tb.Record(0); got["NAAM"] != tc.want {
				t.Errorf("got %q, want %q", got["NAAM"], tc.want)
			}
		})
	}
}

func TestParseDBFErrorsAndOddities(t *testing.T) {
	good := testDBF()
	for _, tc := range []struct {
		name string
		b    []byte
		err  string
	}{
		{"short", good[:20], "too short for a dBASE header"},
		{"header length beyond file", func() []byte {
			b := append([]byte(nil), good[:40]...)
			binary.LittleEndian.PutUint16(b[8:10], 500)
			return b
		}(), "header length 500 is invalid"},
		{"fields longer than record", func() []byte {
			b := append([]byte(nil), good...)
			binary.LittleEndian.PutUint16(b[10:12], 5)
			return b
		}(), "fields need 52 bytes per record but the header says 5"},
	} {
		if _, err := parseDBF(tc.b, ""); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.err)
		}
	}
	// A record count larger than the data is capped (truncated file).
	b := append([]byte(nil), good...)
	binary.LittleEndian.PutUint32(b[4:8], 1000)
	tb, err := parseDBF(b, "")
	if err != nil || tb.Len() != 4 {
		t.Errorf("capped: %v, %v", tb, err)
	}
	// Duplicate and empty field names stay addressable.
	dup := testDBFWith(0, []dbfSpec{{"A", 'C', 1, 0}, {"A", 'C', 1, 0}, {"", 'N', 2, 0}}, [][]string{{"x", "y", "7"}}, nil)
	tb, err = parseDBF(dup, "")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := tb.Record(0); !reflect.DeepEqual(tb.Columns(), []string{"A", "A_2", "FIELD3"}) || got["A_2"] != "y" || got["FIELD3"] != "7" {
		t.Errorf("columns %v values %v", tb.Columns(), got)
	}
}

func TestTrimDecimalZeros(t *testing.T) {
	for in, want := range map[string]string{"4250.000000000000000": "4250", "640.50": "640.5", "12": "12", "100": "100",
		"-0.000": "-0", "0.0": "0", ".0": "0", "1e10": "1e10", "12345678901234567890.10": "12345678901234567890.1"} {
		if got := trimDecimalZeros(in); got != want {
			t.Errorf("trimDecimalZeros(%q) = %q, want %q", in, got, want)
		}
	}
}
