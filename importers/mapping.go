package importers

import (
	"bytes"
	"fmt"
	"os"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/plekwijzer/plekwijzer/geo"
)

// Decimal separators a Mapping can force.
const (
	DecimalAuto  = ""      // detect per column
	DecimalComma = "comma" // 1.234,5
	DecimalDot   = "dot"   // 1,234.5
)

// Mapping is a user's column mapping: it names, for canonical fields, the
// column of the file that holds them, overriding the built-in aliases.
//
// A mapping file is YAML (or JSON, which is YAML too) with the canonical
// field names (or any of their aliases) as keys:
//
//	bron_ref: Kenmerk
//	naam: Omschrijving object
//	x: X-coördinaat
//	y: Y-coördinaat
//	oppervlakte: BVO (m2)
//	decimal: comma       # optional: comma or dot
//	crs: EPSG:28992      # optional: the CRS of the coordinates
//
// The columns may also be nested under a "columns" (or "kolommen") key.
type Mapping struct {
	Columns map[string]string // canonical field -> column header in the file
	Decimal string            // DecimalAuto, DecimalComma or DecimalDot
	CRS     geo.CRS           // "" = detect
}

// LoadMapping reads a mapping file (YAML or JSON).
func LoadMapping(path string) (*Mapping, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("mapping: %w", err)
	}
	m, err := parseMapping(b)
	if err != nil {
		return nil, fmt.Errorf("mapping %s: %w", path, err)
	}
	return m, nil
}

// parseMapping parses the text of a mapping file.
func parseMapping(b []byte) (*Mapping, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, fmt.Errorf("%w: the file is empty", ErrMapping)
	}
	var raw map[string]any
	if err := yaml.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("%w: not valid YAML or JSON: %v", ErrMapping, err)
	}
	m := &Mapping{Columns: map[string]string{}}
	if err := m.add(raw, true); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *Mapping) add(raw map[string]any, top bool) error {
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := raw[k]
		nk := normalizeHeader(k)
		if top && (nk == "columns" || nk == "kolommen" || nk == "fields" || nk == "velden") {
			sub, ok := v.(map[string]any)
			if !ok {
				return fmt.Errorf("%w: %q must hold field: column pairs", ErrMapping, k)
			}
			if err := m.add(sub, false); err != nil {
				return err
			}
			continue
		}
		s, ok := scalar(v)
		if !ok {
			return fmt.Errorf("%w: the value of %q must be a column header, not a list or map", ErrMapping, k)
		}
		switch {
		case top && (nk == "decimal" || nk == "decimaal" || nk == "decimalseparator"):
			switch strings.ToLower(strings.TrimSpace(s)) {
			case "comma", "komma", ",":
				m.Decimal = DecimalComma
			case "dot", "punt", "point", ".":
				m.Decimal = DecimalDot
			case "", "auto":
				m.Decimal = DecimalAuto
			default:
				return fmt.Errorf("%w: decimal must be comma or dot, not %q", ErrMapping, s)
			}
		case top && nk == "crs":
			c, err := geo.ParseDataCRS(s)
			if err != nil {
				return fmt.Errorf("%w: crs %q: use EPSG:28992 (RD New) or EPSG:4326 (WGS84)", ErrMapping, s)
			}
			m.CRS = c
		default:
			f, ok := canonicalField(k)
			if !ok {
				return fmt.Errorf("%w: unknown field %q; known fields: %s", ErrMapping, k, strings.Join(canonicalNames(), ", "))
			}
			if strings.TrimSpace(s) == "" {
				return fmt.Errorf("%w: field %q names no column", ErrMapping, k)
			}
			if prev, dup := m.Columns[f]; dup && prev != s {
				return fmt.Errorf("%w: field %s is mapped twice (%q and %q)", ErrMapping, f, prev, s)
			}
			m.Columns[f] = s
		}
	}
	return nil
}

func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case int, int64, float64, bool:
		return fmt.Sprint(x), true
	case nil:
		return "", true
	}
	return "", false
}

// canonicalNames lists every canonical field name, sorted.
func canonicalNames() []string {
	seen := map[string]bool{}
	var out []string
	for _, k := range allKinds {
		for _, f := range fieldsFor(k) {
			if !seen[f.Name] {
				seen[f.Name] = true
				out = append(out, f.Name)
			}
		}
	}
	sort.Strings(out)
	return out
}
