package importers

import (
	"errors"
	"strings"
	"testing"
)

func TestSplitAddress(t *testing.T) {
	tests := []struct {
		in         string
		straat     string
		huisnummer int
		toevoeging string
	}{
		{"Kerkstraat 12", "Kerkstraat", 12, ""},
		{"Kerkstraat 12 a", "Kerkstraat", 12, "a"},
		{"Kerkstraat 12a", "Kerkstraat", 12, "a"},
		{"Kerkstraat 12-a", "Kerkstraat", 12, "a"},
		{"Kerkstraat 12 A", "Kerkstraat", 12, "A"},
		{"Kerkstraat 12 bis", "Kerkstraat", 12, "bis"},
		{"Laan van NOI 12bis", "Laan van NOI", 12, "bis"},
		{"Stationsplein 1-3", "Stationsplein", 1, "3"},
		{"Stationsplein 1 t/m 3", "Stationsplein", 1, ""},
		{"Stationsplein 1 tm 3", "Stationsplein", 1, ""},
		{"Laan 1940-1945 12", "Laan 1940-1945", 12, ""},
		{"Plein 1944 5", "Plein 1944", 5, ""},
		{"2e Oosterparkstraat 45 hs", "2e Oosterparkstraat", 45, "hs"},
		{"Kerkstraat 12, 1234 AB Utrecht", "Kerkstraat", 12, ""},
		{"Kerkstraat 12 1234AB Utrecht", "Kerkstraat", 12, ""},
		{"Kerkstraat 12 a, Utrecht", "Kerkstraat", 12, "a"},
		{"Kerkstraat, 12", "Kerkstraat", 12, ""},
		{"  Kerkstraat\u00a0 12  ", "Kerkstraat", 12, ""},
		{"Hoofdweg 1234 ab", "Hoofdweg", 1234, "ab"}, // no street left before a postcode: a huisnummer
		{"Lange Viestraat 2 b", "Lange Viestraat", 2, "b"},
		{"Catharijnesingel 59", "Catharijnesingel", 59, ""},
		{"Kerkstraat 12 A-2", "Kerkstraat", 12, "A-2"},
		{"Kerkstraat 12/2", "Kerkstraat", 12, "2"},
		{"Kerkstraat 12 2 hoog", "Kerkstraat 12", 2, "hoog"}, // rightmost number wins (documented)
		{"Kerkstraat12", "Kerkstraat", 12, ""},
		{"'s-Gravendijkwal 99999", "'s-Gravendijkwal", 99999, ""},
		{"Ëmmastraat 3", "Ëmmastraat", 3, ""},
	}
	for _, tt := range tests {
		s, n, toev, err := splitAddress(tt.in)
		if err != nil || s != tt.straat || n != tt.huisnummer || toev != tt.toevoeging {
			t.Errorf("splitAddress(%q) = %q, %d, %q, %v; want %q, %d, %q",
				tt.in, s, n, toev, err, tt.straat, tt.huisnummer, tt.toevoeging)
		}
	}
}

func TestSplitAddressErrors(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"", ErrNoHuisnummer},
		{"Kerkstraat", ErrNoHuisnummer},
		{"12", ErrNoHuisnummer},
		{"12 Kerkstraat", ErrNoHuisnummer},
		{"Kerkstraat 0", ErrNoHuisnummer},
		{"Kerkstraat 100000", ErrNoHuisnummer},
		{"Kerkstraat 12 achterzijde", ErrNoHuisnummer},
		{"Kerkstraat 12 ?", ErrNoHuisnummer},
		{"Postbus 123", ErrPostbus},
		{"postbus 123, 1000 AA Amsterdam", ErrPostbus},
		{"Antwoordnummer 1234", ErrPostbus},
		{"Pb. 12", ErrPostbus},
	}
	for _, tt := range tests {
		s, n, toev, err := splitAddress(tt.in)
		if !errors.Is(err, tt.want) {
			t.Errorf("splitAddress(%q) = %q, %d, %q, %v; want error %v", tt.in, s, n, toev, err, tt.want)
		}
	}
}

func TestNormalizePostcode(t *testing.T) {
	good := map[string]string{
		"1234 ab":      "1234AB",
		"1234AB":       "1234AB",
		" 1234  Ab ":   "1234AB",
		"1234\u00a0AB": "1234AB",
		"9999 zz":      "9999ZZ",
		"3511 SB":      "3511SB",
	}
	for in, want := range good {
		if got, err := normalizePostcode(in); err != nil || got != want {
			t.Errorf("normalizePostcode(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0123AB", "1234 SA", "1234sd", "1234 SS", "123AB", "12345AB",
		"1234 A", "1234 ABC", "ABCD12", "1234 1B", "1234-AB", "1234 ÄB"} {
		if got, err := normalizePostcode(in); !errors.Is(err, ErrInvalidPostcode) {
			t.Errorf("normalizePostcode(%q) = %q, %v; want ErrInvalidPostcode", in, got, err)
		}
	}
	_, err := normalizePostcode("1234 SS")
	if !strings.Contains(err.Error(), "SS") {
		t.Errorf("message %q does not name the letters", err)
	}
}

func FuzzSplitAddress(f *testing.F) {
	for _, s := range []string{"Kerkstraat 12 a", "Laan 1940-1945 12", "Postbus 1", "2e Oosterparkstraat 45 hs",
		"Kerkstraat 12, 1234 AB Utrecht", "Stationsplein 1 t/m 3", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		straat, n, toev, err := splitAddress(s)
		if err != nil {
			if !errors.Is(err, ErrNoHuisnummer) && !errors.Is(err, ErrPostbus) {
				t.Fatalf("splitAddress(%q): unexpected error kind %v", s, err)
			}
			return
		}
		if n < 1 || n > maxHuisnummer {
			t.Fatalf("splitAddress(%q): huisnummer %d out of range", s, n)
		}
		if straat == "" || !hasLetter(straat) || strings.TrimSpace(straat) != straat {
			t.Fatalf("splitAddress(%q): bad straat %q", s, straat)
		}
		if len(toev) > 7 || strings.TrimSpace(toev) != toev {
			t.Fatalf("splitAddress(%q): bad toevoeging %q", s, toev)
		}
	})
}

func FuzzNormalizePostcode(f *testing.F) {
	for _, s := range []string{"1234 ab", "0123AB", "1234 SS", "", "1234\u00a0AB"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := normalizePostcode(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidPostcode) {
				t.Fatalf("normalizePostcode(%q): unexpected error kind %v", s, err)
			}
			return
		}
		if len(p) != 6 || p[0] < '1' || p[0] > '9' || p[4] < 'A' || p[4] > 'Z' || p[5] < 'A' || p[5] > 'Z' {
			t.Fatalf("normalizePostcode(%q) = %q", s, p)
		}
		if again, err := normalizePostcode(p); err != nil || again != p {
			t.Fatalf("normalizePostcode not idempotent on %q: %q, %v", p, again, err)
		}
	})
}
