package geo

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Distance returns the planar distance from p to g in the units of the
// coordinates (metres for RD New). It is 0 when p lies inside or on a
// polygon (holes excluded), otherwise the distance to the nearest point,
// segment or ring of g. A nil or empty geometry gives +Inf.
func Distance(p orb.Point, g orb.Geometry) float64 {
	return math.Sqrt(distance2(p, g))
}

// distance2 returns the squared planar distance from p to g.
func distance2(p orb.Point, g orb.Geometry) float64 {
	switch g := g.(type) {
	case orb.Point:
		dx, dy := g[0]-p[0], g[1]-p[1]
		return dx*dx + dy*dy
	case orb.MultiPoint:
		best := math.Inf(1)
		for _, q := range g {
			dx, dy := q[0]-p[0], q[1]-p[1]
			best = min(best, dx*dx+dy*dy)
		}
		return best
	case orb.LineString:
		return pathDistance2(p, g, math.Inf(1))
	case orb.MultiLineString:
		best := math.Inf(1)
		for _, ls := range g {
			best = pathDistance2(p, ls, best)
		}
		return best
	case orb.Ring:
		if ringContains(g, p) {
			return 0
		}
		return ringDistance2(p, g, math.Inf(1))
	case orb.Polygon:
		return polygonDistance2(p, g)
	case orb.MultiPolygon:
		best := math.Inf(1)
		for _, poly := range g {
			best = min(best, polygonDistance2(p, poly))
			if best == 0 {
				return 0
			}
		}
		return best
	case orb.Bound:
		dx := max(g.Min[0]-p[0], 0, p[0]-g.Max[0])
		dy := max(g.Min[1]-p[1], 0, p[1]-g.Max[1])
		return dx*dx + dy*dy
	case orb.Collection:
		best := math.Inf(1)
		for _, c := range g {
			best = min(best, distance2(p, c))
		}
		return best
	}
	return math.Inf(1)
}

func polygonDistance2(p orb.Point, poly orb.Polygon) float64 {
	if len(poly) == 0 || len(poly[0]) == 0 {
		return math.Inf(1)
	}
	if polygonContains(poly, p) {
		return 0
	}
	best := math.Inf(1)
	for _, r := range poly {
		best = ringDistance2(p, r, best)
	}
	return best
}

// pathDistance2 returns min(best, squared distance from p to the path).
func pathDistance2(p orb.Point, ls []orb.Point, best float64) float64 {
	switch len(ls) {
	case 0:
		return best
	case 1:
		dx, dy := ls[0][0]-p[0], ls[0][1]-p[1]
		return min(best, dx*dx+dy*dy)
	}
	for i := 1; i < len(ls); i++ {
		best = min(best, segmentDistance2(p, ls[i-1], ls[i]))
	}
	return best
}

// ringDistance2 is pathDistance2 including the closing segment.
func ringDistance2(p orb.Point, r []orb.Point, best float64) float64 {
	best = pathDistance2(p, r, best)
	if n := len(r); n > 1 && r[0] != r[n-1] {
		best = min(best, segmentDistance2(p, r[n-1], r[0]))
	}
	return best
}

// segmentDistance2 returns the squared distance from p to segment a-b.
func segmentDistance2(p, a, b orb.Point) float64 {
	x, y := a[0], a[1]
	dx, dy := b[0]-x, b[1]-y
	if dx != 0 || dy != 0 {
		t := ((p[0]-x)*dx + (p[1]-y)*dy) / (dx*dx + dy*dy)
		if t > 1 {
			x, y = b[0], b[1]
		} else if t > 0 {
			x += dx * t
			y += dy * t
		}
	}
	dx, dy = p[0]-x, p[1]-y
	return dx*dx + dy*dy
}

// ringContains reports whether p is inside or on ring r (closed or not).
func ringContains(r orb.Ring, p orb.Point) bool {
	if len(r) < 3 {
		return false
	}
	return planar.RingContains(r, p)
}

// polygonContains reports whether p is inside or on the boundary of poly
// and not strictly inside one of its holes.
func polygonContains(poly orb.Polygon, p orb.Point) bool {
	if len(poly) == 0 || !ringContains(poly[0], p) {
		return false
	}
	for _, h := range poly[1:] {
		if ringContains(h, p) && !onRing(h, p) {
			return false
		}
	}
	return true
}

// onRing reports whether p lies exactly on the boundary of r.
func onRing(r orb.Ring, p orb.Point) bool {
	return ringDistance2(p, r, math.Inf(1)) == 0
}

// Contains reports whether polygonal g (Polygon, MultiPolygon, Ring or
// Bound, or a Collection holding one) contains p. Points on the boundary
// count as inside, points in a hole do not. Other geometries contain
// nothing.
func Contains(g orb.Geometry, p orb.Point) bool {
	switch g := g.(type) {
	case orb.Polygon:
		return polygonContains(g, p)
	case orb.MultiPolygon:
		for _, poly := range g {
			if polygonContains(poly, p) {
				return true
			}
		}
	case orb.Ring:
		return ringContains(g, p)
	case orb.Bound:
		return g.Contains(p)
	case orb.Collection:
		for _, c := range g {
			if Contains(c, p) {
				return true
			}
		}
	}
	return false
}

// Centroid returns the planar centroid of g: the point itself for a Point,
// the mean for a MultiPoint, the length-weighted midpoint for lines and the
// area-weighted centroid for polygons (orb/planar.CentroidArea). A nil or
// empty geometry returns the zero point.
func Centroid(g orb.Geometry) orb.Point {
	switch g := g.(type) {
	case nil:
		return orb.Point{}
	case orb.Point:
		return g
	case orb.Polygon:
		if len(g) == 0 || len(g[0]) == 0 {
			return orb.Point{}
		}
	case orb.MultiPolygon:
		if len(g) == 0 {
			return orb.Point{}
		}
	case orb.Ring:
		if len(g) == 0 {
			return orb.Point{}
		}
	case orb.LineString:
		if len(g) == 0 {
			return orb.Point{}
		}
	case orb.MultiPoint:
		if len(g) == 0 {
			return orb.Point{}
		}
	}
	c, _ := planar.CentroidArea(g)
	return c
}

// Area returns the planar area of g (square metres for RD New); holes are
// subtracted and the result is never negative. Points and lines have area 0.
func Area(g orb.Geometry) float64 {
	switch g := g.(type) {
	case orb.Ring:
		return math.Abs(ringArea(g))
	case orb.Polygon:
		return polygonArea(g)
	case orb.MultiPolygon:
		a := 0.0
		for _, p := range g {
			a += polygonArea(p)
		}
		return a
	case orb.Bound:
		return (g.Max[0] - g.Min[0]) * (g.Max[1] - g.Min[1])
	case orb.Collection:
		a := 0.0
		for _, c := range g {
			a += Area(c)
		}
		return a
	}
	return 0
}

func polygonArea(p orb.Polygon) float64 {
	if len(p) == 0 {
		return 0
	}
	a := math.Abs(ringArea(p[0]))
	for _, h := range p[1:] {
		a -= math.Abs(ringArea(h))
	}
	return max(a, 0)
}

// ringArea returns the signed shoelace area of r (positive when counter-
// clockwise); the ring need not be closed.
func ringArea(r []orb.Point) float64 {
	n := len(r)
	if n < 3 {
		return 0
	}
	ox, oy := r[0][0], r[0][1] // shift to the origin against round-off
	s := 0.0
	for i := 1; i < n-1; i++ {
		s += (r[i][0]-ox)*(r[i+1][1]-oy) - (r[i+1][0]-ox)*(r[i][1]-oy)
	}
	return s / 2
}
