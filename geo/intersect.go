package geo

import (
	"slices"

	"github.com/paulmach/orb"
)

// orient returns twice the signed area of triangle a, b, c: positive when
// c lies left of a->b, negative when right, zero when collinear.
func orient(a, b, c orb.Point) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}

// inBox reports whether p lies in the bounding box of a and b; with p
// collinear to a-b that means p lies on the segment.
func inBox(a, b, p orb.Point) bool {
	return min(a[0], b[0]) <= p[0] && p[0] <= max(a[0], b[0]) &&
		min(a[1], b[1]) <= p[1] && p[1] <= max(a[1], b[1])
}

func sign(v float64) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// segmentIntersection reports whether segments a-b and c-d share at least
// one point (touching counts) and returns such a point.
func segmentIntersection(a, b, c, d orb.Point) (orb.Point, bool) {
	d1 := orient(c, d, a)
	d2 := orient(c, d, b)
	d3 := orient(a, b, c)
	d4 := orient(a, b, d)
	s1, s2, s3, s4 := sign(d1), sign(d2), sign(d3), sign(d4)
	if s1*s2 < 0 && s3*s4 < 0 {
		// Proper crossing: intersect the supporting lines.
		t := d1 / (d1 - d2)
		return orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}, true
	}
	switch {
	case s1 == 0 && inBox(c, d, a):
		return a, true
	case s2 == 0 && inBox(c, d, b):
		return b, true
	case s3 == 0 && inBox(a, b, c):
		return c, true
	case s4 == 0 && inBox(a, b, d):
		return d, true
	}
	return orb.Point{}, false
}

// selfIntersection checks a closed ring (first point == last point, no
// consecutive repeats) for crossings, touchings and spikes, and returns a
// point where it happens.
//
// It sorts the segments by their smallest x and only compares segments
// whose x ranges overlap (sort and sweep), which is O(n log n) for the
// usual parcel and building outlines, and O(n^2) only in contrived cases.
func selfIntersection(ring []orb.Point) (orb.Point, bool) {
	m := len(ring) - 1 // number of segments
	if m < 3 {
		return orb.Point{}, false
	}
	type seg struct {
		i          int
		minX, maxX float64
		minY, maxY float64
	}
	segs := make([]seg, m)
	for i := range m {
		a, b := ring[i], ring[i+1]
		segs[i] = seg{i, min(a[0], b[0]), max(a[0], b[0]), min(a[1], b[1]), max(a[1], b[1])}
	}
	slices.SortFunc(segs, func(x, y seg) int {
		switch {
		case x.minX < y.minX:
			return -1
		case x.minX > y.minX:
			return 1
		}
		return x.i - y.i
	})
	for k, s := range segs {
		for _, t := range segs[k+1:] {
			if t.minX > s.maxX {
				break
			}
			if t.minY > s.maxY || t.maxY < s.minY {
				continue
			}
			i, j := s.i, t.i
			if i > j {
				i, j = j, i
			}
			if at, bad := segmentPair(ring, m, i, j); bad {
				return at, true
			}
		}
	}
	return orb.Point{}, false
}

// segmentPair tests segments i < j of a ring with m segments.
func segmentPair(ring []orb.Point, m, i, j int) (orb.Point, bool) {
	a, b := ring[i], ring[i+1]
	c, d := ring[j], ring[j+1]
	switch {
	case j == i+1:
		// b == c is shared; bad only when they fold back over each other.
		return spike(a, b, d)
	case i == 0 && j == m-1:
		// d == a is shared.
		return spike(b, a, c)
	}
	return segmentIntersection(a, b, c, d)
}

// spike reports whether segments s-p and s-q, sharing the point s, overlap
// (point the same way along one line).
func spike(p, s, q orb.Point) (orb.Point, bool) {
	if orient(p, s, q) != 0 {
		return orb.Point{}, false
	}
	if (p[0]-s[0])*(q[0]-s[0])+(p[1]-s[1])*(q[1]-s[1]) > 0 {
		return s, true
	}
	return orb.Point{}, false
}
