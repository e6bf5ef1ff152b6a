package importers

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ErrNotANumber is wrapped by every parseNumber error.
var ErrNotANumber = errors.New("not a number")

// numberError says why a value is not a number, in the user's terms.
type numberError struct {
	value  string
	reason string
}

func (e *numberError) Error() string {
	return fmt.Sprintf("%q is not a number: %s", e.value, e.reason)
}

func (e *numberError) Is(target error) bool { return target == ErrNotANumber }

// decimalHint is what the caller knows about a file's decimal separator.
type decimalHint int

const (
	hintNone  decimalHint = iota // unknown: a single separator is the decimal one
	hintComma                    // the file writes decimal commas: "1.234" is 1234
	hintDot                      // the file writes decimal dots: "1,234" is 1234
)

// parseNumber parses a number as Dutch and English exports write it.
//
//	"1.234,5" -> 1234.5    "1,234.5" -> 1234.5   (both separators: the last is decimal)
//	"1234,5"  -> 1234.5    "1234.5"  -> 1234.5
//	"1 234,5" -> 1234.5    (spaces, no-break spaces as thousands groups)
//	"1.234.567" -> 1234567 "1,234,567" -> 1234567 (repeated separator: thousands)
//	"12,345" -> 12.345     "1.234" -> 1.234       (a single separator is decimal)
//	"250 m2", "250 m²", "250m^2" -> 250           (area unit suffix dropped)
//	"1.5E-05" -> 0.000015  (Excel raw values)
//	"€ 12", "12%", "", "abc", "1,2,3", "NaN", "Inf" -> error wrapping ErrNotANumber
//
// A lone separator followed by exactly three digits ("1.234", "12,345") is
// ambiguous; parseNumber reads it as a decimal separator, never guessing a
// thousands group. When the file's convention is known (see
// detectDecimalComma), use parseNumberHint.
func parseNumber(s string) (float64, error) { return parseNum(s, hintNone) }

// parseNumberHint is parseNumber for a file whose decimal separator is
// known: with decimalComma, "1.234" is 1234 and "12,345" is 12.345; without,
// "12,345" is 12345 and "1.234" is 1.234. The hint only settles the
// ambiguous lone-separator-plus-three-digits form; "1.5" stays 1.5 and
// "1,5" stays 1.5 whatever the hint.
func parseNumberHint(s string, decimalComma bool) (float64, error) {
	if decimalComma {
		return parseNum(s, hintComma)
	}
	return parseNum(s, hintDot)
}

// detectDecimalComma reports whether a column's (or file's) values write
// decimal commas: it counts values that can only be read one way
// ("12,5", "1.234,5", "1.234.567" vote comma; "12.5", "1,234.5",
// "1,234,567" vote dot; "1.234", "12,345" and integers do not vote) and
// returns true when comma votes outnumber dot votes.
func detectDecimalComma(values []string) bool {
	comma, dot := 0, 0
	for _, v := range values {
		s := strings.TrimSpace(normalizeSpaces(v))
		nc, nd := strings.Count(s, ","), strings.Count(s, ".")
		switch {
		case nc > 0 && nd > 0:
			if strings.LastIndexByte(s, ',') > strings.LastIndexByte(s, '.') {
				comma++
			} else {
				dot++
			}
		case nc == 1:
			if !ambiguousGroup(s) {
				comma++
			}
		case nd == 1:
			if !ambiguousGroup(s) {
				dot++
			}
		case nc > 1:
			dot++
		case nd > 1:
			comma++
		}
	}
	return comma > dot
}

// ambiguousGroup reports whether the only separator, at i, could be a
// thousands separator: 1-3 digits (not starting with 0) before it, exactly
// three digits after.
func ambiguousGroup(s string) bool {
	s = strings.TrimLeft(s, "+-−")
	i := strings.LastIndexAny(s, ",.")
	if i < 1 || i > 3 || len(s)-i-1 != 3 || s[0] == '0' {
		return false
	}
	return allDigits(s[:i]) && allDigits(s[i+1:])
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// normalizeSpaces turns the no-break and thin spaces that spreadsheets
// write as thousands separators into plain spaces.
func normalizeSpaces(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '\u00a0', '\u202f', '\u2009', '\u2007', '\t':
			return ' '
		}
		return r
	}, s)
}

// areaUnits are the suffixes parseNumber drops: areas in square metres.
var areaUnits = [...]string{"m²", "m2", "m^2", "㎡"}

func parseNum(orig string, hint decimalHint) (float64, error) {
	fail := func(reason string) (float64, error) {
		return 0, &numberError{value: orig, reason: reason}
	}
	s := strings.TrimSpace(normalizeSpaces(orig))
	if s == "" {
		return fail("the value is empty")
	}
	for _, u := range areaUnits {
		if len(s) > len(u) && strings.EqualFold(s[len(s)-len(u):], u) {
			s = strings.TrimSpace(s[:len(s)-len(u)])
			break
		}
	}
	low := strings.ToLower(s)
	switch {
	case strings.ContainsAny(s, "€$£") || strings.HasPrefix(low, "eur") || strings.HasSuffix(s, ",-"):
		return fail("it is an amount of money; give a plain number without currency")
	case strings.HasSuffix(s, "%"):
		return fail("it is a percentage; give a plain number without %")
	}
	neg := false
	switch {
	case strings.HasPrefix(s, "-"), strings.HasPrefix(s, "+"):
		neg = s[0] == '-'
		s = strings.TrimSpace(s[1:])
	case strings.HasPrefix(s, "−"): // U+2212 minus sign
		neg = true
		s = strings.TrimSpace(s[len("−"):])
	}
	// Exponent, as Excel stores very small or large numbers: 1.5E-05.
	exp := ""
	if i := strings.IndexAny(s, "eE"); i > 0 {
		e := s[i+1:]
		if strings.HasPrefix(e, "+") || strings.HasPrefix(e, "-") {
			exp = e[:1]
			e = e[1:]
		}
		if !allDigits(e) || strings.ContainsAny(s[:i], ", ") {
			return fail("only digits, one decimal separator and thousands separators are allowed")
		}
		exp = "e" + exp + e
		s = s[:i]
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && c != ',' && c != '.' && c != ' ' {
			return fail("only digits, one decimal separator and thousands separators are allowed")
		}
	}
	nc, nd := strings.Count(s, ","), strings.Count(s, ".")
	var dec, thou byte // 0 = none
	switch {
	case nc > 0 && nd > 0:
		dec, thou = ',', '.'
		if strings.LastIndexByte(s, '.') > strings.LastIndexByte(s, ',') {
			dec, thou = '.', ','
		}
		if strings.Count(s, string(dec)) > 1 {
			return fail("it has both ',' and '.' in an order that is not a number")
		}
	case nc > 1:
		thou = ','
	case nd > 1:
		thou = '.'
	case nc == 1:
		dec = ','
		if hint == hintDot && ambiguousGroup(s) {
			dec, thou = 0, ','
		}
	case nd == 1:
		dec = '.'
		if hint == hintComma && ambiguousGroup(s) {
			dec, thou = 0, '.'
		}
	}
	intPart, frac := s, ""
	if dec != 0 {
		i := strings.IndexByte(s, dec)
		intPart, frac = s[:i], s[i+1:]
		if !allDigits(frac) {
			return fail("the digits after the decimal separator are missing or wrong")
		}
	}
	intPart = strings.TrimSpace(intPart)
	if intPart == "" {
		if frac == "" {
			return fail("there are no digits")
		}
		intPart = "0"
	}
	digits, ok := ungroup(intPart, thou)
	if !ok {
		if thou != 0 {
			return fail(fmt.Sprintf("%q is used as a thousands separator but not every group has three digits", thou))
		}
		return fail("spaces are only allowed between groups of three digits")
	}
	canon := digits
	if frac != "" {
		canon += "." + frac
	}
	f, err := strconv.ParseFloat(canon+exp, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return fail("it is too large")
	}
	if neg {
		f = -f
	}
	return f, nil
}

// ungroup removes thousands separators (thou, or spaces) from an integer
// part, checking the groups: 1-3 digits first, then groups of exactly 3.
func ungroup(s string, thou byte) (string, bool) {
	if allDigits(s) {
		return s, true
	}
	sep := thou
	if strings.ContainsRune(s, ' ') {
		if thou != 0 {
			return "", false // "1 234.567,5": two kinds of grouping
		}
		sep = ' '
	}
	if sep == 0 {
		return "", false
	}
	groups := strings.Split(s, string(sep))
	for i, g := range groups {
		if !allDigits(g) || i == 0 && len(g) > 3 || i > 0 && len(g) != 3 {
			return "", false
		}
	}
	return strings.Join(groups, ""), true
}
