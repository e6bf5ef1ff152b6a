package importers

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// Sentinel errors of splitAddress and normalizePostcode.
var (
	ErrNoHuisnummer    = errors.New("no huisnummer")
	ErrPostbus         = errors.New("postbus address")
	ErrInvalidPostcode = errors.New("invalid postcode")
)

// maxHuisnummer is the largest huisnummer the BAG allows.
const maxHuisnummer = 99999

var (
	// trailingPostcode matches ", 1234 AB Plaats" or " 1234AB" at the end.
	trailingPostcode = regexp.MustCompile(`(?i)[\s,]+[1-9][0-9]{3}\s?[a-z]{2}(\s.*)?$`)
	// rangeToevoeging matches the second half of "12 t/m 16".
	rangeToevoeging = regexp.MustCompile(`(?i)^(t/?m|tot en met)\s*[0-9]+$`)
	// rangeWord matches a street part that ends in "t/m", so "1 t/m 3" is not read as street "... 1 t/m", huisnummer 3.
	rangeWord     = regexp.MustCompile(`(?i)\s(t/?m|tot en met)$`)
	postbusPrefix = regexp.MustCompile(`(?i)^(postbus|antwoordnummer|pb\.?)\s*[0-9]`)
)

// splitAddress splits a single address cell into street, huisnummer and
// toevoeging (the BAG huisletter and huisnummertoevoeging together, as
// written, without the separator in front):
//
//	"Kerkstraat 12 a", "Kerkstraat 12a", "Kerkstraat 12-a" -> Kerkstraat, 12, "a"
//	"Kerkstraat 12 bis"           -> Kerkstraat, 12, "bis"
//	"Stationsplein 1-3"           -> Stationsplein, 1, "3" (BAG notation huisnummer-toevoeging)
//	"Stationsplein 1 t/m 3"       -> Stationsplein, 1, ""  (an explicit range: its first number)
//	"Laan 1940-1945 12"           -> Laan 1940-1945, 12, "" (digits in the street name)
//	"2e Oosterparkstraat 45 hs"   -> 2e Oosterparkstraat, 45, "hs"
//	"Kerkstraat 12, 1234 AB Utrecht" -> Kerkstraat, 12, "" (postcode and place dropped)
//	"Postbus 123"                 -> error wrapping ErrPostbus
//	"Kerkstraat"                  -> error wrapping ErrNoHuisnummer
//
// The huisnummer is the last number (1..99999) that follows the street and
// is followed by nothing or by a toevoeging of at most 5 letters/digits in
// at most two parts ("a", "bis", "A-2", "2 hoog"). Because the rightmost
// such number wins, "Kerkstraat 12 3" reads as street "Kerkstraat 12",
// huisnummer 3: give the huisnummer in its own column when that matters.
func splitAddress(s string) (straat string, huisnummer int, toevoeging string, err error) {
	orig := s
	s = strings.Join(strings.Fields(normalizeSpaces(s)), " ")
	if s == "" {
		return "", 0, "", fmt.Errorf("%w: the address is empty", ErrNoHuisnummer)
	}
	if postbusPrefix.MatchString(s) {
		return "", 0, "", fmt.Errorf("%w: %q is a postbus, not the address of a building; give the street address", ErrPostbus, orig)
	}
	var tries []string
	if before, _, ok := strings.Cut(s, ","); ok {
		tries = append(tries, strings.TrimSpace(before))
	}
	if loc := trailingPostcode.FindStringIndex(s); loc != nil && loc[0] > 0 {
		tries = append(tries, strings.TrimSpace(s[:loc[0]]))
	}
	tries = append(tries, strings.TrimSpace(strings.ReplaceAll(s, ",", " ")))
	for _, t := range tries {
		if st, nr, toev, ok := splitStreetNumber(t); ok {
			return st, nr, toev, nil
		}
	}
	return "", 0, "", fmt.Errorf("%w: cannot find a street followed by a huisnummer (1 to %d) in %q; write it like \"Kerkstraat 12 a\" or give straat and huisnummer in separate columns",
		ErrNoHuisnummer, maxHuisnummer, orig)
}

// splitStreetNumber tries every digit run from the right.
func splitStreetNumber(s string) (string, int, string, bool) {
	for i := len(s) - 1; i > 0; i-- {
		if !isDigit(s[i]) || isDigit(s[i-1]) {
			continue
		}
		prev := s[i-1]
		if prev != ' ' && !isASCIILetter(prev) {
			continue
		}
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		straat := strings.TrimSpace(s[:i])
		if !hasLetter(straat) || strings.HasSuffix(straat, "-") || strings.HasSuffix(straat, "/") || rangeWord.MatchString(straat) {
			continue
		}
		if j-i > 5 {
			continue
		}
		nr, err := strconv.Atoi(s[i:j])
		if err != nil || nr < 1 || nr > maxHuisnummer {
			continue
		}
		toev, ok := parseToevoeging(s[j:])
		if !ok {
			continue
		}
		return straat, nr, toev, true
	}
	return "", 0, "", false
}

// parseToevoeging accepts "", "a", " bis", "-3", "/2", " A-2", " 2 hoog" and
// " t/m 16" (a range: no toevoeging).
func parseToevoeging(rest string) (string, bool) {
	r := strings.TrimSpace(rest)
	if r == "" || rangeToevoeging.MatchString(r) {
		return "", true
	}
	if r[0] == '-' || r[0] == '/' {
		r = strings.TrimSpace(r[1:])
	}
	if r == "" {
		return "", false
	}
	n, parts := 0, 1
	for i := 0; i < len(r); i++ {
		c := r[i]
		switch {
		case isDigit(c) || isASCIILetter(c):
			n++
		case (c == ' ' || c == '-' || c == '/') && i > 0 && i < len(r)-1 && parts == 1:
			parts++
		default:
			return "", false
		}
	}
	return r, n <= 5
}

func isDigit(c byte) bool       { return c >= '0' && c <= '9' }
func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func hasLetter(s string) bool {
	return strings.IndexFunc(s, unicode.IsLetter) >= 0
}

// normalizePostcode returns "1234AB" for "1234 ab", " 1234AB ", "1234\u00a0AB".
// The first digit is 1-9 and the letter pairs SA, SD and SS are not issued
// by PostNL; those, and anything but four digits and two letters, are an
// error wrapping ErrInvalidPostcode.
func normalizePostcode(s string) (string, error) {
	p := strings.ToUpper(strings.Join(strings.Fields(normalizeSpaces(s)), ""))
	fail := func(reason string) (string, error) {
		return "", fmt.Errorf("%w: %q %s; a Dutch postcode is four digits and two letters, like 1234 AB", ErrInvalidPostcode, s, reason)
	}
	if p == "" {
		return fail("is empty")
	}
	if len(p) != 6 {
		return fail("has the wrong length")
	}
	for i := range 4 {
		if !isDigit(p[i]) {
			return fail("does not start with four digits")
		}
	}
	if p[0] == '0' {
		return fail("starts with 0, which no postcode does")
	}
	if p[4] < 'A' || p[4] > 'Z' || p[5] < 'A' || p[5] > 'Z' {
		return fail("does not end with two letters")
	}
	switch p[4:] {
	case "SA", "SD", "SS":
		return fail("ends with " + p[4:] + ", letters that are not used in postcodes")
	}
	return p, nil
}
