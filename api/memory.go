package api

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/api/cql2"
	"github.com/plekwijzer/plekwijzer/geo"
)

// MemoryCatalog is a Catalog held in memory: Tables with, per table, the
// rows in id order, a packed R-tree (geo.BoxIndex) over the geometry
// bounds, and equality indexes on text columns built on first use. Its
// content is an immutable snapshot that Replace swaps atomically, so
// readers never see a half import and never block.
//
// A query is answered from the most selective index it can use (an
// equality index of a query parameter, then the R-tree for bbox or a
// spatial filter, else a scan in id order); every other condition is
// tested on the candidate rows only, through the typed columns. Sorting
// keeps a bounded heap of offset+limit rows, and numberMatched is counted,
// not materialised: a Feature is built only for the rows passed on.
type MemoryCatalog struct {
	snap atomic.Pointer[memorySnapshot]
}

type memorySnapshot struct {
	collections []Collection
	tables      map[string]*memTable
	version     string
}

// memTable is a Table with its indexes.
type memTable struct {
	Table
	ord    []int32 // rows in id order
	rank   []int32 // rank[row] = position of row in ord
	index  *geo.BoxIndex
	points bool     // every geometry is an orb.Point: the bound test is exact
	noGeom []uint64 // bit set of the rows without geometry
	cols   map[string]*memColumn

	wgsOnce sync.Once
	wgs     []orb.Geometry // lon/lat geometries of non-point rows, built on first use
}

// memColumn is a Column with its equality index.
type memColumn struct {
	Column
	eqOnce sync.Once
	eq     map[string][]int32 // value -> rows in id order
}

// NewMemoryCatalog returns a catalog holding tables (see Replace).
func NewMemoryCatalog(tables ...Table) *MemoryCatalog {
	m := &MemoryCatalog{}
	m.Replace(tables...)
	return m
}

// Replace swaps in a new snapshot made of tables, indexing each (a table
// with an Index shares it). An empty Collection.Bound is computed from the
// geometries. A later table with the same collection ID replaces an
// earlier one.
func (m *MemoryCatalog) Replace(tables ...Table) {
	s := &memorySnapshot{
		tables:  make(map[string]*memTable, len(tables)),
		version: strconv.FormatInt(time.Now().UnixNano(), 36),
	}
	for _, t := range tables {
		mt := newMemTable(t)
		if _, dup := s.tables[t.Collection.ID]; dup {
			for i := range s.collections {
				if s.collections[i].ID == t.Collection.ID {
					s.collections[i] = mt.Collection
				}
			}
		} else {
			s.collections = append(s.collections, mt.Collection)
		}
		s.tables[t.Collection.ID] = mt
	}
	m.snap.Store(s)
}

func newMemTable(t Table) *memTable {
	mt := &memTable{Table: t, cols: make(map[string]*memColumn, len(t.Columns)), points: true}
	for _, c := range t.Columns {
		mt.cols[c.Name] = &memColumn{Column: c}
	}
	mt.ord = make([]int32, t.Len)
	sorted := true
	for i := range mt.ord {
		mt.ord[i] = int32(i)
		if i > 0 && sorted && CompareIDs(t.ID(i-1), t.ID(i)) > 0 {
			sorted = false
		}
	}
	if !sorted {
		slices.SortStableFunc(mt.ord, func(a, b int32) int { return CompareIDs(t.ID(int(a)), t.ID(int(b))) })
	}
	mt.rank = make([]int32, t.Len)
	for pos, row := range mt.ord {
		mt.rank[row] = int32(pos)
	}
	mt.noGeom = make([]uint64, (t.Len+63)/64)
	for row := range t.Len {
		switch t.Geometry(row).(type) {
		case nil:
			mt.noGeom[row/64] |= 1 << (row % 64)
		case orb.Point:
		default:
			mt.points = false
		}
	}
	mt.index = t.Index
	if mt.index == nil || mt.index.Len() != t.Len {
		mt.index = geo.NewBoxIndex(t.Len, func(row int) (orb.Bound, bool) {
			g := t.Geometry(row)
			if g == nil {
				return orb.Bound{}, false
			}
			return g.Bound(), true
		})
	}
	if mt.Collection.Bound == (orb.Bound{}) {
		first := true
		for row := range t.Len {
			if t.Geometry(row) == nil {
				continue
			}
			if b := mt.index.Bound(row); first {
				mt.Collection.Bound, first = b, false
			} else {
				mt.Collection.Bound = mt.Collection.Bound.Union(b)
			}
		}
	}
	return mt
}

func (m *MemoryCatalog) table(ctx context.Context, collection string) (*memTable, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	t, ok := m.snap.Load().tables[collection]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrCollectionNotFound, collection)
	}
	return t, nil
}

// Collections implements Catalog.
func (m *MemoryCatalog) Collections(ctx context.Context) ([]Collection, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return m.snap.Load().collections, nil
}

// Version implements Versioned: it changes with every Replace.
func (m *MemoryCatalog) Version() string { return m.snap.Load().version }

// Item implements Catalog.
func (m *MemoryCatalog) Item(ctx context.Context, collection, id string) (*Feature, error) {
	t, err := m.table(ctx, collection)
	if err != nil {
		return nil, err
	}
	pos, found := slices.BinarySearchFunc(t.ord, id, func(row int32, id string) int { return CompareIDs(t.ID(int(row)), id) })
	if !found || t.ID(int(t.ord[pos])) != id {
		return nil, fmt.Errorf("%w: %s has no feature with id %q", ErrFeatureNotFound, collection, id)
	}
	return t.feature(int(t.ord[pos])), nil
}

// feature materialises one row.
func (t *memTable) feature(row int) *Feature {
	props := make(map[string]any, len(t.Collection.Properties))
	for _, c := range t.Columns {
		props[c.Name] = c.Value(row)
	}
	if t.Compute != nil {
		t.Compute(row, props)
	}
	return &Feature{ID: t.ID(row), Geometry: t.Geometry(row), Properties: props}
}

// hasGeometry reports whether the row has a geometry.
func (t *memTable) hasGeometry(row int) bool { return t.noGeom[row/64]&(1<<(row%64)) == 0 }

// lonLat returns the row's geometry in lon/lat.
func (t *memTable) lonLat(row int) orb.Geometry {
	if t.points {
		return geo.RDToWGS84(t.index.Bound(row).Min)
	}
	g := t.Geometry(row)
	if p, ok := g.(orb.Point); ok {
		return geo.RDToWGS84(p)
	}
	if g == nil {
		return nil
	}
	t.wgsOnce.Do(func() {
		t.wgs = make([]orb.Geometry, t.Len)
		for r := range t.Len {
			if g := t.Geometry(r); g != nil {
				if _, ok := g.(orb.Point); !ok {
					t.wgs[r] = geo.FromRD(g, geo.CRS84)
				}
			}
		}
	})
	return t.wgs[row]
}

// equality returns the rows (in id order) whose text column c equals v,
// building the column's index on first use.
func (c *memColumn) equality(t *memTable, v string) []int32 {
	c.eqOnce.Do(func() {
		c.eq = map[string][]int32{}
		for _, row := range t.ord {
			s := c.Str(int(row))
			c.eq[s] = append(c.eq[s], row)
		}
	})
	return c.eq[v]
}

// record adapts a row to cql2.Record.
type record struct {
	t   *memTable
	row int
}

func (r record) Property(name string) (any, bool) {
	c, ok := r.t.cols[name]
	if !ok {
		return nil, false
	}
	return c.Value(r.row), true
}

func (r record) Geometry() orb.Geometry { return r.t.Geometry(r.row) }

var _ cql2.Record = record{}
