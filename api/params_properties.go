package api

import (
	"strconv"
	"strings"
	"time"
)

// parseProperty parses the value of the query parameter for property p
// according to its type.
func parseProperty(p Property, s string) (PropertyFilter, error) {
	pf := PropertyFilter{Name: p.Name}
	switch p.Type {
	case TypeNumber, TypeInteger:
		v, err := strconv.ParseFloat(strings.TrimSpace(strings.Replace(s, ",", ".", 1)), 64)
		if err != nil {
			return pf, paramError(p.Name, "%q is not a number", s)
		}
		pf.Value = v
	case TypeBoolean:
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "true", "1", "ja", "yes":
			pf.Value = true
		case "false", "0", "nee", "no":
			pf.Value = false
		default:
			return pf, paramError(p.Name, "%q is not a boolean; use true or false", s)
		}
	case TypeDate:
		t, err := time.Parse("2006-01-02", strings.TrimSpace(s))
		if err != nil {
			return pf, paramError(p.Name, "%q is not a date; use YYYY-MM-DD", s)
		}
		pf.Value = t
	default:
		pf.Value = s
	}
	return pf, nil
}
