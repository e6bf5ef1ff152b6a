package api

import (
	"context"
	"errors"
	"strconv"

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
// but a Computed one is queryable: it can be used as a query parameter, in
// sortby and in filter.
type Property struct {
	Name        string
	Type        string // TypeString, TypeNumber, TypeInteger, TypeBoolean or TypeDate
	Title       string // optional human title
	Description string
	// Computed properties (explanations) are built on demand for the
	// features a response holds; they are not queryable and cannot be
	// sorted or filtered on.
	Computed bool
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

// Queryable returns the queryable (not Computed) property called name.
func (c Collection) Queryable(name string) (Property, bool) {
	p, ok := c.Property(name)
	return p, ok && !p.Computed
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
// those. A catalog materialises Features only for what a response holds.
type Feature struct {
	ID         string
	Geometry   orb.Geometry
	Properties map[string]any
}

// Catalog is where the server reads collections and features from, in the
// shape of pg_featureserv's catalog: the handlers parse and validate the
// request into a Query, the catalog selects, sorts and pages. Implementations
// must be safe for concurrent use and honour ctx in long work; returned
// values must not be modified by either side.
type Catalog interface {
	// Collections lists the collections in a stable order.
	Collections(ctx context.Context) ([]Collection, error)
	// Items selects the features of collection that match q, orders them by
	// q.Sort (then by ID, see CompareIDs) and calls fn for those from
	// q.Offset on, at most q.Limit of them (all when q.Limit < 0), until fn
	// returns an error. It returns the number of matching features
	// (numberMatched), or an error wrapping ErrCollectionNotFound.
	Items(ctx context.Context, collection string, q Query, fn func(*Feature) error) (matched int, err error)
	// Item returns one feature, or an error wrapping ErrCollectionNotFound
	// or ErrFeatureNotFound.
	Item(ctx context.Context, collection, id string) (*Feature, error)
}

// ErrFeatureNotFound is returned by a Catalog for an unknown feature id.
var ErrFeatureNotFound = errors.New("feature not found")

// Versioned is implemented by catalogs that can tell when their content
// changed; the server then derives ETags from the version and the URL
// without hashing response bodies, and reports the version time as timeStamp.
type Versioned interface {
	// Version changes whenever any collection or feature changes. It must
	// differ between process restarts that may hold different data.
	Version() string
}

// Layer is one collection with materialised features: the convenient form
// for small collections (municipalities, regions, context layers) and tests.
// MemoryCatalog holds it as a Table (see LayerTable).
type Layer struct {
	Collection Collection
	Features   []Feature
}

// CompareIDs orders feature IDs: numerically when both are integers,
// otherwise as strings, so "2" comes before "10".
func CompareIDs(a, b string) int {
	x, errA := parseID(a)
	y, errB := parseID(b)
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

// errNotInteger is parseID's answer for ids that are not integers; it
// avoids ParseInt's allocated error on the common path (site ids).
var errNotInteger = errors.New("not an integer")

func parseID(s string) (int64, error) {
	if s == "" || (s[0] != '-' && s[0] != '+' && (s[0] < '0' || s[0] > '9')) {
		return 0, errNotInteger
	}
	return strconv.ParseInt(s, 10, 64)
}
