package matching

import (
	"math"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/geo"
)

// pointGrid is the fast path for point layers: a uniform grid in compressed
// row layout (cell start offsets into one coordinate array sorted by cell),
// immutable after construction and safe for concurrent use. Nearest-neighbour
// and radius queries visit cells ring by ring and read coordinates from
// contiguous memory, which beats a pointer-chasing tree walk when sites
// arrive in Hilbert order. The R-tree (geo.Index) stays the reference; tests
// check that both give the same answers.
type pointGrid struct {
	minX, minY float64
	cell, inv  float64
	nx, ny     int
	start      []int32     // len nx*ny+1; points of cell c are [start[c], start[c+1])
	pts        []orb.Point // sorted by cell
	ids        []int32     // feature index of pts[i]
	// Per-cell nearest candidates (see buildCandidates): the points of
	// cell c's list are cand[candStart[c]:candStart[c+1]], with their
	// positions in pts; an empty list means "use the ring search".
	candStart []int32
	cand      []orb.Point
	candPos   []int32
	candID    []int32
}

// maxCandidates bounds a cell's candidate list; cells needing more (far
// from every point) keep the ring search.
const maxCandidates = 48

// buildCandidates fills the per-cell nearest candidates: for cell box B,
// with q0 the point nearest to B's centre and U the largest distance from
// any location in B to q0, every location in B has its nearest point
// within U, so the nearest point of any p in B has box distance <= U from
// B. The list holds every point within U (+1 mm slack for rounding) of B,
// hence the nearest point and all points tied with it: scanning the list
// gives exactly the ring search's answer (ties to the lower id).
func (g *pointGrid) buildCandidates() {
	if len(g.pts) == 0 {
		return
	}
	n := g.nx * g.ny
	g.candStart = make([]int32, n+1)
	var list []int32
	// Any point bounds U; the nearest one to the cell's centre bounds it
	// tightest. A tree finds it in O(log n), where the grid's ring search
	// walks every empty cell between (seconds for 60k stops over the sea
	// and heath of a national grid).
	items := make([]geo.Item[int32], len(g.pts))
	for j, p := range g.pts {
		items[j] = geo.Item[int32]{Geometry: p, Value: int32(j)}
	}
	tree := geo.NewIndex(items)
	for c := 0; c < n; c++ {
		g.candStart[c] = int32(len(g.cand))
		cx, cy := c%g.nx, c/g.nx
		x0, y0 := g.minX+float64(cx)*g.cell, g.minY+float64(cy)*g.cell
		x1, y1 := x0+g.cell, y0+g.cell
		near, _ := tree.NearestN(orb.Point{x0 + g.cell/2, y0 + g.cell/2}, 1, 0)
		if len(near) == 0 {
			continue
		}
		q := g.pts[near[0].Value]
		fx := max(math.Abs(q[0]-x0), math.Abs(q[0]-x1))
		fy := max(math.Abs(q[1]-y0), math.Abs(q[1]-y1))
		u := math.Sqrt(fx*fx+fy*fy) + 1e-3
		list = list[:0]
		a0, b0 := g.cellXY(orb.Point{x0 - u, y0 - u})
		a1, b1 := g.cellXY(orb.Point{x1 + u, y1 + u})
		a0, b0 = max(a0, 0), max(b0, 0)
		a1, b1 = min(a1, g.nx-1), min(b1, g.ny-1)
		u2 := u * u
	scan:
		for y := b0; y <= b1; y++ {
			row := y * g.nx
			for j := g.start[row+a0]; j < g.start[row+a1+1]; j++ {
				p := g.pts[j]
				dx := max(x0-p[0], 0, p[0]-x1)
				dy := max(y0-p[1], 0, p[1]-y1)
				if dx*dx+dy*dy <= u2 {
					if len(list) == maxCandidates {
						list = list[:0]
						break scan
					}
					list = append(list, j)
				}
			}
		}
		for _, j := range list {
			g.cand = append(g.cand, g.pts[j])
			g.candPos = append(g.candPos, j)
			g.candID = append(g.candID, g.ids[j])
		}
	}
	g.candStart[n] = int32(len(g.cand))
}

// newPointGrid builds a grid over pts (ids[i] is the id of pts[i]) with about
// perCell points per cell on average over the bounding box.
func newPointGrid(pts []orb.Point, ids []int32, perCell float64) *pointGrid {
	g := &pointGrid{}
	if len(pts) == 0 {
		return g
	}
	b := orb.MultiPoint(pts).Bound()
	w, h := b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]
	area := math.Max(w, 1) * math.Max(h, 1)
	cell := math.Sqrt(area / float64(len(pts)) * perCell)
	if cell < 25 {
		cell = 25
	}
	g.minX, g.minY, g.cell, g.inv = b.Min[0], b.Min[1], cell, 1/cell
	g.nx = int(w/cell) + 1
	g.ny = int(h/cell) + 1
	for g.nx*g.ny > 1<<24 { // keep the offsets table bounded
		cell *= 2
		g.cell, g.inv = cell, 1/cell
		g.nx = int(w/cell) + 1
		g.ny = int(h/cell) + 1
	}
	n := g.nx * g.ny
	g.start = make([]int32, n+1)
	cells := make([]int32, len(pts))
	for i, p := range pts {
		c := g.cellOf(p)
		cells[i] = c
		g.start[c+1]++
	}
	for i := 1; i <= n; i++ {
		g.start[i] += g.start[i-1]
	}
	fill := append([]int32(nil), g.start[:n]...)
	g.pts = make([]orb.Point, len(pts))
	g.ids = make([]int32, len(pts))
	for i, p := range pts { // stable: input order kept within a cell
		c := cells[i]
		j := fill[c]
		fill[c]++
		g.pts[j] = p
		g.ids[j] = ids[i]
	}
	g.buildCandidates()
	return g
}

func (g *pointGrid) cellXY(p orb.Point) (int, int) {
	cx := int(math.Floor((p[0] - g.minX) * g.inv))
	cy := int(math.Floor((p[1] - g.minY) * g.inv))
	return cx, cy
}

func (g *pointGrid) cellOf(p orb.Point) int32 {
	cx, cy := g.cellXY(p)
	cx = min(max(cx, 0), g.nx-1)
	cy = min(max(cy, 0), g.ny-1)
	return int32(cy*g.nx + cx)
}

// scanCell updates best with the points of cell (cx, cy), if it exists.
// Ties in distance go to the lower id, so the answer does not depend on
// the order cells are visited.
func (g *pointGrid) scanCell(cx, cy int, p orb.Point, best2 *float64, bestID, bestPos *int32) {
	if cx < 0 || cy < 0 || cx >= g.nx || cy >= g.ny {
		return
	}
	c := cy*g.nx + cx
	if g.start[c] == g.start[c+1] {
		return
	}
	// Skip a cell whose box lies farther than the best so far (1 mm slack
	// for rounding in the cell bounds, so that no equal distance is lost).
	x0 := g.minX + float64(cx)*g.cell
	y0 := g.minY + float64(cy)*g.cell
	dx := max(x0-p[0], 0, p[0]-(x0+g.cell)) - 1e-3
	dy := max(y0-p[1], 0, p[1]-(y0+g.cell)) - 1e-3
	dx, dy = max(dx, 0), max(dy, 0)
	if dx*dx+dy*dy > *best2 {
		return
	}
	for j := g.start[c]; j < g.start[c+1]; j++ {
		q := g.pts[j]
		dx, dy := q[0]-p[0], q[1]-p[1]
		d2 := dx*dx + dy*dy
		if d2 < *best2 || (d2 == *best2 && g.ids[j] < *bestID) {
			*best2, *bestID, *bestPos = d2, g.ids[j], j
		}
	}
}

// nearest returns the distance to and id of the nearest point within
// maxDist, or (0, -1, false).
func (g *pointGrid) nearest(p orb.Point, maxDist float64) (float64, int32, bool) {
	return g.nearestHint(p, maxDist, -1)
}

// nearestHint is nearest starting from the point at position hint of
// g.pts (the previous answer, -1 for none) as the best so far: for sites in
// Hilbert order it is close, so most cells are skipped by their box
// distance. The answer does not depend on the hint (exact minimum, ties to
// the lower id).
func (g *pointGrid) nearestHint(p orb.Point, maxDist float64, hint int32) (float64, int32, bool) {
	d, j, ok := g.nearestPos(p, maxDist, hint)
	if !ok {
		return 0, -1, false
	}
	return d, g.ids[j], true
}

// nearestPos is nearestHint returning the position in g.pts.
func (g *pointGrid) nearestPos(p orb.Point, maxDist float64, hint int32) (float64, int32, bool) {
	if len(g.pts) == 0 {
		return 0, -1, false
	}
	cx, cy := g.cellXY(p)
	if g.candStart != nil && cx >= 0 && cy >= 0 && cx < g.nx && cy < g.ny {
		c := cy*g.nx + cx
		if lo, hi := g.candStart[c], g.candStart[c+1]; lo < hi {
			best2, bestID, bestPos := math.Inf(1), int32(-1), int32(-1)
			cand, ids := g.cand[lo:hi], g.candID[lo:hi]
			for k, q := range cand {
				dx, dy := q[0]-p[0], q[1]-p[1]
				d2 := dx*dx + dy*dy
				if d2 < best2 || (d2 == best2 && ids[k] < bestID) {
					best2, bestID, bestPos = d2, ids[k], g.candPos[int(lo)+k]
				}
			}
			if best2 > maxDist*maxDist {
				return 0, -1, false
			}
			return math.Sqrt(best2), bestPos, true
		}
	}
	return g.ringNearest(p, cx, cy, maxDist, hint)
}

// ringNearest is the ring-by-ring search of nearestPos.
func (g *pointGrid) ringNearest(p orb.Point, cx, cy int, maxDist float64, hint int32) (float64, int32, bool) {
	best2 := math.Inf(1)
	bestID := int32(-1)
	bestPos := int32(-1)
	if hint >= 0 && int(hint) < len(g.pts) {
		q := g.pts[hint]
		dx, dy := q[0]-p[0], q[1]-p[1]
		best2, bestID, bestPos = dx*dx+dy*dy, g.ids[hint], hint
	}
	// Rings beyond which no cell of the grid lies.
	maxR := max(abs(cx), abs(cx-g.nx+1), abs(cy), abs(cy-g.ny+1))
	// edge: the distance from p to the border of its own cell (p is inside
	// that cell, possibly outside the grid but then r counts from there),
	// less 1 mm slack for rounding in the cell bounds.
	fx := p[0] - (g.minX + float64(cx)*g.cell)
	fy := p[1] - (g.minY + float64(cy)*g.cell)
	edge := max(min(fx, g.cell-fx, fy, g.cell-fy)-1e-3, 0)
	for r := 0; r <= maxR; r++ {
		// Any point in ring r >= 1 lies at least (r-1)*cell + edge from p.
		lower := float64(r-1)*g.cell + edge
		if r > 0 && lower > 0 && (lower*lower > best2 || lower > maxDist) {
			break
		}
		if r == 0 {
			g.scanCell(cx, cy, p, &best2, &bestID, &bestPos)
			continue
		}
		y0, y1 := cy-r, cy+r
		if y0 >= 0 && y0 < g.ny || y1 >= 0 && y1 < g.ny {
			for x := max(cx-r, 0); x <= min(cx+r, g.nx-1); x++ {
				g.scanCell(x, y0, p, &best2, &bestID, &bestPos)
				g.scanCell(x, y1, p, &best2, &bestID, &bestPos)
			}
		}
		for y := max(cy-r+1, 0); y <= min(cy+r-1, g.ny-1); y++ {
			g.scanCell(cx-r, y, p, &best2, &bestID, &bestPos)
			g.scanCell(cx+r, y, p, &best2, &bestID, &bestPos)
		}
	}
	if bestID < 0 || best2 > maxDist*maxDist {
		return 0, -1, false
	}
	return math.Sqrt(best2), bestPos, true
}

// countWithin counts the points at distance <= r from p.
func (g *pointGrid) countWithin(p orb.Point, r float64) int {
	if len(g.pts) == 0 {
		return 0
	}
	x0, y0 := g.cellXY(orb.Point{p[0] - r, p[1] - r})
	x1, y1 := g.cellXY(orb.Point{p[0] + r, p[1] + r})
	x0, y0 = max(x0, 0), max(y0, 0)
	x1, y1 = min(x1, g.nx-1), min(y1, g.ny-1)
	if x0 > x1 || y0 > y1 {
		return 0
	}
	r2 := r * r
	n := 0
	for y := y0; y <= y1; y++ {
		row := y * g.nx
		for j := g.start[row+x0]; j < g.start[row+x1+1]; j++ {
			q := g.pts[j]
			dx, dy := q[0]-p[0], q[1]-p[1]
			if dx*dx+dy*dy <= r2 {
				n++
			}
		}
	}
	return n
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
