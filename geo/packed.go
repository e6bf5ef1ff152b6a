package geo

import (
	"slices"
	"sync"

	"github.com/paulmach/orb"
)

// packedFanout is the number of children per node of the packed tree.
const packedFanout = 16

// packedTree is a static R-tree packed with the Sort-Tile-Recursive method
// (Leutenegger, Lopez and Edgington, 1997) for best-first nearest-neighbour
// search. tidwall/rtree's Nearby pushes every child of an expanded node (64)
// on a heap of 56-byte entries; this tree has a fanout of 16 and 16-byte
// heap entries, which makes nearest queries several times faster.
type packedTree struct {
	nodes  []packedNode // leaves first, root last
	order  []int32      // item indices in packed order
	leaves int          // nodes[:leaves] are leaves
	pool   sync.Pool    // *[]entry heaps
}

// packedNode covers children [start, end): items order[start:end] for a
// leaf, nodes[start:end] otherwise.
type packedNode struct {
	box        orb.Bound
	start, end int32
}

// entry is a heap entry: a node (ref >= 0) or an item (ref < 0, item
// index -ref-1) at squared distance d2. For an item that is a lower bound
// (its box distance) until exact is set.
type entry struct {
	d2    float64
	ref   int32
	exact bool
}

// newPackedTree packs the items i with ok(i) by their bounds.
func newPackedTree(bounds []orb.Bound, ok func(int) bool) *packedTree {
	t := &packedTree{}
	t.pool.New = func() any { s := make([]entry, 0, 128); return &s }
	for i := range bounds {
		if ok(i) {
			t.order = append(t.order, int32(i))
		}
	}
	if len(t.order) == 0 {
		return t
	}
	centers := make([]orb.Point, len(bounds))
	for _, i := range t.order {
		centers[i] = bounds[i].Center()
	}
	strSort(t.order, func(i int32) orb.Point { return centers[i] })
	t.pack(bounds, true)
	return t
}

// pack builds the nodes over t.order, leaves first: packedFanout
// consecutive items per leaf, packedFanout consecutive nodes per parent.
// With sortLevels every level of nodes is first ordered Sort-Tile-Recursive
// (for items in STR order); items in Hilbert order need no such step.
func (t *packedTree) pack(bounds []orb.Bound, sortLevels bool) {
	for s := 0; s < len(t.order); s += packedFanout {
		e := min(s+packedFanout, len(t.order))
		b := bounds[t.order[s]]
		for _, i := range t.order[s+1 : e] {
			b = b.Union(bounds[i])
		}
		t.nodes = append(t.nodes, packedNode{b, int32(s), int32(e)})
	}
	t.leaves = len(t.nodes)
	for lo, hi := 0, len(t.nodes); hi-lo > 1; lo, hi = hi, len(t.nodes) {
		if sortLevels {
			strSortNodes(t.nodes[lo:hi])
		}
		for s := lo; s < hi; s += packedFanout {
			e := min(s+packedFanout, hi)
			b := t.nodes[s].box
			for _, c := range t.nodes[s+1 : e] {
				b = b.Union(c.box)
			}
			t.nodes = append(t.nodes, packedNode{b, int32(s), int32(e)})
		}
	}
}

// strSort orders ids Sort-Tile-Recursive: into vertical slices by x, each
// slice by y, so that consecutive runs of packedFanout form compact tiles.
func strSort(ids []int32, center func(int32) orb.Point) {
	byAxis := func(axis int) func(a, b int32) int {
		return func(a, b int32) int {
			ca, cb := center(a)[axis], center(b)[axis]
			switch {
			case ca < cb:
				return -1
			case ca > cb:
				return 1
			}
			return int(a - b)
		}
	}
	slices.SortFunc(ids, byAxis(0))
	tiles := (len(ids) + packedFanout - 1) / packedFanout
	cols := 1
	for cols*cols < tiles {
		cols++
	}
	per := cols * packedFanout
	for s := 0; s < len(ids); s += per {
		slices.SortFunc(ids[s:min(s+per, len(ids))], byAxis(1))
	}
}

// strSortNodes orders one level of nodes Sort-Tile-Recursive by their
// centres. The children of each node move with it.
func strSortNodes(level []packedNode) {
	idx := make([]int32, len(level))
	for i := range idx {
		idx[i] = int32(i)
	}
	centers := make([]orb.Point, len(level))
	for i, n := range level {
		centers[i] = n.box.Center()
	}
	strSort(idx, func(i int32) orb.Point { return centers[i] })
	sorted := make([]packedNode, len(level))
	for k, i := range idx {
		sorted[k] = level[i]
	}
	copy(level, sorted)
}

// nearest walks the tree best-first and calls yield for items in increasing
// itemDist2, until yield returns false or the next distance exceeds limit2.
// With boxDist2 non-nil an item first enters the queue at its box distance
// and is refined with itemDist2 only when it reaches the front; itemDist2
// must then never be smaller than boxDist2.
func (t *packedTree) nearest(p orb.Point, limit2 float64,
	boxDist2, itemDist2 func(i int32) float64,
	yield func(i int32, d2 float64) bool,
) {
	if len(t.nodes) == 0 {
		return
	}
	hp := t.pool.Get().(*[]entry)
	h := (*hp)[:0]
	defer func() { *hp = h[:0]; t.pool.Put(hp) }()

	root := len(t.nodes) - 1
	h = heapPush(h, entry{boundDist2(p, t.nodes[root].box), int32(root), false})
	for len(h) > 0 {
		var e entry
		e, h = heapPop(h)
		if e.d2 > limit2 {
			return
		}
		if e.ref < 0 {
			if !e.exact {
				if d2 := itemDist2(-e.ref - 1); d2 <= limit2 {
					h = heapPush(h, entry{d2, e.ref, true})
				}
				continue
			}
			if !yield(-e.ref-1, e.d2) {
				return
			}
			continue
		}
		n := &t.nodes[e.ref]
		if int(e.ref) < t.leaves {
			for _, i := range t.order[n.start:n.end] {
				if boxDist2 == nil {
					if d2 := itemDist2(i); d2 <= limit2 {
						h = heapPush(h, entry{d2, -i - 1, true})
					}
				} else if d2 := boxDist2(i); d2 <= limit2 {
					h = heapPush(h, entry{d2, -i - 1, false})
				}
			}
			continue
		}
		for k := n.start; k < n.end; k++ {
			if d2 := boundDist2(p, t.nodes[k].box); d2 <= limit2 {
				h = heapPush(h, entry{d2, k, false})
			}
		}
	}
}

func boundDist2(p orb.Point, b orb.Bound) float64 {
	dx := max(b.Min[0]-p[0], 0, p[0]-b.Max[0])
	dy := max(b.Min[1]-p[1], 0, p[1]-b.Max[1])
	return dx*dx + dy*dy
}

func heapPush(h []entry, e entry) []entry {
	h = append(h, e)
	i := len(h) - 1
	for i > 0 {
		parent := (i - 1) / 2
		if h[parent].d2 <= e.d2 {
			break
		}
		h[i] = h[parent]
		i = parent
	}
	h[i] = e
	return h
}

func heapPop(h []entry) (entry, []entry) {
	top := h[0]
	last := h[len(h)-1]
	h = h[:len(h)-1]
	n := len(h)
	if n == 0 {
		return top, h
	}
	i := 0
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if r := c + 1; r < n && h[r].d2 < h[c].d2 {
			c = r
		}
		if h[c].d2 >= last.d2 {
			break
		}
		h[i] = h[c]
		i = c
	}
	h[i] = last
	return top, h
}
