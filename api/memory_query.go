package api

import (
	"context"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/api/cql2"
	"github.com/plekwijzer/plekwijzer/geo"
)

// checkEvery is how many candidate rows a query tests between two looks
// at its context.
const checkEvery = 1024

// maxEqualityDriver is the length up to which an equality index list is
// preferred over the R-tree when a query has both.
const maxEqualityDriver = 4096

// Items implements Catalog.
func (m *MemoryCatalog) Items(ctx context.Context, collection string, q Query, fn func(*Feature) error) (int, error) {
	t, err := m.table(ctx, collection)
	if err != nil {
		return 0, err
	}
	p := t.plan(q)
	if p.matchAll {
		return len(t.ord), t.emit(ctx, p.pageOf(t.ord, q), fn)
	}
	cmp := t.comparator(q.Sort)
	want := -1
	if q.Limit >= 0 {
		want = q.Offset + q.Limit
	}
	// Candidates in id order with no sort: page while counting.
	if p.ordered && cmp == nil {
		var page []int32
		n := 0
		err := p.each(ctx, t, func(row int32) {
			if n >= q.Offset && (want < 0 || n < want) {
				page = append(page, row)
			}
			n++
		})
		if err != nil {
			return 0, err
		}
		return n, t.emit(ctx, page, fn)
	}
	if cmp == nil {
		// Default order from unordered candidates (the R-tree): collect the
		// matches' positions in id order and sort those plain integers.
		var ranks []int32
		if err := p.each(ctx, t, func(row int32) { ranks = append(ranks, t.rank[row]) }); err != nil {
			return 0, err
		}
		slices.Sort(ranks)
		page := p.pageOf(ranks, q)
		rows := make([]int32, len(page))
		for i, r := range page {
			rows[i] = t.ord[r]
		}
		return len(ranks), t.emit(ctx, rows, fn)
	}
	top := newTopK(want, cmp)
	n := 0
	if err := p.each(ctx, t, func(row int32) { n++; top.add(row) }); err != nil {
		return 0, err
	}
	rows := top.sorted()
	if q.Offset >= len(rows) {
		rows = nil
	} else {
		rows = rows[q.Offset:]
	}
	return n, t.emit(ctx, rows, fn)
}

// emit materialises rows and passes them on.
func (t *memTable) emit(ctx context.Context, rows []int32, fn func(*Feature) error) error {
	for i, row := range rows {
		if i%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := fn(t.feature(int(row))); err != nil {
			return err
		}
	}
	return nil
}

// plan is how a query finds its candidate rows and which tests remain.
type plan struct {
	matchAll bool    // no condition at all: every row, in id order
	rows     []int32 // candidates from an equality index, in id order
	box      *orb.Bound
	ordered  bool // candidates come in id order
	q        Query
	lonLat   *orb.Bound
	rdBox    *orb.Bound // exact RD test of the bbox parameter
}

func (t *memTable) plan(q Query) plan {
	p := plan{q: q}
	if q.BBox == nil && len(q.Props) == 0 && q.Filter == nil {
		p.matchAll = len(q.Sort) == 0
		p.ordered = true
		return p
	}
	var box *orb.Bound
	if q.BBox != nil {
		b := q.BBox.RD
		box = &b
		if q.BBox.LonLat != nil {
			p.lonLat = q.BBox.LonLat
		} else {
			p.rdBox = &b
		}
	}
	if q.Filter != nil {
		if fb, ok := q.Filter.Bound(); ok {
			if box == nil {
				box = &fb
			} else if box.Intersects(fb) {
				b := orb.Bound{
					Min: orb.Point{max(box.Min[0], fb.Min[0]), max(box.Min[1], fb.Min[1])},
					Max: orb.Point{min(box.Max[0], fb.Max[0]), min(box.Max[1], fb.Max[1])},
				}
				box = &b
			}
		}
	}
	var best []int32
	found := false
	for _, pf := range q.Props {
		c := t.cols[pf.Name]
		s, isText := pf.Value.(string)
		if c == nil || c.Str == nil || !isText {
			continue
		}
		if rows := c.equality(t, s); !found || len(rows) < len(best) {
			best, found = rows, true
		}
	}
	switch {
	case found && (box == nil || len(best) <= maxEqualityDriver):
		p.rows, p.ordered = best, true
		if best == nil {
			p.rows = []int32{}
		}
	case box != nil:
		p.box = box
	default:
		p.ordered = true
	}
	return p
}

// pageOf returns the page of rows (in id order) that q asks for.
func (p plan) pageOf(rows []int32, q Query) []int32 {
	start := min(q.Offset, len(rows))
	end := len(rows)
	if q.Limit >= 0 {
		end = min(start+q.Limit, len(rows))
	}
	return rows[start:end]
}

// each calls fn for every matching row: candidates from the plan's index
// (or all rows), each tested against every condition of the query.
func (p plan) each(ctx context.Context, t *memTable, fn func(row int32)) error {
	var err error
	n := 0
	test := func(row int32) bool {
		if n++; n%checkEvery == 0 {
			if err = ctx.Err(); err != nil {
				return false
			}
		}
		if t.match(p, int(row)) {
			fn(row)
		}
		return true
	}
	switch {
	case p.rows != nil:
		for _, row := range p.rows {
			if !test(row) {
				break
			}
		}
	case p.box != nil:
		t.index.Search(*p.box, func(row int) bool { return test(int32(row)) })
	default:
		for _, row := range t.ord {
			if !test(row) {
				break
			}
		}
	}
	if err == nil {
		err = ctx.Err()
	}
	return err
}

// match tests one row against the bbox, the property filters and the CQL2
// filter. The index already tested the bounding boxes.
func (t *memTable) match(p plan, row int) bool {
	if p.rdBox != nil || p.lonLat != nil {
		if !t.hasGeometry(row) {
			return false
		}
		switch {
		case p.lonLat != nil && t.points:
			if !p.lonLat.Contains(geo.RDToWGS84(t.index.Bound(row).Min)) {
				return false
			}
		case p.lonLat != nil:
			if !geo.Intersects(t.lonLat(row), *p.lonLat) {
				return false
			}
		case !t.index.Bound(row).Intersects(*p.rdBox):
			return false
		case !t.points && !geo.Intersects(t.Geometry(row), *p.rdBox):
			return false
		}
	}
	for _, pf := range p.q.Props {
		if !t.equal(pf, row) {
			return false
		}
	}
	return p.q.Filter == nil || p.q.Filter.Match(record{t, row})
}

// equal reports whether the row's property equals the filter's value.
func (t *memTable) equal(pf PropertyFilter, row int) bool {
	c := t.cols[pf.Name]
	if c == nil {
		return false
	}
	switch v := pf.Value.(type) {
	case string:
		if c.Str != nil {
			return c.Str(row) == v
		}
	case float64:
		if c.Num != nil {
			x, ok := c.Num(row)
			return ok && x == v
		}
	}
	r, ok := cql2.Compare(c.Value(row), pf.Value)
	return ok && r == 0
}

// comparator orders rows by the sort keys, then by id; nil without keys.
// Nulls (and values that do not compare) sort last in both directions, so
// that sortby=-score starts with the highest score.
func (t *memTable) comparator(keys []SortKey) func(a, b int32) int {
	if len(keys) == 0 {
		return nil
	}
	cmps := make([]func(a, b int32) int, 0, len(keys)+1)
	for _, k := range keys {
		var c func(a, b int32) int
		null := func(int32) bool { return false }
		col := t.cols[k.Name]
		switch {
		case k.Name == "id" && col == nil:
			c = func(a, b int32) int { return int(t.rank[a]) - int(t.rank[b]) }
		case col == nil:
			continue
		case col.Num != nil:
			c = func(a, b int32) int {
				x, xok := col.Num(int(a))
				y, yok := col.Num(int(b))
				return compareNullable(x, y, xok, yok)
			}
			null = func(r int32) bool { _, ok := col.Num(int(r)); return !ok }
		case col.Str != nil:
			c = func(a, b int32) int { return strings.Compare(col.Str(int(a)), col.Str(int(b))) }
		default:
			c = func(a, b int32) int { return compareForSort(col.Value(int(a)), col.Value(int(b))) }
			null = func(r int32) bool { return isNull(col.Value(int(r))) }
		}
		cmps = append(cmps, nullsLast(c, null, k.Desc))
	}
	cmps = append(cmps, func(a, b int32) int { return int(t.rank[a]) - int(t.rank[b]) })
	return func(a, b int32) int {
		for _, c := range cmps {
			if r := c(a, b); r != 0 {
				return r
			}
		}
		return 0
	}
}

// nullsLast orders by c (reversed when desc) with null values after all
// others, whatever the direction.
func nullsLast[T any](c func(a, b T) int, null func(T) bool, desc bool) func(a, b T) int {
	return func(a, b T) int {
		an, bn := null(a), null(b)
		switch {
		case an && bn:
			return 0
		case an:
			return 1
		case bn:
			return -1
		case desc:
			return -c(a, b)
		}
		return c(a, b)
	}
}

// isNull reports whether v is null or does not compare (as a sort key).
func isNull(v any) bool {
	_, ok := cql2.Compare(v, v)
	return !ok
}

func compareNullable(x, y float64, xok, yok bool) int {
	switch {
	case xok && yok:
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	case xok:
		return -1
	case yok:
		return 1
	}
	return 0
}

// compareForSort orders values with NULLs (and incomparable values) last.
func compareForSort(a, b any) int {
	if c, ok := cql2.Compare(a, b); ok {
		return c
	}
	_, aok := cql2.Compare(a, a)
	_, bok := cql2.Compare(b, b)
	switch {
	case aok && !bok:
		return -1
	case !aok && bok:
		return 1
	}
	return 0
}

// topK keeps the k smallest rows under cmp (all rows when k < 0) in a
// bounded max-heap: sorting the matches of a query costs O(n log k), and
// memory is O(k), whatever n is.
type topK struct {
	k    int
	cmp  func(a, b int32) int
	rows []int32
}

func newTopK(k int, cmp func(a, b int32) int) *topK { return &topK{k: k, cmp: cmp} }

func (h *topK) add(row int32) {
	switch {
	case h.k < 0:
		h.rows = append(h.rows, row)
	case len(h.rows) < h.k:
		h.rows = append(h.rows, row)
		h.up(len(h.rows) - 1)
	case h.k > 0 && h.cmp(row, h.rows[0]) < 0:
		h.rows[0] = row
		h.down(0)
	}
}

// up and down keep the largest row (under cmp) at the root.
func (h *topK) up(i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if h.cmp(h.rows[i], h.rows[parent]) <= 0 {
			return
		}
		h.rows[i], h.rows[parent] = h.rows[parent], h.rows[i]
		i = parent
	}
}

func (h *topK) down(i int) {
	n := len(h.rows)
	for {
		c := 2*i + 1
		if c >= n {
			return
		}
		if r := c + 1; r < n && h.cmp(h.rows[r], h.rows[c]) > 0 {
			c = r
		}
		if h.cmp(h.rows[c], h.rows[i]) <= 0 {
			return
		}
		h.rows[i], h.rows[c] = h.rows[c], h.rows[i]
		i = c
	}
}

// sorted returns the kept rows in cmp order.
func (h *topK) sorted() []int32 {
	slices.SortFunc(h.rows, h.cmp)
	return h.rows
}
