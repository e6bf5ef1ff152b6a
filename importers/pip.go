package importers

import (
	"math"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/geo"
)

// areaGrid answers "which area contains this point" for a fixed set of
// polygonal areas (the gemeenten) a million times per import: a uniform
// grid over their bounds lists the candidate areas of each cell, and each
// polygon keeps its edges in horizontal bands, so that a test looks at the
// few edges crossing the point's band instead of every vertex.
type areaGrid struct {
	bound  orb.Bound
	cell   float64
	nx, ny int
	cells  [][]int32 // area indexes whose bound meets the cell
	areas  []preparedArea
}

// preparedArea is one area: its polygons prepared, or the geometry itself
// when it is not a Polygon or MultiPolygon (tested with geo.Contains).
type preparedArea struct {
	bound orb.Bound
	polys []preparedPolygon
	other orb.Geometry
}

// preparedPolygon holds the edges of a polygon (all its rings) by band.
type preparedPolygon struct {
	bound orb.Bound
	bandH float64
	bands [][]edge
}

type edge struct{ ax, ay, bx, by float64 }

// gridCells is about how many cells the grid has.
const gridCells = 1 << 16

// edgesPerBand is about how many edges a band of a polygon holds.
const edgesPerBand = 4

func newAreaGrid(gs []orb.Geometry) *areaGrid {
	g := &areaGrid{areas: make([]preparedArea, len(gs))}
	first := true
	for i, geom := range gs {
		if geom == nil {
			continue
		}
		a := prepareArea(geom)
		g.areas[i] = a
		if first {
			g.bound, first = a.bound, false
		} else {
			g.bound = g.bound.Union(a.bound)
		}
	}
	w, h := g.bound.Max[0]-g.bound.Min[0], g.bound.Max[1]-g.bound.Min[1]
	if first || !(w > 0) || !(h > 0) {
		return g
	}
	g.cell = math.Sqrt(w * h / gridCells)
	g.nx, g.ny = int(w/g.cell)+1, int(h/g.cell)+1
	g.cells = make([][]int32, g.nx*g.ny)
	for i, a := range g.areas {
		if a.polys == nil && a.other == nil {
			continue
		}
		x0, y0 := g.cellOf(a.bound.Min)
		x1, y1 := g.cellOf(a.bound.Max)
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				g.cells[y*g.nx+x] = append(g.cells[y*g.nx+x], int32(i))
			}
		}
	}
	return g
}

func (g *areaGrid) cellOf(p orb.Point) (int, int) {
	x := int((p[0] - g.bound.Min[0]) / g.cell)
	y := int((p[1] - g.bound.Min[1]) / g.cell)
	return min(max(x, 0), g.nx-1), min(max(y, 0), g.ny-1)
}

// containing returns the index of the first area (in the order given)
// containing p, or -1.
func (g *areaGrid) containing(p orb.Point) int {
	if g.cells == nil || !g.bound.Contains(p) {
		return -1
	}
	x, y := g.cellOf(p)
	for _, i := range g.cells[y*g.nx+x] {
		if g.areas[i].contains(p) {
			return int(i)
		}
	}
	return -1
}

func prepareArea(geom orb.Geometry) preparedArea {
	a := preparedArea{bound: geom.Bound()}
	switch geom := geom.(type) {
	case orb.Polygon:
		a.polys = []preparedPolygon{preparePolygon(geom)}
	case orb.MultiPolygon:
		for _, p := range geom {
			a.polys = append(a.polys, preparePolygon(p))
		}
	default:
		a.other = geom
	}
	return a
}

func preparePolygon(poly orb.Polygon) preparedPolygon {
	pp := preparedPolygon{bound: poly.Bound()}
	var edges []edge
	for _, r := range poly {
		for i := range r {
			j := i + 1
			if j == len(r) {
				j = 0 // rings need not be closed
			}
			a, b := r[i], r[j]
			if a != b {
				edges = append(edges, edge{a[0], a[1], b[0], b[1]})
			}
		}
	}
	n := max(len(edges)/edgesPerBand, 1)
	h := pp.bound.Max[1] - pp.bound.Min[1]
	pp.bandH = h / float64(n)
	if !(pp.bandH > 0) {
		pp.bands = [][]edge{edges}
		return pp
	}
	pp.bands = make([][]edge, n)
	for _, e := range edges {
		b0, b1 := pp.band(math.Min(e.ay, e.by)), pp.band(math.Max(e.ay, e.by))
		for b := b0; b <= b1; b++ {
			pp.bands[b] = append(pp.bands[b], e)
		}
	}
	return pp
}

func (pp *preparedPolygon) band(y float64) int {
	if len(pp.bands) == 1 {
		return 0
	}
	b := int((y - pp.bound.Min[1]) / pp.bandH)
	return min(max(b, 0), len(pp.bands)-1)
}

func (a *preparedArea) contains(p orb.Point) bool {
	if !a.bound.Contains(p) {
		return false
	}
	if a.other != nil {
		return geo.Contains(a.other, p)
	}
	for i := range a.polys {
		if a.polys[i].contains(p) {
			return true
		}
	}
	return false
}

// contains tests p against the polygon by the even-odd rule over all its
// rings (inside the outer ring and outside every hole). A point exactly on
// an edge counts as inside, as geo.Contains has it for the outer ring.
func (pp *preparedPolygon) contains(p orb.Point) bool {
	if !pp.bound.Contains(p) {
		return false
	}
	px, py := p[0], p[1]
	in := false
	for _, e := range pp.bands[pp.band(py)] {
		if (e.ay > py) != (e.by > py) {
			x := e.ax + (py-e.ay)*(e.bx-e.ax)/(e.by-e.ay)
			if x == px {
				return true
			}
			if px < x {
				in = !in
			}
		} else if e.ay == py && e.by == py && px >= math.Min(e.ax, e.bx) && px <= math.Max(e.ax, e.bx) {
			return true // on a horizontal edge
		}
	}
	return in
}
