package matching

import (
	"math"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/geo"
)

// boxGrid is the fast path for line and polygon features: a uniform grid in
// compressed row layout where each cell lists the features whose bounding
// box, grown by a margin, touches the cell (ascending feature index, with
// the box inline for locality). For a point p every feature within margin
// of p is in the list of p's cell, so one cell answers a containment query
// (margin 0) or a nearest query up to maxDist (margin maxDist) without a
// tree walk. Immutable after construction and safe for concurrent use. The
// R-tree (geo.Index) stays the reference; tests check both give the same
// answers.
type boxGrid struct {
	minX, minY float64
	inv        float64
	nx, ny     int
	start      []int32 // len nx*ny+1
	ents       []boxEnt
	geoms      []orb.Geometry // indexed by feature index (shared, not copied)
}

type boxEnt struct {
	b  orb.Bound
	id int32
}

// boxGridMaxCells bounds the offsets table.
const boxGridMaxCells = 1 << 22

// newBoxGrid builds the grid over the features ids (ascending) with
// geometries geoms[id], grown by margin, with square cells of about cell
// metres (cell <= 0: about four cells per feature). It returns nil when there is nothing to index or when the lists
// would be long (avgMax: the mean list length over non-empty cells above
// which a tree walk is better); callers then use the R-tree.
func newBoxGrid(ids []int32, geoms []orb.Geometry, margin, cell, avgMax float64) *boxGrid {
	// Slack so that rounding in the grown box never drops a feature that is
	// exactly at margin.
	m := margin*(1+1e-9) + 1e-6
	bounds := make([]orb.Bound, 0, len(ids))
	keep := make([]int32, 0, len(ids))
	var ext orb.Bound
	for _, id := range ids {
		g := geoms[id]
		if g == nil {
			continue
		}
		b := g.Bound()
		if !finite(b.Min[0]) || !finite(b.Min[1]) || !finite(b.Max[0]) || !finite(b.Max[1]) {
			continue
		}
		if len(keep) == 0 {
			ext = b
		} else {
			ext = ext.Union(b)
		}
		bounds = append(bounds, b)
		keep = append(keep, id)
	}
	if len(keep) == 0 {
		return nil
	}
	g := &boxGrid{geoms: geoms, minX: ext.Min[0] - m, minY: ext.Min[1] - m}
	w, h := ext.Max[0]+m-g.minX, ext.Max[1]+m-g.minY
	if !(cell > 0) { // auto: about four cells per feature over the extent
		cell = math.Sqrt(math.Max(w, 1)*math.Max(h, 1)/float64(len(keep))) / 2
	}
	cell = math.Max(cell, 1)
	for {
		g.inv = 1 / cell
		g.nx = int(w*g.inv) + 1
		g.ny = int(h*g.inv) + 1
		if g.nx*g.ny <= boxGridMaxCells {
			break
		}
		cell *= 2
	}
	n := g.nx * g.ny
	g.start = make([]int32, n+1)
	total := 0
	for _, b := range bounds {
		x0, y0, x1, y1 := g.span(b, m)
		total += (x1 - x0 + 1) * (y1 - y0 + 1)
		if total > 1<<26 {
			return nil
		}
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				g.start[y*g.nx+x+1]++
			}
		}
	}
	nonEmpty := 0
	for c := 1; c <= n; c++ {
		if g.start[c] > 0 {
			nonEmpty++
		}
		g.start[c] += g.start[c-1]
	}
	if avgMax > 0 && float64(total) > avgMax*float64(nonEmpty) {
		return nil
	}
	fill := append([]int32(nil), g.start[:n]...)
	g.ents = make([]boxEnt, total)
	for k, b := range bounds {
		x0, y0, x1, y1 := g.span(b, m)
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				c := y*g.nx + x
				g.ents[fill[c]] = boxEnt{b, keep[k]}
				fill[c]++
			}
		}
	}
	return g
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// span is the cell range touched by b grown by m (clamped to the grid).
func (g *boxGrid) span(b orb.Bound, m float64) (x0, y0, x1, y1 int) {
	x0, y0 = g.cellXY(orb.Point{b.Min[0] - m, b.Min[1] - m})
	x1, y1 = g.cellXY(orb.Point{b.Max[0] + m, b.Max[1] + m})
	x0, y0 = max(x0, 0), max(y0, 0)
	x1, y1 = min(x1, g.nx-1), min(y1, g.ny-1)
	return
}

// cellXY uses the same monotone formula for boxes and query points, so a
// point inside a grown box always falls in a cell of the box's span.
func (g *boxGrid) cellXY(p orb.Point) (int, int) {
	return int(math.Floor((p[0] - g.minX) * g.inv)), int(math.Floor((p[1] - g.minY) * g.inv))
}

// cell returns the list of p's cell (nil outside the grid).
func (g *boxGrid) cell(p orb.Point) []boxEnt {
	cx, cy := g.cellXY(p)
	if cx < 0 || cy < 0 || cx >= g.nx || cy >= g.ny {
		return nil
	}
	c := cy*g.nx + cx
	return g.ents[g.start[c]:g.start[c+1]]
}

// containing appends to dst the features containing p (geo.Contains:
// boundary included), in ascending feature index: the same set as
// geo.Index.Containing over the same features.
func (g *boxGrid) containing(p orb.Point, dst []int32) []int32 {
	for _, e := range g.cell(p) {
		if p[0] < e.b.Min[0] || p[0] > e.b.Max[0] || p[1] < e.b.Min[1] || p[1] > e.b.Max[1] {
			continue
		}
		if geo.Contains(g.geoms[e.id], p) {
			dst = append(dst, e.id)
		}
	}
	return dst
}

// nearest returns the exact minimum geo.Distance from p to the features
// within the grid's margin, and whether there is one. The caller checks
// the result against maxDist (see nearestGrid).
func (g *boxGrid) nearest(p orb.Point) (float64, bool) {
	best := math.Inf(1)
	found := false
	for _, e := range g.cell(p) {
		dx := max(e.b.Min[0]-p[0], 0, p[0]-e.b.Max[0])
		dy := max(e.b.Min[1]-p[1], 0, p[1]-e.b.Max[1])
		// Prune on the box distance with a relative margin for rounding:
		// the exact distance is never below the box distance.
		if found && dx*dx+dy*dy > best*best*(1+1e-9)+1e-9 {
			continue
		}
		d := geo.Distance(p, g.geoms[e.id])
		if d < best {
			best, found = d, true
			if d == 0 {
				break
			}
		}
	}
	return best, found
}
