package api

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb"
)

// ErrCollectionNotFound is returned by a Catalog for an unknown collection id.
var ErrCollectionNotFound = errors.New("collection not found")

// Property types of a collection's queryable properties.
const (
	TypeString  = "string"
	TypeNumber  = "number"
	TypeInteger = "integer"
	TypeBoolean = "boolean"
	TypeDate    = "date" // values are time.Time or "2006-01-02" strings
)

// Property describes one feature property of a collection. Every property
// is queryable: it can be used as a query parameter, in sortby and in filter.
type Property struct {
	Name        string
	Type        string // TypeString, TypeNumber, TypeInteger, TypeBoolean or TypeDate
	Title       string // optional human title
	Description string
}

// Collection describes a feature collection.
type Collection struct {
	ID          string // URL-safe, e.g. "kandidaten-flexwonen"
	Title       string
	Description string
	Keywords    []string
	// Bound is the spatial extent in RD New; a zero Bound is computed from
	// the features by MemoryCatalog.
	Bound      orb.Bound
	Properties []Property
}

// Property returns the property called name.
func (c Collection) Property(name string) (Property, bool) {
	for _, p := range c.Properties {
		if p.Name == name {
			return p, true
		}
	}
	return Property{}, false
}

// Feature is one feature, with its geometry in RD New (EPSG:28992, metres).
// Property values are nil, bool, string, numbers, time.Time or pointers to
// those.
type Feature struct {
	ID         string
	Geometry   orb.Geometry
	Properties map[string]any
}

// Catalog is where the server reads collections and features from.
// Implementations must be safe for concurrent use; returned slices must not
// be modified by either side.
type Catalog interface {
	// Collections lists the collections in a stable order.
	Collections(ctx context.Context) ([]Collection, error)
	// Features returns all features of a collection in stable order of ID
	// (see CompareIDs), or an error wrapping ErrCollectionNotFound.
	Features(ctx context.Context, collection string) ([]Feature, error)
}

// Versioned is implemented by catalogs that can tell when their content
// changed; the server then derives ETags from the version and the URL
// without hashing response bodies, and reports the version time as timeStamp.
type Versioned interface {
	// Version changes whenever any collection or feature changes. It must
	// differ between process restarts that may hold different data.
	Version() string
}

// Layer is one collection with its features, the unit MemoryCatalog holds.
type Layer struct {
	Collection Collection
	Features   []Feature
}

// MemoryCatalog is a Catalog held in memory. Its content is an immutable
// snapshot that Replace swaps atomically, so readers never see a half
// import and never block.
type MemoryCatalog struct {
	snap atomic.Pointer[memorySnapshot]
}

type memorySnapshot struct {
	collections []Collection
	features    map[string][]Feature
	version     string
}

// NewMemoryCatalog returns a catalog holding layers (see Replace).
func NewMemoryCatalog(layers ...Layer) *MemoryCatalog {
	m := &MemoryCatalog{}
	m.Replace(layers...)
	return m
}

// Replace swaps in a new snapshot made of layers. Features are copied into
// ID order (the Feature values themselves are shared: do not modify them
// afterwards); an empty Collection.Bound is computed from the geometries.
// A later layer with the same collection ID replaces an earlier one.
func (m *MemoryCatalog) Replace(layers ...Layer) {
	s := &memorySnapshot{
		features: make(map[string][]Feature, len(layers)),
		version:  strconv.FormatInt(time.Now().UnixNano(), 36),
	}
	for _, l := range layers {
		fs := slices.Clone(l.Features)
		slices.SortStableFunc(fs, func(a, b Feature) int { return CompareIDs(a.ID, b.ID) })
		c := l.Collection
		if c.Bound == (orb.Bound{}) {
			c.Bound = featuresBound(fs)
		}
		if _, dup := s.features[c.ID]; dup {
			for i := range s.collections {
				if s.collections[i].ID == c.ID {
					s.collections[i] = c
				}
			}
		} else {
			s.collections = append(s.collections, c)
		}
		s.features[c.ID] = fs
	}
	m.snap.Store(s)
}

// Collections implements Catalog.
func (m *MemoryCatalog) Collections(ctx context.Context) ([]Collection, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return m.snap.Load().collections, nil
}

// Features implements Catalog.
func (m *MemoryCatalog) Features(ctx context.Context, collection string) ([]Feature, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	fs, ok := m.snap.Load().features[collection]
	if !ok {
		return nil, ErrCollectionNotFound
	}
	return fs, nil
}

// Version implements Versioned: it changes with every Replace.
func (m *MemoryCatalog) Version() string { return m.snap.Load().version }

func featuresBound(fs []Feature) orb.Bound {
	var b orb.Bound
	first := true
	for _, f := range fs {
		if f.Geometry == nil {
			continue
		}
		fb := f.Geometry.Bound()
		if first {
			b, first = fb, false
		} else {
			b = b.Union(fb)
		}
	}
	return b
}

// CompareIDs orders feature IDs: numerically when both are integers,
// otherwise as strings, so "2" comes before "10".
func CompareIDs(a, b string) int {
	x, errA := strconv.ParseInt(a, 10, 64)
	y, errB := strconv.ParseInt(b, 10, 64)
	switch {
	case errA == nil && errB == nil:
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	case errA == nil:
		return -1
	case errB == nil:
		return 1
	}
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
