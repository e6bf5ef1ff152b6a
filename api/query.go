package api

import (
	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/api/cql2"
	"github.com/plekwijzer/plekwijzer/geo"
)

// Query is a validated items request as the handlers pass it to a Catalog:
// every part is already checked against the collection's queryables.
type Query struct {
	// BBox selects the features whose geometry intersects it; nil for none.
	BBox *BBox
	// Props are equality filters from query parameters named after a
	// queryable (gemeente=GM0344); values are string, float64, bool or
	// time.Time as parsed for the property's type.
	Props []PropertyFilter
	// Filter is a CQL2 filter with its geometry literals in RD New.
	Filter *cql2.Filter
	// Sort orders the matches; ties (and no Sort) go by ID (CompareIDs).
	Sort []SortKey
	// Offset skips the first matches; Limit caps the features passed on
	// (negative: all of them).
	Offset, Limit int
}

// BBox is the bbox parameter in the storage CRS, with what an exact test
// needs in the CRS it was given in.
type BBox struct {
	// RD is the RD New bound of the box: what a spatial index searches.
	// For a geographic box it covers the whole lon/lat rectangle.
	RD orb.Bound
	// LonLat, for a box given in CRS84 or EPSG:4326, is the rectangle in
	// lon/lat: a feature matches when its geometry, converted to lon/lat,
	// intersects it. Nil for a box in RD New, which is tested against RD.
	LonLat *orb.Bound
}

// NewBBox returns the BBox of a box b given in crs, in the axis order of
// crs (lat/lon for EPSG:4326).
func NewBBox(b orb.Bound, crs geo.CRS) *BBox {
	if !crs.Geographic() {
		return &BBox{RD: b}
	}
	ll := b
	if crs == geo.WGS84 {
		ll = orb.Bound{Min: orb.Point{b.Min[1], b.Min[0]}, Max: orb.Point{b.Max[1], b.Max[0]}}
	}
	// The RD image of a lon/lat rectangle is bounded by its densified
	// outline (meridians and parallels bend slightly in RD New).
	rd := geometryToStorage(ll, geo.CRS84).Bound()
	return &BBox{RD: rd, LonLat: &ll}
}

// PropertyFilter is an equality filter on one queryable property.
type PropertyFilter struct {
	Name  string
	Value any
}

// SortKey is one property of sortby; "id" sorts by feature id.
type SortKey struct {
	Name string
	Desc bool
}
