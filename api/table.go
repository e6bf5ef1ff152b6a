package api

import (
	"time"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/geo"
)

// Table is one collection held as typed columns over rows 0..Len-1: the
// unit MemoryCatalog indexes. Columns read the rows where they already are
// (the store's sites, the scoring engine's compact entries), so a table of
// a million sites costs a few bytes per row beyond those records, and a
// Feature is built only for the rows a response holds.
type Table struct {
	Collection Collection
	Len        int
	// ID returns the feature id of a row; ids are unique.
	ID func(row int) string
	// Geometry returns the row's geometry in RD New, or nil.
	Geometry func(row int) orb.Geometry
	// Columns read the queryable properties, one per property of the
	// collection that is not Computed, in any order.
	Columns []Column
	// Compute, when set, fills the Computed properties of a row into props
	// (the explanation of a score, built by the engine on demand).
	Compute func(row int, props map[string]any)
	// Index, when set, is a BoxIndex over the rows' geometry bounds, to
	// share one index between tables over the same rows in the same order
	// (a site collection and the candidate collection of its kind).
	Index *geo.BoxIndex
}

// Column reads one queryable property of every row of a Table.
type Column struct {
	Name string
	// Value returns the row's value as served: nil, bool, string, int,
	// float64 or a "2006-01-02" date string.
	Value func(row int) any
	// Num, when set, reads a number without boxing (false: null), for
	// sorting and filtering.
	Num func(row int) (float64, bool)
	// Str, when set, reads text without boxing, for sorting, filtering and
	// the equality index of query parameters such as gemeente=GM0344.
	Str func(row int) string
}

// StringColumn reads text.
func StringColumn(name string, get func(row int) string) Column {
	return Column{Name: name, Str: get, Value: func(row int) any { return get(row) }}
}

// NumberColumn reads a number; ok false is null.
func NumberColumn(name string, get func(row int) (float64, bool)) Column {
	return Column{Name: name, Num: get, Value: func(row int) any {
		if v, ok := get(row); ok {
			return v
		}
		return nil
	}}
}

// IntColumn reads an integer, served as a JSON integer; ok false is null.
func IntColumn(name string, get func(row int) (int, bool)) Column {
	return Column{Name: name,
		Num: func(row int) (float64, bool) {
			v, ok := get(row)
			return float64(v), ok
		},
		Value: func(row int) any {
			if v, ok := get(row); ok {
				return v
			}
			return nil
		}}
}

// BoolColumn reads a boolean.
func BoolColumn(name string, get func(row int) bool) Column {
	return Column{Name: name, Value: func(row int) any { return get(row) }}
}

// DateColumn reads an optional date, served as "2006-01-02". It has no
// Str accessor: a missing date is null (sorted last), not empty text.
func DateColumn(name string, get func(row int) *time.Time) Column {
	return Column{Name: name, Value: func(row int) any {
		if t := get(row); t != nil {
			return t.Format(time.DateOnly)
		}
		return nil
	}}
}

// Table returns the layer as a Table whose columns read the features'
// property maps.
func (l Layer) Table() Table {
	fs := l.Features
	t := Table{
		Collection: l.Collection,
		Len:        len(fs),
		ID:         func(row int) string { return fs[row].ID },
		Geometry:   func(row int) orb.Geometry { return fs[row].Geometry },
	}
	for _, p := range l.Collection.Properties {
		if p.Computed {
			continue
		}
		name := p.Name
		t.Columns = append(t.Columns, Column{Name: name, Value: func(row int) any { return fs[row].Properties[name] }})
	}
	var computed []string
	for _, p := range l.Collection.Properties {
		if p.Computed {
			computed = append(computed, p.Name)
		}
	}
	if len(computed) > 0 {
		t.Compute = func(row int, props map[string]any) {
			for _, name := range computed {
				props[name] = fs[row].Properties[name]
			}
		}
	}
	return t
}

// Tables returns the layers as Tables.
func Tables(layers ...Layer) []Table {
	out := make([]Table, len(layers))
	for i, l := range layers {
		out[i] = l.Table()
	}
	return out
}
