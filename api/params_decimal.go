package api

import "strings"

// parseDecimal parses the decimal parameter of the CSV output: "point"
// (default) or "comma" (Dutch Excel).
func parseDecimal(s string) (comma bool, err error) {
	switch strings.ToLower(s) {
	case "", "point", "punt", ".":
		return false, nil
	case "comma", "komma", ",":
		return true, nil
	}
	return false, paramError("decimal", "%q is not supported; use point or comma", s)
}
