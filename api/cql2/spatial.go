package cql2

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Intersects reports whether two planar geometries share at least one
// point (boundaries included). It handles points, line strings, polygons,
// their multi variants, collections, rings and bounds.
func Intersects(a, b orb.Geometry) bool {
	if a == nil || b == nil {
		return false
	}
	if !a.Bound().Intersects(b.Bound()) {
		return false
	}
	for _, x := range parts(a) {
		for _, y := range parts(b) {
			if x.Bound().Intersects(y.Bound()) && partsIntersect(x, y) {
				return true
			}
		}
	}
	return false
}

// parts flattens a geometry into points, line strings and polygons.
func parts(g orb.Geometry) []orb.Geometry {
	switch x := g.(type) {
	case orb.Point, orb.LineString, orb.Polygon:
		return []orb.Geometry{x}
	case orb.Ring:
		return []orb.Geometry{orb.Polygon{x}}
	case orb.Bound:
		return []orb.Geometry{x.ToPolygon()}
	case orb.MultiPoint:
		out := make([]orb.Geometry, len(x))
		for i, p := range x {
			out[i] = p
		}
		return out
	case orb.MultiLineString:
		out := make([]orb.Geometry, len(x))
		for i, l := range x {
			out[i] = l
		}
		return out
	case orb.MultiPolygon:
		out := make([]orb.Geometry, len(x))
		for i, p := range x {
			out[i] = p
		}
		return out
	case orb.Collection:
		var out []orb.Geometry
		for _, c := range x {
			out = append(out, parts(c)...)
		}
		return out
	}
	return nil
}

func partsIntersect(a, b orb.Geometry) bool {
	switch x := a.(type) {
	case orb.Point:
		switch y := b.(type) {
		case orb.Point:
			return x == y
		case orb.LineString:
			return pointOnLine(x, y)
		case orb.Polygon:
			return pointInPolygon(x, y)
		}
	case orb.LineString:
		switch y := b.(type) {
		case orb.Point:
			return pointOnLine(y, x)
		case orb.LineString:
			return linesIntersect(x, y)
		case orb.Polygon:
			return lineIntersectsPolygon(x, y)
		}
	case orb.Polygon:
		switch y := b.(type) {
		case orb.Point:
			return pointInPolygon(y, x)
		case orb.LineString:
			return lineIntersectsPolygon(y, x)
		case orb.Polygon:
			for _, r := range x {
				for _, s := range y {
					if linesIntersect(orb.LineString(r), orb.LineString(s)) {
						return true
					}
				}
			}
			return (len(x) > 0 && len(x[0]) > 0 && pointInPolygon(x[0][0], y)) ||
				(len(y) > 0 && len(y[0]) > 0 && pointInPolygon(y[0][0], x))
		}
	}
	return false
}

func pointInPolygon(p orb.Point, poly orb.Polygon) bool {
	if len(poly) == 0 {
		return false
	}
	for _, r := range poly {
		if pointOnLine(p, orb.LineString(r)) {
			return true
		}
	}
	return planar.PolygonContains(poly, p)
}

func lineIntersectsPolygon(l orb.LineString, poly orb.Polygon) bool {
	for _, r := range poly {
		if linesIntersect(l, orb.LineString(r)) {
			return true
		}
	}
	return len(l) > 0 && pointInPolygon(l[0], poly)
}

func pointOnLine(p orb.Point, l orb.LineString) bool {
	if len(l) == 1 {
		return l[0] == p
	}
	for i := 1; i < len(l); i++ {
		if orient(l[i-1], l[i], p) == 0 && onSegment(l[i-1], l[i], p) {
			return true
		}
	}
	return false
}

func linesIntersect(a, b orb.LineString) bool {
	if len(a) == 1 {
		return pointOnLine(a[0], b)
	}
	if len(b) == 1 {
		return pointOnLine(b[0], a)
	}
	for i := 1; i < len(a); i++ {
		sb := orb.Bound{Min: a[i-1], Max: a[i-1]}.Extend(a[i])
		for j := 1; j < len(b); j++ {
			if !sb.Intersects(orb.Bound{Min: b[j-1], Max: b[j-1]}.Extend(b[j])) {
				continue
			}
			if segmentsIntersect(a[i-1], a[i], b[j-1], b[j]) {
				return true
			}
		}
	}
	return false
}

// orient returns the sign of the cross product (b-a) x (c-a).
func orient(a, b, c orb.Point) int {
	v := (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// onSegment reports whether c, collinear with a and b, lies between them.
func onSegment(a, b, c orb.Point) bool {
	return min(a[0], b[0]) <= c[0] && c[0] <= max(a[0], b[0]) &&
		min(a[1], b[1]) <= c[1] && c[1] <= max(a[1], b[1])
}

func segmentsIntersect(p1, p2, q1, q2 orb.Point) bool {
	o1, o2 := orient(p1, p2, q1), orient(p1, p2, q2)
	o3, o4 := orient(q1, q2, p1), orient(q1, q2, p2)
	if o1 != o2 && o3 != o4 {
		return true
	}
	return (o1 == 0 && onSegment(p1, p2, q1)) || (o2 == 0 && onSegment(p1, p2, q2)) ||
		(o3 == 0 && onSegment(q1, q2, p1)) || (o4 == 0 && onSegment(q1, q2, p2))
}
