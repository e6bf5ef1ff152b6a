package geo

import "github.com/paulmach/orb"

// Project returns a deep copy of g with every point passed through fn.
// A nil geometry returns nil. An orb.Bound is projected corner by corner and
// re-normalised, which is exact only for axis-preserving functions.
func Project(g orb.Geometry, fn func(orb.Point) orb.Point) orb.Geometry {
	switch g := g.(type) {
	case nil:
		return nil
	case orb.Point:
		return fn(g)
	case orb.MultiPoint:
		return orb.MultiPoint(projectPoints(g, fn))
	case orb.LineString:
		return orb.LineString(projectPoints(g, fn))
	case orb.Ring:
		return orb.Ring(projectPoints(g, fn))
	case orb.MultiLineString:
		out := make(orb.MultiLineString, len(g))
		for i, ls := range g {
			out[i] = projectPoints(ls, fn)
		}
		return out
	case orb.Polygon:
		return projectPolygon(g, fn)
	case orb.MultiPolygon:
		out := make(orb.MultiPolygon, len(g))
		for i, p := range g {
			out[i] = projectPolygon(p, fn)
		}
		return out
	case orb.Collection:
		out := make(orb.Collection, len(g))
		for i, c := range g {
			out[i] = Project(c, fn)
		}
		return out
	case orb.Bound:
		a, b := fn(g.Min), fn(g.Max)
		return orb.Bound{Min: a, Max: a}.Extend(b)
	}
	return orb.Clone(g)
}

func projectPoints[S ~[]orb.Point](ps S, fn func(orb.Point) orb.Point) S {
	if ps == nil {
		return nil
	}
	out := make(S, len(ps))
	for i, p := range ps {
		out[i] = fn(p)
	}
	return out
}

func projectPolygon(p orb.Polygon, fn func(orb.Point) orb.Point) orb.Polygon {
	if p == nil {
		return nil
	}
	out := make(orb.Polygon, len(p))
	for i, r := range p {
		out[i] = projectPoints(r, fn)
	}
	return out
}

func identity(p orb.Point) orb.Point { return p }

// ToRD returns g (in from) converted to RD New. g in RD New is returned as a copy.
// For a CRS other than RDNew, WGS84 or CRS84 ToRD returns nil: parse CRS
// names with ParseCRS first.
func ToRD(g orb.Geometry, from CRS) orb.Geometry {
	switch from {
	case RDNew:
		return Project(g, identity)
	case WGS84, CRS84:
		return Project(g, WGS84ToRD)
	}
	return nil
}

// FromRD returns g (in RD New) converted to the CRS to, as a copy. Both
// WGS84 and CRS84 give lon/lat points. For an unsupported CRS it returns nil.
func FromRD(g orb.Geometry, to CRS) orb.Geometry {
	switch to {
	case RDNew:
		return Project(g, identity)
	case WGS84, CRS84:
		return Project(g, RDToWGS84)
	}
	return nil
}
