package api

import (
	"strconv"
	"strings"
)

// parseLimit parses the limit parameter: a positive integer, clamped to max
// (a larger value is not an error). Empty gives def.
func parseLimit(s string, def, max int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange && !strings.HasPrefix(strings.TrimSpace(s), "-") {
			return max, nil
		}
		return 0, paramError("limit", "%q is not a whole number; use a number from 1 to %d", s, max)
	}
	if n < 1 {
		return 0, paramError("limit", "%d is too small; use a number from 1 to %d", n, max)
	}
	if n > int64(max) {
		return max, nil
	}
	return int(n), nil
}

// parseOffset parses the offset parameter: the number of matching features
// to skip, 0 or more.
func parseOffset(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < 0 || n > 1<<31 {
		return 0, paramError("offset", "%q is not a valid offset; use a whole number of 0 or more", s)
	}
	return int(n), nil
}
