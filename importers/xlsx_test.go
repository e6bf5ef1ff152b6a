package importers

//go:generate go run ./testdata/tabular/gen.go

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func TestReadXLSXFixture(t *testing.T) {
	tb := readFixture(t, "leegstand.xlsx")
	wantCols := []string{"Naam", "Adres", "Postcode", "Gemeente", "Oppervlakte (m²)", "Leeg sinds", "X", "Y"}
	if !reflect.DeepEqual(tb.Columns, wantCols) {
		t.Fatalf("columns = %q, want %q", tb.Columns, wantCols)
	}
	// Two title rows, header on row 3, row 6 empty, row 8 repeats the header.
	if got, want := rowNumbers(tb), []int{4, 5, 7, 9}; !reflect.DeepEqual(got, want) {
		t.Fatalf("rows = %v, want %v", got, want)
	}
	want := []map[string]string{
		{"Naam": "Belastingkantoor", "Adres": "Catharijnesingel 59", "Postcode": "3511 GG", "Gemeente": "Utrecht",
			"Oppervlakte (m²)": "5230.5", "Leeg sinds": "2021-03-15", "X": "136512.25", "Y": "455321.5"},
		// Gemeente comes from the merged D4:D5.
		{"Naam": "Douanepost", "Adres": "Lange Viestraat 2 b", "Postcode": "3511 BK", "Gemeente": "Utrecht",
			"Oppervlakte (m²)": "812", "Leeg sinds": "2019-12-01", "X": "136001", "Y": "456002.75"},
		// Custom format d-m-yyyy.
		{"Naam": "Gevangenis De Koepel", "Adres": "Harmenjansweg 4", "Postcode": "2031 WJ", "Gemeente": "Haarlem",
			"Oppervlakte (m²)": "24500", "Leeg sinds": "2016-07-01", "X": "104000.5", "Y": "489000"},
	}
	for i, w := range want {
		if !reflect.DeepEqual(tb.Records[i].Values, w) {
			t.Errorf("row %d = %q\nwant %q", tb.Records[i].Row, tb.Records[i].Values, w)
		}
	}
	if v, err := parseNumber(tb.Records[3].Values["Oppervlakte (m²)"]); err != nil || v != 0.000015 {
		t.Errorf("raw small number %q parses to %v, %v", tb.Records[3].Values["Oppervlakte (m²)"], v, err)
	}
}

func fixtureBytes(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "tabular", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadXLSXSheets(t *testing.T) {
	b := fixtureBytes(t, "leegstand.xlsx")
	ctx := context.Background()
	tb, err := readXLSX(ctx, "l.xlsx", bytes.NewReader(b), " leegstand ")
	if err != nil || len(tb.Records) != 4 {
		t.Errorf("sheet by case-insensitive name: %d records, %v", len(tb.Records), err)
	}
	_, err = readXLSX(ctx, "l.xlsx", bytes.NewReader(b), "Blad1")
	if !errors.Is(err, ErrNoHeader) {
		t.Errorf("empty sheet: err = %v, want ErrNoHeader", err)
	}
	_, err = readXLSX(ctx, "l.xlsx", bytes.NewReader(b), "Kavels")
	if !errors.Is(err, ErrSheetNotFound) {
		t.Fatalf("missing sheet: err = %v", err)
	}
	if want := `l.xlsx: the workbook has no sheet "Kavels"; its sheets are "Blad1", "Leegstand"`; err.Error() != want {
		t.Errorf("message:\n got %s\nwant %s", err, want)
	}
}

func TestReadXLSXNotAWorkbook(t *testing.T) {
	tests := []struct {
		in   string
		is   error
		want string
	}{
		{"", ErrEmptyFile, "x.xlsx: the file is empty"},
		{"a;b\n1;2\n", ErrNotWorkbook, "x.xlsx: this is not an .xlsx workbook; if it is a CSV or text export, give it the .csv extension"},
		{"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", ErrNotWorkbook, "x.xlsx: this is an old Excel .xls workbook (or a password-protected one); open it in Excel and save it as .xlsx without a password"},
		{"PK\x03\x04garbage", ErrNotWorkbook, ""},
	}
	for _, tt := range tests {
		_, err := readXLSX(context.Background(), "x.xlsx", strings.NewReader(tt.in), "")
		if !errors.Is(err, tt.is) {
			t.Errorf("%q: err = %v, want %v", tt.in, err, tt.is)
			continue
		}
		if tt.want != "" && err.Error() != tt.want {
			t.Errorf("message:\n got %s\nwant %s", err, tt.want)
		}
	}
}

// workbook builds an in-memory workbook with one sheet "S".
func workbook(t *testing.T, build func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "S"); err != nil {
		t.Fatal(err)
	}
	build(f)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestReadXLSXLayout(t *testing.T) {
	b := workbook(t, func(f *excelize.File) {
		// A two-row merged title over three columns, then a title that
		// fills two cells of one merged range: neither is the header.
		must(t, f.SetCellValue("S", "A1", "Kavels"))
		must(t, f.MergeCell("S", "A1", "C2"))
		must(t, f.SetCellValue("S", "A3", "peildatum"))
		must(t, f.SetCellValue("S", "B3", "2024"))
		must(t, f.MergeCell("S", "A3", "C3"))
		must(t, f.SetSheetRow("S", "A5", &[]any{"naam", "postcode", "getekend"}))
		must(t, f.SetSheetRow("S", "A6", &[]any{"K1", "00123", 45000.5}))
		must(t, f.SetCellStr("S", "B7", "1234"))
		must(t, f.SetCellValue("S", "A7", "K2"))
		must(t, f.SetCellValue("S", "E7", "notitie")) // beyond the header
		dt, err := f.NewStyle(&excelize.Style{NumFmt: 22})
		must(t, err)
		must(t, f.SetCellStyle("S", "C6", "C7", dt))
		must(t, f.SetCellValue("S", "C7", time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)))
		// A text cell in a date-formatted column stays text.
		must(t, f.SetCellStr("S", "C8", "45000"))
		must(t, f.SetCellValue("S", "A8", "K3"))
		must(t, f.SetCellStyle("S", "C8", "C8", dt))
	})
	tb, err := readXLSX(context.Background(), "k.xlsx", bytes.NewReader(b), "")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"naam", "postcode", "getekend", "kolom_4", "kolom_5"}; !reflect.DeepEqual(tb.Columns, want) {
		t.Fatalf("columns = %q, want %q", tb.Columns, want)
	}
	if got := rowNumbers(tb); !reflect.DeepEqual(got, []int{6, 7, 8}) {
		t.Fatalf("rows = %v", got)
	}
	want := []map[string]string{
		{"naam": "K1", "postcode": "00123", "getekend": "2023-03-15T12:00:00", "kolom_4": "", "kolom_5": ""},
		{"naam": "K2", "postcode": "1234", "getekend": "2024-03-01", "kolom_4": "", "kolom_5": "notitie"},
		{"naam": "K3", "postcode": "", "getekend": "45000", "kolom_4": "", "kolom_5": ""},
	}
	for i, w := range want {
		if !reflect.DeepEqual(tb.Records[i].Values, w) {
			t.Errorf("row %d = %q, want %q", tb.Records[i].Row, tb.Records[i].Values, w)
		}
	}
}

func TestReadXLSXDuplicateHeader(t *testing.T) {
	b := workbook(t, func(f *excelize.File) {
		must(t, f.SetSheetRow("S", "A2", &[]any{"naam", "x", "Naam", "naam"}))
		must(t, f.SetSheetRow("S", "A3", &[]any{"a", 1, "b", "c"}))
	})
	_, err := readXLSX(context.Background(), "d.xlsx", bytes.NewReader(b), "S")
	if !errors.Is(err, ErrDuplicateColumn) {
		t.Fatalf("err = %v", err)
	}
	want := `d.xlsx, row 2, column "naam": column 1 and column 4 are both named "naam"; rename one of them so every column has its own name`
	if err.Error() != want {
		t.Errorf("message:\n got %s\nwant %s", err, want)
	}
}

func TestNumFmtDateKind(t *testing.T) {
	tests := []struct {
		code string
		want dateKind
	}{
		{"General", notDate},
		{"0.00", notDate},
		{"#,##0", notDate},
		{`#,##0 "dagen"`, notDate},
		{"d-m-yyyy", dateOnly},
		{"dd/mm/yy", dateOnly},
		{"[$-413]d mmmm yyyy", dateOnly},
		{"[Red]d-m-jjjj", dateOnly},
		{"yyyy-mm-dd hh:mm", dateTime},
		{"d-m-jjjj uu:mm", dateTime},
		{"h:mm:ss", notDate},
		{`\d0`, notDate},
		{`0 "d";-0 "d"`, notDate},
	}
	for _, tt := range tests {
		if got := numFmtDateKind(tt.code); got != tt.want {
			t.Errorf("numFmtDateKind(%q) = %d, want %d", tt.code, got, tt.want)
		}
	}
}
