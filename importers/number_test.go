package importers

import (
	"errors"
	"math"
	"strconv"
	"testing"
)

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in   string
		want float64
	}{
		{"0", 0},
		{"1234", 1234},
		{"1234,5", 1234.5},
		{"1234.5", 1234.5},
		{"1.234,5", 1234.5},
		{"1,234.5", 1234.5},
		{"1 234,5", 1234.5},
		{"1\u00a0234,5", 1234.5},               // no-break space
		{"1\u202f234\u202f567,25", 1234567.25}, // narrow no-break space
		{"1.234.567", 1234567},
		{"1,234,567", 1234567},
		{"1.234.567,89", 1234567.89},
		{"12,345", 12.345}, // single comma: decimal (Dutch)
		{"1.234", 1.234},   // single dot: decimal
		{"0,5", 0.5},
		{",5", 0.5},
		{"-12,5", -12.5},
		{"+7", 7},
		{"−3,25", -3.25}, // U+2212
		{" 42 ", 42},
		{"250 m2", 250},
		{"250m²", 250},
		{"1.250,5 M2", 1250.5},
		{"75 m^2", 75},
		{"1.5E-05", 0.000015},
		{"1e3", 1000},
		{"007", 7},
	}
	for _, tt := range tests {
		got, err := parseNumber(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("parseNumber(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseNumberErrors(t *testing.T) {
	for _, in := range []string{
		"", "  ", "abc", "12a", "1,2,3,4", "1.2.3", "1,2.3,4", "1.2,3.4",
		"1 234.567,5", "12 34", "NaN", "Inf", "-Inf", "infinity", "0x1p3", "1_000",
		"€ 12", "12 EUR", "EUR 12", "12,-", "$5", "15%", "12,", "1.", "-", ".", ",",
		"1e", "1e+", "1,5e3", "1e999", "12 m", "m2", "1..2", "1,,2",
	} {
		got, err := parseNumber(in)
		if err == nil {
			t.Errorf("parseNumber(%q) = %v, want an error", in, got)
			continue
		}
		if !errors.Is(err, ErrNotANumber) {
			t.Errorf("parseNumber(%q) error %v does not wrap ErrNotANumber", in, err)
		}
	}
	_, err := parseNumber("€ 12")
	if want := `"€ 12" is not a number: it is an amount of money; give a plain number without currency`; err.Error() != want {
		t.Errorf("message = %q, want %q", err, want)
	}
}

func TestParseNumberHint(t *testing.T) {
	tests := []struct {
		in           string
		decimalComma bool
		want         float64
	}{
		{"1.234", true, 1234},    // ambiguous, file uses decimal commas
		{"1.234", false, 1.234},  // ambiguous, file uses decimal dots
		{"12,345", true, 12.345}, // ambiguous, decimal comma
		{"12,345", false, 12345}, // ambiguous, thousands comma
		{"1.5", true, 1.5},       // not a thousands group whatever the hint
		{"1,5", false, 1.5},      // idem
		{"0.123", true, 0.123},   // leading zero: never a thousands group
		{"1234.567", true, 1234.567},
		{"-1.234", true, -1234},
		{"1.234,5", false, 1234.5}, // both separators: unambiguous
	}
	for _, tt := range tests {
		got, err := parseNumberHint(tt.in, tt.decimalComma)
		if err != nil || got != tt.want {
			t.Errorf("parseNumberHint(%q, %v) = %v, %v; want %v", tt.in, tt.decimalComma, got, err, tt.want)
		}
	}
}

func TestDetectDecimalComma(t *testing.T) {
	tests := []struct {
		values []string
		want   bool
	}{
		{nil, false},
		{[]string{"12", "13"}, false},
		{[]string{"1.234", "12,345"}, false}, // only ambiguous values: no vote
		{[]string{"1.234", "12,5"}, true},
		{[]string{"1.234", "12.5"}, false},
		{[]string{"1.234,5", "850", "2.500,75"}, true},
		{[]string{"1,234.5", "850"}, false},
		{[]string{"1.234.567"}, true},
		{[]string{"1,234,567"}, false},
		{[]string{"149512,25", "411304,5", "52.1"}, true},
		{[]string{"0,123"}, true},
		{[]string{"0.123"}, false},
	}
	for _, tt := range tests {
		if got := detectDecimalComma(tt.values); got != tt.want {
			t.Errorf("detectDecimalComma(%q) = %v, want %v", tt.values, got, tt.want)
		}
	}
}

func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"1.234,5", "1,234.5", "1 234,5", "12,345", "1e5", "€ 12", "250 m²", "−3", "", "1,2,3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, h := range []decimalHint{hintNone, hintComma, hintDot} {
			v, err := parseNum(s, h)
			if err != nil {
				if !errors.Is(err, ErrNotANumber) {
					t.Fatalf("parseNum(%q) error %v does not wrap ErrNotANumber", s, err)
				}
				continue
			}
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("parseNum(%q) = %v", s, v)
			}
			// Round trip: the plain decimal form parses to the same value.
			back, err := parseNum(strconv.FormatFloat(v, 'f', -1, 64), hintNone)
			if err != nil || back != v {
				t.Fatalf("round trip of %q: %v -> %v, %v", s, v, back, err)
			}
		}
	})
}
