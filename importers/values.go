package importers

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// detectDecimal looks at every value of a numeric column and returns
// DecimalComma or DecimalDot when the values agree on the decimal separator,
// DecimalAuto when they do not say (e.g. only integers, or "1.250" which
// may be either).
func detectDecimal(values []string) string {
	comma, dot := 0, 0
	for _, v := range values {
		v = strings.TrimSpace(v)
		ci, di := strings.LastIndexByte(v, ','), strings.LastIndexByte(v, '.')
		switch {
		case ci >= 0 && di >= 0:
			if ci > di {
				comma++
			} else {
				dot++
			}
		case ci >= 0:
			if strings.Count(v, ",") == 1 && len(v)-ci-1 != 3 {
				comma++
			} else if strings.Count(v, ",") > 1 {
				dot++ // 1,234,567: comma groups thousands
			}
		case di >= 0:
			if strings.Count(v, ".") == 1 && len(v)-di-1 != 3 {
				dot++
			} else if strings.Count(v, ".") > 1 {
				comma++
			}
		}
	}
	switch {
	case comma > 0 && dot == 0:
		return DecimalComma
	case dot > 0 && comma == 0:
		return DecimalDot
	}
	return DecimalAuto
}

// parseDecimal parses a number with a known decimal separator, or with
// parseNumber's own rules when mode is DecimalAuto.
func parseDecimal(s, mode string) (float64, error) {
	switch mode {
	case DecimalComma:
		return parseNumberHint(s, true)
	case DecimalDot:
		return parseNumberHint(s, false)
	}
	return parseNumber(s)
}

// parseYear parses a bouwjaar: a whole year from 1000 to now+5.
func parseYear(s string, now time.Time) (int, error) {
	s = strings.TrimSpace(s)
	v, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", "."), 64)
	if err != nil || v != math.Trunc(v) {
		return 0, fmt.Errorf("%q is not a year", s)
	}
	maxYear := now.Year() + 5
	if v < 1000 || v > float64(maxYear) {
		return 0, fmt.Errorf("bouwjaar %s is not between 1000 and %d", s, maxYear)
	}
	return int(v), nil
}

var (
	reISODate = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$`)
	reNLDate  = regexp.MustCompile(`^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?: .*)?$`)
	reSerial  = regexp.MustCompile(`^\d{1,7}(?:[.,]\d+)?$`)
)

// errDate is the message for an unreadable date.
var errDate = errors.New("write dates as 2025-03-31 or 31-03-2025")

// parseDate reads a date as inventories write it: ISO (2025-03-31),
// Dutch (31-03-2025, 1-3-2025, 31/03/2025, 31.03.2025) or an Excel serial
// day number (45747).
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	var y, m, d int
	switch {
	case reISODate.MatchString(s):
		p := reISODate.FindStringSubmatch(s)
		y, m, d = atoi(p[1]), atoi(p[2]), atoi(p[3])
	case reNLDate.MatchString(s):
		p := reNLDate.FindStringSubmatch(s)
		d, m, y = atoi(p[1]), atoi(p[2]), atoi(p[3])
	case len(s) == 4 && reSerial.MatchString(s) && s >= "1900" && s <= "2199":
		// A bare year: read as 1 January of that year.
		return time.Date(atoi(s), 1, 1, 0, 0, 0, 0, time.UTC), nil
	case reSerial.MatchString(s):
		v, _ := strconv.ParseFloat(strings.ReplaceAll(s, ",", "."), 64)
		// Excel's day 1 is 1900-01-01 and it counts the non-existent
		// 1900-02-29, so serials from 61 on count from 1899-12-30.
		if v < 1 || v > 2958465 {
			return time.Time{}, fmt.Errorf("%q is not a date: %w", s, errDate)
		}
		base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
		if v < 61 {
			base = base.AddDate(0, 0, 1)
		}
		return base.AddDate(0, 0, int(v)), nil
	default:
		return time.Time{}, fmt.Errorf("%q is not a date: %w", s, errDate)
	}
	if y < 1800 {
		return time.Time{}, fmt.Errorf("%q is not a date: the year %d is before 1800", s, y)
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return time.Time{}, fmt.Errorf("%q is not a date: %w", s, errDate)
	}
	return t, nil
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// parseHuisnummer reads a house number: a positive whole number.
func parseHuisnummer(s string) (int, error) {
	s = strings.TrimSpace(s)
	n, err := strconv.Atoi(s)
	if err != nil {
		if f, ferr := strconv.ParseFloat(s, 64); ferr == nil && f == math.Trunc(f) {
			n, err = int(f), nil
		}
	}
	if err != nil || n <= 0 || n > 99999 {
		return 0, fmt.Errorf("huisnummer %q is not a whole number from 1 to 99999", s)
	}
	return n, nil
}

// normalizeToevoeging folds a huisletter and huisnummertoevoeging into the
// single form used for storing and looking up BAG addresses: lower case,
// without spaces and hyphens ("A", "-2" -> "a2").
func normalizeToevoeging(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		for _, r := range strings.ToLower(p) {
			if r != ' ' && r != '-' && r != '_' && r != '\u00a0' {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

var reGMCode = regexp.MustCompile(`^GM\d{4}$`)

// normalizeGMCode returns the CBS gemeente code "GM0344" for "GM0344",
// "gm0344", "0344" or "344".
func normalizeGMCode(s string) (string, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	if n, err := strconv.Atoi(t); err == nil && n > 0 && n <= 9999 {
		t = fmt.Sprintf("GM%04d", n)
	}
	if !reGMCode.MatchString(t) {
		return "", fmt.Errorf("%q is not a CBS gemeente code like GM0344", s)
	}
	return t, nil
}

// truthy interprets yes/no cells: ok is false when s is neither.
func truthy(s string) (yes, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "ja", "j", "yes", "y", "true", "waar", "1", "x":
		return true, true
	case "nee", "n", "no", "false", "onwaar", "0", "geen", "-":
		return false, true
	}
	return false, false
}
