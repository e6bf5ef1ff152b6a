package importers

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func readCSVString(t *testing.T, s string) (Table, error) {
	t.Helper()
	return readCSV(context.Background(), "test.csv", strings.NewReader(s))
}

func readFixture(t *testing.T, name string) Table {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "tabular", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var tb Table
	if strings.HasSuffix(name, ".xlsx") {
		tb, err = readXLSX(context.Background(), name, f, "")
	} else {
		tb, err = readCSV(context.Background(), name, f)
	}
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return tb
}

func rowNumbers(tb Table) []int {
	var rows []int
	for _, r := range tb.Records {
		rows = append(rows, r.Row)
	}
	return rows
}

func TestReadCSVWindows1252(t *testing.T) {
	tb := readFixture(t, "leegstand_win1252.csv")
	wantCols := []string{"Naam", "Adres", "Postcode", "Plaats", "Regio", "Oppervlakte (m²)", "X", "Y", "Opmerking"}
	if !reflect.DeepEqual(tb.Columns, wantCols) {
		t.Fatalf("columns = %q, want %q", tb.Columns, wantCols)
	}
	// Line 3-4 is one Excel row (a quoted line break), line 5 is an empty
	// row, so the last record is Excel row 5 (text line 6).
	if got, want := rowNumbers(tb), []int{2, 3, 5}; !reflect.DeepEqual(got, want) {
		t.Fatalf("rows = %v, want %v", got, want)
	}
	r := tb.Records[0].Values
	for col, want := range map[string]string{
		"Naam": "Café De Hoek", "Plaats": "’s-Hertogenbosch", "Regio": "Zuidoost-Brabant",
		"Oppervlakte (m²)": "1.234,5", "X": "149512,25", "Y": "411304,5", "Opmerking": "", "Postcode": "1234 ab",
	} {
		if r[col] != want {
			t.Errorf("row 2 %s = %q, want %q", col, r[col], want)
		}
	}
	if got := tb.Records[1].Values["Opmerking"]; got != "Leeg sinds 2021\nbegane grond; verdieping" {
		t.Errorf("multi-line value = %q", got)
	}
	if got := tb.Records[2].Values["Opmerking"]; got != `Zie "bijlage"` {
		t.Errorf("escaped quotes = %q", got)
	}
	// The numbers in the file are Dutch: the reader leaves them as text and
	// the column votes for a decimal comma.
	var x []string
	for _, rec := range tb.Records {
		x = append(x, rec.Values["Oppervlakte (m²)"], rec.Values["X"])
	}
	if !detectDecimalComma(x) {
		t.Errorf("detectDecimalComma(%q) = false", x)
	}
	if v, err := parseNumberHint(tb.Records[2].Values["Oppervlakte (m²)"], true); err != nil || v != 2500.75 {
		t.Errorf("parse 2.500,75 = %v, %v", v, err)
	}
}

func TestReadCSVUTF8BOM(t *testing.T) {
	tb := readFixture(t, "kavels_utf8bom.csv")
	if want := []string{"id", "naam", "lat", "lon", "oppervlakte"}; !reflect.DeepEqual(tb.Columns, want) {
		t.Fatalf("columns = %q, want %q", tb.Columns, want)
	}
	if got, want := rowNumbers(tb), []int{2, 3}; !reflect.DeepEqual(got, want) {
		t.Fatalf("rows = %v, want %v", got, want)
	}
	want := map[string]string{"id": "1", "naam": "Kavel Noord, Almere", "lat": "52.3702", "lon": "5.2141", "oppervlakte": "12500"}
	if !reflect.DeepEqual(tb.Records[0].Values, want) {
		t.Errorf("row 2 = %q, want %q", tb.Records[0].Values, want)
	}
	if got := tb.Records[1].Values["oppervlakte"]; got != "1,250.5" {
		t.Errorf("quoted number = %q", got)
	}
}

func TestReadCSVTabWithTitle(t *testing.T) {
	tb := readFixture(t, "kavels_tab.txt")
	if want := []string{"naam", "gemeente", "oppervlakte", "bestemming"}; !reflect.DeepEqual(tb.Columns, want) {
		t.Fatalf("columns = %q, want %q", tb.Columns, want)
	}
	if got, want := rowNumbers(tb), []int{4, 5}; !reflect.DeepEqual(got, want) {
		t.Fatalf("rows = %v, want %v", got, want)
	}
	if got := tb.Records[1].Values["naam"]; got != "Kavel Hessenpoort" {
		t.Errorf("naam = %q", got)
	}
}

func TestReadCSVCases(t *testing.T) {
	tests := []struct {
		name string
		in   string
		cols []string
		rows []int
		vals map[string]string // values of the first record
	}{
		{"sep directive", "sep=,\r\na,b\r\n1;2,3\r\n", []string{"a", "b"}, []int{2}, map[string]string{"a": "1;2", "b": "3"}},
		{"sep directive quoted", "\"sep=;\"\na;b\n1,5;2\n", []string{"a", "b"}, []int{2}, map[string]string{"a": "1,5", "b": "2"}},
		{"dutch decimals", "naam;opp;x\nA;1,5;2,25\nB;3,5;4,75\n", []string{"naam", "opp", "x"}, []int{2, 3}, map[string]string{"naam": "A", "opp": "1,5", "x": "2,25"}},
		{"pipe", "a|b\n1|2\n", []string{"a", "b"}, []int{2}, map[string]string{"a": "1", "b": "2"}},
		{"lone CR", "a;b\r1;2\r3;4\r", []string{"a", "b"}, []int{2, 3}, map[string]string{"a": "1", "b": "2"}},
		{"empty header name", "a;;c\n1;2;3\n", []string{"a", "kolom_2", "c"}, []int{2}, map[string]string{"a": "1", "kolom_2": "2", "c": "3"}},
		{"trailing delimiters", "a;b;;\n1;2;;\n3;4;;\n", []string{"a", "b"}, []int{2, 3}, map[string]string{"a": "1", "b": "2"}},
		{"short row padded", "a;b;c\n1\n", []string{"a", "b", "c"}, []int{2}, map[string]string{"a": "1", "b": "", "c": ""}},
		{"blank lines and repeated header", "\n\na;b\n\n1;2\na;b\n3;4\n", []string{"a", "b"}, []int{5, 7}, map[string]string{"a": "1", "b": "2"}},
		{"spaces trimmed", "a , b\n 1 , \"x, y\"\n", []string{"a", "b"}, []int{2}, map[string]string{"a": "1", "b": "x, y"}},
		{"title lines", "Leegstand 2024;;;\nBron: RVB;;;\nnaam;gemeente;x;y\nA;Utrecht;1;2\n", []string{"naam", "gemeente", "x", "y"}, []int{4}, map[string]string{"naam": "A", "gemeente": "Utrecht", "x": "1", "y": "2"}},
		{"single column", "naam\nA\nB\n", []string{"naam"}, []int{2, 3}, map[string]string{"naam": "A"}},
		{"header only", "a;b\n", []string{"a", "b"}, nil, nil},
		{"multi-line cells", "a;b\n\"x\ny\nz\";1\n2;3\n\"p\nq\";4\n", []string{"a", "b"}, []int{2, 3, 4}, map[string]string{"a": "x\ny\nz", "b": "1"}},
		{"BOM in header", "\ufeff\ufeffa;b\n1;2\n", []string{"a", "b"}, []int{2}, map[string]string{"a": "1", "b": "2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb, err := readCSVString(t, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(tb.Columns, tt.cols) {
				t.Errorf("columns = %q, want %q", tb.Columns, tt.cols)
			}
			if got := rowNumbers(tb); !reflect.DeepEqual(got, tt.rows) {
				t.Errorf("rows = %v, want %v", got, tt.rows)
			}
			if tt.vals != nil && (len(tb.Records) == 0 || !reflect.DeepEqual(tb.Records[0].Values, tt.vals)) {
				t.Errorf("records = %+v, want first values %q", tb.Records, tt.vals)
			}
		})
	}
}

func TestReadCSVUTF16(t *testing.T) {
	// Excel "Unicode text": UTF-16 LE with BOM, tab-separated.
	text := "naam\tplaats\nCafé\t’s-Hertogenbosch\n"
	le := []byte{0xFF, 0xFE}
	be := []byte{0xFE, 0xFF}
	for _, r := range text {
		var u [2]uint16
		n := 1
		if r > 0xFFFF {
			n = 2
		}
		u[0] = uint16(r)
		for i := range n {
			le = append(le, byte(u[i]), byte(u[i]>>8))
			be = append(be, byte(u[i]>>8), byte(u[i]))
		}
	}
	for _, b := range [][]byte{le, be} {
		tb, err := readCSV(context.Background(), "unicode.txt", strings.NewReader(string(b)))
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"naam": "Café", "plaats": "’s-Hertogenbosch"}
		if len(tb.Records) != 1 || !reflect.DeepEqual(tb.Records[0].Values, want) {
			t.Errorf("records = %+v, want %q", tb.Records, want)
		}
	}
}

func TestDecodeText(t *testing.T) {
	tests := []struct {
		in   string
		want string
		enc  textEncoding
	}{
		{"Café", "Café", encUTF8},
		{"\xEF\xBB\xBFCafé", "Café", encUTF8BOM},
		{"Caf\xE9 \x92s-Hertogenbosch \x80 m\xB2", "Café ’s-Hertogenbosch € m²", encWindows1252},
		{"\xFF\xFEa\x00b\x00", "ab", encUTF16LE},
		{"\xFE\xFF\x00a\x00b", "ab", encUTF16BE},
	}
	for _, tt := range tests {
		got, enc, err := decodeText("f.csv", []byte(tt.in))
		if err != nil || got != tt.want || enc != tt.enc {
			t.Errorf("decodeText(%q) = %q, %s, %v; want %q, %s", tt.in, got, enc, err, tt.want, tt.enc)
		}
	}
}

func TestDetectDelimiter(t *testing.T) {
	tests := []struct {
		in   string
		want rune
	}{
		{"a;b;c\n1;2;3\n", ';'},
		{"a,b,c\n1,2,3\n", ','},
		{"a\tb\n1\t2\n", '\t'},
		{"a|b\n1|2\n", '|'},
		{"naam;opp\nA;1,5\nB;2,5\n", ';'},                 // decimal commas
		{"naam;x;y\nA;1,5;2,5\nB;3,5;4,5\n", ';'},         // two decimal commas per row
		{"\"a;b\",c\n\"1;2\",3\n", ','},                   // ';' only inside quotes
		{"naam,opp\n\"A\",\"1,5\"\n\"B\",\"2,5\"\n", ','}, // quoted decimal commas
		{"naam\nA\n", ','},
	}
	for _, tt := range tests {
		if got := detectDelimiter(tt.in); got != tt.want {
			t.Errorf("detectDelimiter(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestReadCSVErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		is   error
		msg  string // the exact Error()
	}{
		{"empty", "", ErrEmptyFile, "test.csv: the file is empty"},
		{"blank", " \r\n\r\n", ErrEmptyFile, "test.csv: the file is empty"},
		{"only delimiters", ";;\n;;\n", ErrNoHeader, "test.csv: no header row found: the file has no row with column names"},
		{"duplicate", "id;naam;naam\n1;a;b\n", ErrDuplicateColumn,
			`test.csv, row 1, column "naam": column 2 and column 3 are both named "naam"; rename one of them so every column has its own name`},
		{"bare quote", "a;b\n1;2\n3;De \"Hoek\"\n", ErrBadQuotes,
			"test.csv, row 3: a double quote (\") at character 6 stands inside a value that does not start with a quote; " +
				"enclose the whole value in double quotes and write the inner quote twice (\"\"), or remove it"},
		{"unclosed quote", "a;b\n\"x\ny\";1\n\"open;2\n3;4\n", ErrBadQuotes, ""},
		{"binary", "a;b\n\x00\x01\x02\x03", ErrBinaryFile,
			"test.csv: looks like a binary file, not CSV; export the sheet as CSV (UTF-8) or give the .xlsx"},
		{"xlsx renamed", "PK\x03\x04\x14\x00\x06\x00", ErrBinaryFile, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readCSVString(t, tt.in)
			if !errors.Is(err, tt.is) {
				t.Fatalf("err = %v, want %v", err, tt.is)
			}
			var re *ReadError
			if !errors.As(err, &re) || re.File != "test.csv" {
				t.Fatalf("err = %#v, want a *ReadError for test.csv", err)
			}
			if tt.msg != "" && err.Error() != tt.msg {
				t.Errorf("message:\n got %s\nwant %s", err, tt.msg)
			}
		})
	}
	// The unclosed quote starts on Excel row 3 (text line 4).
	_, err := readCSVString(t, "a;b\n\"x\ny\";1\n\"open;2\n3;4\n")
	var re *ReadError
	if errors.As(err, &re) && re.Row != 3 {
		t.Errorf("unclosed quote row = %d, want 3 (%v)", re.Row, err)
	}
	_, err = readCSVString(t, "PK\x03\x04\x14\x00\x06\x00")
	if !strings.Contains(err.Error(), ".xlsx extension") {
		t.Errorf("xlsx hint missing: %v", err)
	}
}

func TestReadCSVExtraFields(t *testing.T) {
	in := "naam;opp\nA;12\nB;1;5\nC;3\nD;4;;\n"
	tb, err := readCSVString(t, in)
	if !errors.Is(err, ErrExtraFields) {
		t.Fatalf("err = %v, want ErrExtraFields", err)
	}
	want := `test.csv, row 3: this row has a value in column 3 but the header has only 2 columns; ` +
		`a value probably contains the delimiter without being enclosed in double quotes, or the header misses a column name (value "5")`
	if err.Error() != want {
		t.Errorf("message:\n got %s\nwant %s", err, want)
	}
	// Every row is still read; trailing empty fields (row 5) are fine.
	if got := rowNumbers(tb); !reflect.DeepEqual(got, []int{2, 3, 4, 5}) {
		t.Errorf("rows = %v", got)
	}
	// Many bad rows: one *ReadError each, in row order.
	var b strings.Builder
	b.WriteString("a;b\n")
	for range 30 {
		b.WriteString("1;2;3\n")
	}
	_, err = readCSVString(t, b.String())
	j, ok := err.(interface{ Unwrap() []error })
	if !ok || len(j.Unwrap()) != 30 {
		t.Fatalf("err = %v, want 30 joined errors", err)
	}
	for i, e := range j.Unwrap() {
		var re *ReadError
		if !errors.As(e, &re) || re.Row != i+2 {
			t.Errorf("error %d = %v, want a *ReadError for row %d", i, e, i+2)
		}
	}
}

func TestReadCSVBadQuotesContinue(t *testing.T) {
	// A stray quote spoils one row; the rows after it are still read.
	tb, err := readCSVString(t, "a;b\n1;2\n3;De \"Hoek\"\n\"x\ny\";6\n7;8\n")
	if !errors.Is(err, ErrBadQuotes) {
		t.Fatalf("err = %v, want ErrBadQuotes", err)
	}
	var re *ReadError
	if !errors.As(err, &re) || re.Row != 3 {
		t.Errorf("err = %v, want row 3", err)
	}
	if got := rowNumbers(tb); !reflect.DeepEqual(got, []int{2, 4, 5}) {
		t.Errorf("rows = %v, want [2 4 5]", got)
	}
	// Bad quotes and extra values: one flat list in row order.
	_, err = readCSVString(t, "a;b\n1;2;3\n3;De \"Hoek\"\n5;6;7\n")
	j, ok := err.(interface{ Unwrap() []error })
	if !ok || len(j.Unwrap()) != 3 {
		t.Fatalf("err = %v, want 3 joined errors", err)
	}
	for i, e := range j.Unwrap() {
		if !errors.As(e, &re) || re.Row != i+2 {
			t.Errorf("error %d = %v, want row %d", i, e, i+2)
		}
	}
	// A broken header is fatal.
	tb, err = readCSVString(t, "a;\"b\"x\n1;2\n")
	if !errors.Is(err, ErrBadQuotes) || len(tb.Records) != 0 {
		t.Errorf("broken header: %d records, err = %v", len(tb.Records), err)
	}
}

func TestReadCSVCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := readCSV(ctx, "x.csv", strings.NewReader("a;b\n1;2\n")); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestReadErrorFormat(t *testing.T) {
	tests := []struct {
		e    ReadError
		want string
	}{
		{ReadError{File: "f.csv", Msg: "m"}, "f.csv: m"},
		{ReadError{File: "f.csv", Row: 12, Msg: "m"}, "f.csv, row 12: m"},
		{ReadError{File: "f.csv", Row: 12, Column: "x", Msg: "m"}, `f.csv, row 12, column "x": m`},
		{ReadError{File: "f.csv", Row: 12, Column: "x", Value: "abc", Msg: "m"}, `f.csv, row 12, column "x": m (value "abc")`},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
	e := &ReadError{File: "f", Msg: "m", Err: ErrNoHeader}
	if !errors.Is(e, ErrNoHeader) {
		t.Error("ReadError does not unwrap")
	}
}

func TestFindHeader(t *testing.T) {
	row := func(cells ...string) rawRow { return rawRow{cells: cells} }
	tests := []struct {
		rows []rawRow
		want int
	}{
		{nil, -1},
		{[]rawRow{row("", "")}, -1},
		{[]rawRow{row("a", "b")}, 0},
		{[]rawRow{row("Titel"), row(""), row("a", "b", "c"), row("1", "2", "3")}, 2},
		{[]rawRow{row("Titel", "", "datum"), row("a", "b", "c", "d", "e"), row("1", "2", "3", "4", "5")}, 1},
		{[]rawRow{row("a", "b", "", "d", "e"), row("1", "2", "3", "4", "5")}, 0}, // 4 of 5 >= 60%
		{[]rawRow{{cells: []string{"Titel", "Titel"}, title: true}, row("a", "b")}, 1},
		{[]rawRow{{cells: []string{"Titel"}, title: true}}, 0},
	}
	for i, tt := range tests {
		if got := findHeader(tt.rows); got != tt.want {
			t.Errorf("%d: findHeader = %d, want %d", i, got, tt.want)
		}
	}
}

func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{
		"a;b\n1;2\n", "sep=;\na;b\n\"x\ny\";2\n", "a,b\n\"1,5\",2\n", "\ufeffa\tb\n1\t2\n",
		"Titel\n\na|b|c\n1|2|3\n", "a;a\n1;2\n", "a;b\n1;\"2\n", "\xff\xfea\x00", "Caf\xe9;x\n1;2\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		tb, err := readCSV(context.Background(), "fuzz.csv", strings.NewReader(string(b)))
		if err != nil {
			var re *ReadError
			if !errors.As(err, &re) {
				t.Fatalf("error %v is not a *ReadError", err)
			}
			if re.Row < 0 {
				t.Fatalf("negative row in %v", err)
			}
		}
		prev := 1
		seen := map[string]bool{}
		for _, c := range tb.Columns {
			if seen[c] || c == "" {
				t.Fatalf("bad columns %q", tb.Columns)
			}
			seen[c] = true
		}
		for _, r := range tb.Records {
			if r.Row <= prev {
				t.Fatalf("row numbers not increasing: %v", rowNumbers(tb))
			}
			prev = r.Row
			if len(r.Values) != len(tb.Columns) {
				t.Fatalf("row %d has %d values for %d columns", r.Row, len(r.Values), len(tb.Columns))
			}
			for _, v := range r.Values {
				if !utf8.ValidString(v) {
					t.Fatalf("invalid UTF-8 value %q", v)
				}
			}
		}
	})
}

func BenchmarkReadCSV(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("naam;adres;postcode;oppervlakte;x;y\r\n")
	for i := range 10000 {
		fmt.Fprintf(&sb, "Pand %d;Kerkstraat %d a;%04d AB;%d,%d;%d,5;%d,25\r\n", i, i%500+1, 1000+i%9000, i*7%5000, i%10, 100000+i, 400000+i)
	}
	data := sb.String()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := readCSV(context.Background(), "b.csv", strings.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseNumber(b *testing.B) {
	in := []string{"1.234,5", "1234.5", "1 234,5", "12", "149512,25"}
	for i := 0; b.Loop(); i++ {
		if _, err := parseNumber(in[i%len(in)]); err != nil {
			b.Fatal(err)
		}
	}
}
