package api

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/plekwijzer/plekwijzer/geo"
)

// supportedCRS lists the CRSs every collection offers, default first.
var supportedCRS = [...]geo.CRS{geo.CRS84, geo.WGS84, geo.RDNew}

func crsURIs() []string {
	out := make([]string, len(supportedCRS))
	for i, c := range supportedCRS {
		out[i] = c.URI()
	}
	return out
}

// toStorage converts one point given in crs (in that CRS's axis order:
// lat/lon for EPSG:4326) to RD New.
func toStorage(p orb.Point, crs geo.CRS) orb.Point {
	switch crs {
	case geo.CRS84:
		return geo.WGS84ToRD(p)
	case geo.WGS84:
		return geo.WGS84ToRD(orb.Point{p[1], p[0]})
	}
	return p
}

// densifyStep is the longest segment, in degrees, kept straight when a
// geographic geometry is brought to RD New (about 1 km).
const densifyStep = 0.01

// geometryToStorage converts a geometry given in crs to RD New. Bounds
// become polygons, and long geographic segments are densified first so
// that their curvature in RD New is kept.
func geometryToStorage(g orb.Geometry, crs geo.CRS) orb.Geometry {
	if b, ok := g.(orb.Bound); ok {
		g = b.ToPolygon()
	}
	if crs == geo.RDNew {
		return geo.Project(g, func(p orb.Point) orb.Point { return p })
	}
	g = densify(g)
	return geo.Project(g, func(p orb.Point) orb.Point { return toStorage(p, crs) })
}

func densify(g orb.Geometry) orb.Geometry {
	switch x := g.(type) {
	case orb.LineString:
		return orb.LineString(densifyPoints(x))
	case orb.Ring:
		return orb.Ring(densifyPoints(x))
	case orb.Polygon:
		out := make(orb.Polygon, len(x))
		for i, r := range x {
			out[i] = orb.Ring(densifyPoints(r))
		}
		return out
	case orb.MultiLineString:
		out := make(orb.MultiLineString, len(x))
		for i, l := range x {
			out[i] = densifyPoints(l)
		}
		return out
	case orb.MultiPolygon:
		out := make(orb.MultiPolygon, len(x))
		for i, p := range x {
			out[i] = densify(p).(orb.Polygon)
		}
		return out
	}
	return g
}

func densifyPoints[S ~[]orb.Point](ps S) S {
	if len(ps) < 2 {
		return ps
	}
	out := S{ps[0]}
	for i := 1; i < len(ps); i++ {
		a, b := ps[i-1], ps[i]
		n := int(math.Ceil(math.Max(math.Abs(b[0]-a[0]), math.Abs(b[1]-a[1])) / densifyStep))
		n = min(max(n, 1), 100)
		for k := 1; k < n; k++ {
			t := float64(k) / float64(n)
			out = append(out, orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])})
		}
		out = append(out, b)
	}
	return out
}

// fromStorage converts an RD New geometry to crs for output: polygons
// follow the right-hand rule (exterior rings counter-clockwise, holes
// clockwise, as RFC 7946 asks), coordinates are rounded to 7 decimals for
// degrees (about 1 cm) and 3 for metres, and EPSG:4326 gets lat/lon order.
func fromStorage(g orb.Geometry, crs geo.CRS) orb.Geometry {
	if g == nil {
		return nil
	}
	var out orb.Geometry
	switch crs {
	case geo.CRS84:
		out = geo.Project(g, func(p orb.Point) orb.Point { return roundPoint(geo.RDToWGS84(p), 1e7) })
	case geo.WGS84:
		out = geo.Project(g, func(p orb.Point) orb.Point { return roundPoint(geo.RDToWGS84(p), 1e7) })
	default:
		out = geo.Project(g, func(p orb.Point) orb.Point { return roundPoint(p, 1e3) })
	}
	rightHand(out)
	if crs == geo.WGS84 {
		out = geo.Project(out, func(p orb.Point) orb.Point { return orb.Point{p[1], p[0]} })
	}
	return out
}

func roundPoint(p orb.Point, f float64) orb.Point {
	return orb.Point{math.Round(p[0]*f) / f, math.Round(p[1]*f) / f}
}

// rightHand orients the rings of g in place (g must not be shared).
func rightHand(g orb.Geometry) {
	switch x := g.(type) {
	case orb.Polygon:
		orientPolygon(x)
	case orb.MultiPolygon:
		for _, p := range x {
			orientPolygon(p)
		}
	case orb.Collection:
		for _, c := range x {
			rightHand(c)
		}
	}
}

func orientPolygon(p orb.Polygon) {
	for i, r := range p {
		if len(r) < 4 {
			continue
		}
		want := orb.CCW
		if i > 0 {
			want = orb.CW
		}
		if o := r.Orientation(); o != 0 && o != want {
			r.Reverse()
		}
	}
}

// boundToCRS84 returns the CRS84 bounding box [minlon, minlat, maxlon,
// maxlat] of an RD New bound (edges densified, so it covers the whole bound).
func boundToCRS84(b orb.Bound) []float64 {
	if b == (orb.Bound{}) {
		return nil
	}
	ring := b.ToRing()
	var pts []orb.Point
	for i := 1; i < len(ring); i++ {
		a, c := ring[i-1], ring[i]
		for k := 0; k < 10; k++ {
			t := float64(k) / 10
			pts = append(pts, geo.RDToWGS84(orb.Point{a[0] + t*(c[0]-a[0]), a[1] + t*(c[1]-a[1])}))
		}
	}
	w := orb.MultiPoint(pts).Bound()
	floor := func(v float64) float64 { return math.Floor(v*1e6) / 1e6 }
	ceil := func(v float64) float64 { return math.Ceil(v*1e6) / 1e6 }
	return []float64{floor(w.Min[0]), floor(w.Min[1]), ceil(w.Max[0]), ceil(w.Max[1])}
}
