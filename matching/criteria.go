package matching

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/geo"
	"github.com/plekwijzer/plekwijzer/store"
)

// plotArea is the plot area in m²: AreaM2 when it is a plot area (or a kavel
// whose area kind is not given), else the area of a kavel's polygon.
func plotArea(s *store.Site) (float64, bool) {
	if s.AreaM2 != nil && (s.AreaKind == store.AreaPlot || (s.AreaKind == "" && s.Kind == store.Kavel)) {
		return *s.AreaM2, true
	}
	if s.Kind == store.Kavel {
		switch s.Geometry.(type) {
		case orb.Polygon, orb.MultiPolygon:
			return geo.Area(s.Geometry), true
		}
	}
	return 0, false
}

// floorArea is the gebruiksoppervlakte (GBO) of a gebouw in m²: AreaM2 as
// GBO, or as BVO (also when the kind is not given) times gbo_per_bvo.
func floorArea(s *store.Site, c Capacity) (float64, bool) {
	if s.Kind != store.Gebouw || s.AreaM2 == nil {
		return 0, false
	}
	return c.GBO(*s.AreaM2, s.AreaKind)
}

// depthAttributes are the site columns read as a known building depth (m),
// tried in this order before the geometry proxy.
var depthAttributes = [...]string{"diepte_m", "gebouwdiepte", "diepte", "depth"}

// buildingDepth is the building depth in m, the daylight proxy of
// criteria.md §9b T2: a depth column when the inventory has one, else the
// minimum width of the footprint polygon, i.e. the width of its minimum
// rotated bounding rectangle (rotating calipers over the convex hull). For
// a slab-shaped office this is the façade-to-façade depth; for an L or U
// shape it overestimates the wing depth (judgement: a conservative proxy).
// A site without footprint polygon and without depth column has no depth.
func buildingDepth(s *store.Site) (float64, bool) {
	d, ok, _ := buildingDepthBuf(s, nil)
	return d, ok
}

// buildingDepthBuf is buildingDepth with a scratch buffer for the points,
// returned for reuse.
func buildingDepthBuf(s *store.Site, buf []orb.Point) (float64, bool, []orb.Point) {
	for _, a := range depthAttributes {
		if v, ok := s.Attributes[a]; ok && strings.TrimSpace(v) != "" {
			if f, ok := textValue(v).asNum(); ok && f > 0 {
				return f, true, buf
			}
		}
	}
	pts := buf[:0]
	switch g := s.Geometry.(type) {
	case orb.Polygon:
		if len(g) > 0 {
			pts = append(pts, g[0]...)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			if len(p) > 0 {
				pts = append(pts, p[0]...)
			}
		}
	default:
		return 0, false, buf
	}
	pts = slices.Grow(pts, 2*len(pts)) // room for the hull
	h := convexHullInPlace(pts)
	w := hullMinWidth(h)
	return w, w > 0, pts
}

// hullMinWidth returns the minimum width of a convex hull (counter-clockwise).
func hullMinWidth(h []orb.Point) float64 {
	if len(h) < 3 {
		return 0
	}
	best := math.Inf(1)
	for i := range h {
		a, b := h[i], h[(i+1)%len(h)]
		dx, dy := b[0]-a[0], b[1]-a[1]
		l := math.Hypot(dx, dy)
		if l == 0 {
			continue
		}
		// The largest numerator divided once: division by l > 0 is
		// monotone in correctly rounded arithmetic, so this equals the
		// largest of the divided distances exactly.
		var far float64
		for _, p := range h {
			far = math.Max(far, math.Abs((p[0]-a[0])*dy-(p[1]-a[1])*dx))
		}
		best = math.Min(best, far/l)
	}
	if math.IsInf(best, 1) {
		return 0
	}
	return best
}

// convexHullInPlace is Andrew's monotone chain; it returns the hull
// counter-clockwise without repeating the first point. It sorts pts in
// place and builds the hull in pts' spare capacity (growing it when needed).
func convexHullInPlace(pts []orb.Point) []orb.Point {
	slices.SortFunc(pts, func(a, b orb.Point) int {
		if a[0] != b[0] {
			if a[0] < b[0] {
				return -1
			}
			return 1
		}
		if a[1] < b[1] {
			return -1
		}
		if a[1] > b[1] {
			return 1
		}
		return 0
	})
	if len(pts) < 3 {
		return pts
	}
	cross := func(o, a, b orb.Point) float64 {
		return (a[0]-o[0])*(b[1]-o[1]) - (a[1]-o[1])*(b[0]-o[0])
	}
	n := len(pts)
	pts = slices.Grow(pts, 2*n)
	h := pts[n:n:cap(pts)]
	for _, p := range pts[:n] {
		for len(h) >= 2 && cross(h[len(h)-2], h[len(h)-1], p) <= 0 {
			h = h[:len(h)-1]
		}
		h = append(h, p)
	}
	lower := len(h) + 1
	for i := n - 2; i >= 0; i-- {
		p := pts[i]
		for len(h) >= lower && cross(h[len(h)-2], h[len(h)-1], p) <= 0 {
			h = h[:len(h)-1]
		}
		h = append(h, p)
	}
	return h[:len(h)-1]
}

// availabilityYears is the availability term in years (365.25 days): from
// the later of AvailableFrom and the reference date to AvailableUntil.
// Without AvailableUntil the term is unknown (an open end in an inventory
// usually means "not recorded", not "for ever").
func availabilityYears(s *store.Site, ref time.Time) (float64, bool) {
	if s.AvailableUntil == nil {
		return 0, false
	}
	start := ref
	if s.AvailableFrom != nil && s.AvailableFrom.After(start) {
		start = *s.AvailableFrom
	}
	if start.IsZero() {
		return 0, false
	}
	y := s.AvailableUntil.Sub(start).Hours() / 24 / 365.25
	return math.Max(y, 0), true
}
