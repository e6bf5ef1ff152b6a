package geo

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
	for _, x := range intersectParts(a) {
		for _, y := range intersectParts(b) {
			if x.Bound().Intersects(y.Bound()) && partsIntersect(x, y) {
				return true
			}
		}
	}
	return false
}

// parts flattens a geometry into points, line strings and polygons.
func intersectParts(g orb.Geometry) []orb.Geometry {
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
			out = append(out, intersectParts(c)...)
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
			return pointOnLineString(x, y)
		case orb.Polygon:
			return pointInPolygonOrBoundary(x, y)
		}
	case orb.LineString:
		switch y := b.(type) {
		case orb.Point:
			return pointOnLineString(y, x)
		case orb.LineString:
			return linesIntersect(x, y)
		case orb.Polygon:
			return lineIntersectsPolygon(x, y)
		}
	case orb.Polygon:
		switch y := b.(type) {
		case orb.Point:
			return pointInPolygonOrBoundary(y, x)
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
			return (len(x) > 0 && len(x[0]) > 0 && pointInPolygonOrBoundary(x[0][0], y)) ||
				(len(y) > 0 && len(y[0]) > 0 && pointInPolygonOrBoundary(y[0][0], x))
		}
	}
	return false
}

func pointInPolygonOrBoundary(p orb.Point, poly orb.Polygon) bool {
	if len(poly) == 0 {
		return false
	}
	for _, r := range poly {
		if pointOnLineString(p, orb.LineString(r)) {
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
	return len(l) > 0 && pointInPolygonOrBoundary(l[0], poly)
}

func pointOnLineString(p orb.Point, l orb.LineString) bool {
	if len(l) == 1 {
		return l[0] == p
	}
	for i := 1; i < len(l); i++ {
		if orient(l[i-1], l[i], p) == 0 && inBox(l[i-1], l[i], p) {
			return true
		}
	}
	return false
}

func linesIntersect(a, b orb.LineString) bool {
	if len(a) == 1 {
		return pointOnLineString(a[0], b)
	}
	if len(b) == 1 {
		return pointOnLineString(b[0], a)
	}
	for i := 1; i < len(a); i++ {
		sb := orb.Bound{Min: a[i-1], Max: a[i-1]}.Extend(a[i])
		for j := 1; j < len(b); j++ {
			if !sb.Intersects(orb.Bound{Min: b[j-1], Max: b[j-1]}.Extend(b[j])) {
				continue
			}
			if _, ok := segmentIntersection(a[i-1], a[i], b[j-1], b[j]); ok {
				return true
			}
		}
	}
	return false
}
