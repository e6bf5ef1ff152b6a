package geo

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"
)

// Item is one geometry with its payload in an Index.
type Item[T any] struct {
	Geometry orb.Geometry
	Value    T
}

// Index is an immutable spatial index over items, built once with NewIndex
// and safe for concurrent queries. Box queries (Within, Containing,
// Intersecting) use a tidwall/rtree RTreeG; Nearest uses a packed STR tree
// with a compact priority queue. Distances are planar (use RD New
// coordinates). To replace an index while queries run, hold it in a Swap.
type Index[T any] struct {
	items   []Item[T]
	bounds  []orb.Bound
	points  bool                // every item is an orb.Point
	indexed []bool              // the item has a finite bound and is in the trees
	tree    rtree.RTreeG[int32] // for box searches
	packed  *packedTree         // for nearest-neighbour searches
}

// NewIndex builds an index over a copy of items (the geometries themselves
// are shared, not copied). Items with a nil geometry or a NaN/Inf bound are
// kept in Items but never returned by a query. Layers of only orb.Point
// items get a faster Nearest and Within.
func NewIndex[T any](items []Item[T]) *Index[T] {
	ix := &Index[T]{
		items:   append([]Item[T](nil), items...),
		bounds:  make([]orb.Bound, len(items)),
		indexed: make([]bool, len(items)),
		points:  true,
	}
	for i, it := range ix.items {
		if _, ok := it.Geometry.(orb.Point); !ok {
			ix.points = false
		}
		if it.Geometry == nil {
			continue
		}
		b := it.Geometry.Bound()
		if !finiteBound(b) {
			continue
		}
		ix.bounds[i] = b
		ix.indexed[i] = true
		ix.tree.Insert(b.Min, b.Max, int32(i))
	}
	ix.packed = newPackedTree(ix.bounds, func(i int) bool { return ix.indexed[i] })
	return ix
}

func finiteBound(b orb.Bound) bool {
	for _, v := range [...]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// Len returns the number of items.
func (ix *Index[T]) Len() int { return len(ix.items) }

// Items returns the items in their original order. The slice is the
// index's own: do not modify it.
func (ix *Index[T]) Items() []Item[T] { return ix.items }

// Nearest calls fn for the items in increasing exact distance from p
// (Distance: 0 inside a polygon), until fn returns false or the distance
// exceeds maxDist. maxDist <= 0 means no limit. Items at equal distance come
// in no particular order.
//
// The tree is walked best-first with box distances for the nodes and exact
// distances for the items, so the order is exact for lines and polygons too.
func (ix *Index[T]) Nearest(p orb.Point, maxDist float64, fn func(it Item[T], dist float64) bool) {
	limit2 := math.Inf(1)
	if maxDist > 0 {
		limit2 = maxDist * maxDist
	}
	var boxDist2, itemDist2 func(i int32) float64
	if ix.points {
		itemDist2 = func(i int32) float64 {
			q := ix.bounds[i].Min
			dx, dy := q[0]-p[0], q[1]-p[1]
			return dx*dx + dy*dy
		}
	} else {
		boxDist2 = func(i int32) float64 { return boundDist2(p, ix.bounds[i]) }
		itemDist2 = func(i int32) float64 { return distance2(p, ix.items[i].Geometry) }
	}
	ix.packed.nearest(p, limit2, boxDist2, itemDist2, func(i int32, d2 float64) bool {
		return fn(ix.items[i], math.Sqrt(d2))
	})
}

// NearestN returns up to n items nearest to p within maxDist (maxDist <= 0:
// no limit), nearest first, with their distances.
func (ix *Index[T]) NearestN(p orb.Point, n int, maxDist float64) ([]Item[T], []float64) {
	if n <= 0 {
		return nil, nil
	}
	items := make([]Item[T], 0, n)
	dists := make([]float64, 0, n)
	ix.Nearest(p, maxDist, func(it Item[T], d float64) bool {
		items = append(items, it)
		dists = append(dists, d)
		return len(items) < n
	})
	return items, dists
}

// Within calls fn for every item at Distance <= dist from p, in no
// particular order, until fn returns false.
func (ix *Index[T]) Within(p orb.Point, dist float64, fn func(it Item[T], dist float64) bool) {
	if dist < 0 || math.IsNaN(dist) {
		return
	}
	d2max := dist * dist
	lo := [2]float64{p[0] - dist, p[1] - dist}
	hi := [2]float64{p[0] + dist, p[1] + dist}
	ix.tree.Search(lo, hi, func(bmin, bmax [2]float64, i int32) bool {
		if boundDist2(p, orb.Bound{Min: bmin, Max: bmax}) > d2max {
			return true
		}
		var d2 float64
		if ix.points {
			dx, dy := bmin[0]-p[0], bmin[1]-p[1]
			d2 = dx*dx + dy*dy
		} else {
			d2 = distance2(p, ix.items[i].Geometry)
		}
		if d2 > d2max {
			return true
		}
		return fn(ix.items[i], math.Sqrt(d2))
	})
}

// Containing calls fn for every polygonal item (see Contains) that contains
// p, boundary included, until fn returns false.
func (ix *Index[T]) Containing(p orb.Point, fn func(it Item[T]) bool) {
	if ix.points {
		return
	}
	ix.tree.Search(p, p, func(_, _ [2]float64, i int32) bool {
		if !Contains(ix.items[i].Geometry, p) {
			return true
		}
		return fn(ix.items[i])
	})
}

// Intersecting calls fn for every item whose bounding box intersects b
// (touching counts), until fn returns false.
func (ix *Index[T]) Intersecting(b orb.Bound, fn func(it Item[T]) bool) {
	ix.tree.Search(b.Min, b.Max, func(_, _ [2]float64, i int32) bool {
		return fn(ix.items[i])
	})
}
