package api

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/api/cql2"
	"github.com/plekwijzer/plekwijzer/geo"
)

// randomLayer returns n features around Utrecht in RD New: mostly points,
// every seventh a small square, every 31st without geometry; properties of
// every type, with nulls, and ids that are not in id order.
func randomLayer(r *rand.Rand, n int) Layer {
	props := []Property{
		{Name: "naam", Type: TypeString}, {Name: "gemeente", Type: TypeString},
		{Name: "score", Type: TypeNumber}, {Name: "bouwjaar", Type: TypeInteger},
		{Name: "eligible", Type: TypeBoolean}, {Name: "vanaf", Type: TypeDate},
		{Name: "uitleg", Type: TypeString, Computed: true},
	}
	l := Layer{Collection: Collection{ID: "random", Properties: props}}
	gemeenten := []string{"GM0344", "GM0363", "GM0518", "GM0599"}
	for i := range n {
		x, y := 130000+r.Float64()*40000, 440000+r.Float64()*40000
		var g orb.Geometry = orb.Point{x, y}
		switch {
		case i%31 == 0:
			g = nil
		case i%7 == 0:
			s := r.Float64() * 300
			g = orb.Polygon{{{x, y}, {x + s, y}, {x + s, y + s}, {x, y + s}, {x, y}}}
		}
		p := map[string]any{
			"naam": fmt.Sprintf("site %d", r.IntN(50)), "gemeente": gemeenten[r.IntN(len(gemeenten))],
			"score": float64(r.IntN(20)) * 5, "bouwjaar": nil, "eligible": r.IntN(3) > 0, "vanaf": nil,
			"uitleg": fmt.Sprintf("uitleg %d", i),
		}
		if r.IntN(4) > 0 {
			p["bouwjaar"] = 1900 + r.IntN(120)
		}
		if r.IntN(2) > 0 {
			p["vanaf"] = fmt.Sprintf("20%02d-01-01", 20+r.IntN(10))
		}
		id := fmt.Sprint(n - i) // descending: the catalog must sort
		if i%5 == 0 {
			id = fmt.Sprintf("g%04d", i)
		}
		l.Features = append(l.Features, Feature{ID: id, Geometry: g, Properties: p})
	}
	return l
}

// scanItems is the plain scan the indexed path must equal: every feature in
// id order tested against every condition, a stable sort, then the page.
func scanItems(l Layer, q Query) ([]string, int) {
	fs := slices.Clone(l.Features)
	slices.SortStableFunc(fs, func(a, b Feature) int { return CompareIDs(a.ID, b.ID) })
	var sel []Feature
	for _, f := range fs {
		if q.BBox != nil {
			if f.Geometry == nil {
				continue
			}
			if q.BBox.LonLat != nil {
				if !geo.Intersects(geo.FromRD(f.Geometry, geo.CRS84), *q.BBox.LonLat) {
					continue
				}
			} else if !geo.Intersects(f.Geometry, q.BBox.RD) {
				continue
			}
		}
		ok := true
		for _, pf := range q.Props {
			if c, cmpOK := cql2.Compare(f.Properties[pf.Name], pf.Value); !cmpOK || c != 0 {
				ok = false
			}
		}
		if ok && (q.Filter == nil || q.Filter.Match(featureRecord{&f})) {
			sel = append(sel, f)
		}
	}
	slices.SortStableFunc(sel, func(a, b Feature) int {
		for _, k := range q.Sort {
			av, bv := a.Properties[k.Name], b.Properties[k.Name]
			var c int
			switch {
			case k.Name == "id":
				c = CompareIDs(a.ID, b.ID)
			case isNull(av) && isNull(bv):
			case isNull(av): // nulls last, whatever the direction
				return 1
			case isNull(bv):
				return -1
			default:
				c = compareForSort(av, bv)
			}
			if k.Desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
	start := min(q.Offset, len(sel))
	end := len(sel)
	if q.Limit >= 0 {
		end = min(start+q.Limit, len(sel))
	}
	ids := []string{}
	for _, f := range sel[start:end] {
		ids = append(ids, f.ID)
	}
	return ids, len(sel)
}

var randomFilters = []string{
	"", "score >= 50", "gemeente = 'GM0363' AND eligible = true", "bouwjaar IS NULL", "naam LIKE 'site 1%'",
	"vanaf >= DATE('2025-01-01')", "NOT eligible = true OR score < 10",
	"S_INTERSECTS(geometry, BBOX(5.0, 52.0, 5.1, 52.1))", "S_INTERSECTS(geometry, BBOX(5.0, 52.0, 5.1, 52.1)) AND score > 20",
	"S_INTERSECTS(geometry, POLYGON((5.0 52.0, 5.2 52.0, 5.1 52.2, 5.0 52.0)))", "S_DISJOINT(geometry, BBOX(5.0, 52.0, 5.1, 52.1))",
}

func TestMemoryCatalogMatchesScan(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(2026, 12))
	l := randomLayer(r, 2000)
	cat := NewMemoryCatalog(l.Table())
	sortKeys := [][]SortKey{nil, {{Name: "score", Desc: true}}, {{Name: "naam"}, {Name: "bouwjaar", Desc: true}},
		{{Name: "vanaf"}}, {{Name: "eligible"}, {Name: "id", Desc: true}}, {{Name: "gemeente", Desc: true}, {Name: "score"}}}
	for i := range 500 {
		var q Query
		q.Limit, q.Offset = r.IntN(60)-5, r.IntN(3)*r.IntN(200)
		if r.IntN(2) == 0 {
			x, y := 128000+r.Float64()*40000, 438000+r.Float64()*40000
			s := r.Float64() * 15000
			b := orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x + s, y + s}}
			switch r.IntN(3) {
			case 0:
				q.BBox = NewBBox(b, geo.RDNew)
			case 1:
				ll := geo.RDToWGS84(b.Min)
				q.BBox = NewBBox(orb.Bound{Min: ll, Max: orb.Point{ll[0] + s/70000, ll[1] + s/110000}}, geo.CRS84)
			default:
				ll := geo.RDToWGS84(b.Min)
				q.BBox = NewBBox(orb.Bound{Min: orb.Point{ll[1], ll[0]}, Max: orb.Point{ll[1] + s/110000, ll[0] + s/70000}}, geo.WGS84)
			}
		}
		if r.IntN(3) == 0 {
			q.Props = append(q.Props, PropertyFilter{Name: "gemeente", Value: []string{"GM0344", "GM0363", "GM9999"}[r.IntN(3)]})
		}
		if r.IntN(4) == 0 {
			q.Props = append(q.Props, PropertyFilter{Name: "eligible", Value: r.IntN(2) == 0})
		}
		if r.IntN(5) == 0 {
			q.Props = append(q.Props, PropertyFilter{Name: "score", Value: float64(r.IntN(10) * 10)})
		}
		if text := randomFilters[r.IntN(len(randomFilters))]; text != "" {
			f, err := parseFilter(text, geo.CRS84, l.Collection)
			if err != nil {
				t.Fatalf("filter %q: %v", text, err)
			}
			q.Filter = f
		}
		q.Sort = sortKeys[r.IntN(len(sortKeys))]
		var got []string
		n, err := cat.Items(ctx, "random", q, func(f *Feature) error {
			if f.Properties["uitleg"] == nil {
				t.Fatalf("feature %s lacks its computed property", f.ID)
			}
			got = append(got, f.ID)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		want, wantN := scanItems(l, q)
		if got == nil {
			got = []string{}
		}
		if n != wantN || !slices.Equal(got, want) {
			t.Fatalf("query %d %s: index gives %d matched %v\nscan gives %d matched %v", i, describeQuery(q), n, got, wantN, want)
		}
	}
}

func describeQuery(q Query) string {
	var parts []string
	if q.BBox != nil {
		parts = append(parts, fmt.Sprintf("bbox %v lonlat %v", q.BBox.RD, q.BBox.LonLat))
	}
	parts = append(parts, fmt.Sprintf("props %v sort %v offset %d limit %d", q.Props, q.Sort, q.Offset, q.Limit))
	if q.Filter != nil {
		parts = append(parts, "filter "+q.Filter.String())
	}
	return strings.Join(parts, "; ")
}

func TestMemoryCatalogItem(t *testing.T) {
	ctx := context.Background()
	l := randomLayer(rand.New(rand.NewPCG(1, 1)), 200)
	cat := NewMemoryCatalog(l.Table())
	for _, f := range l.Features {
		got, err := cat.Item(ctx, "random", f.ID)
		if err != nil || got.ID != f.ID || got.Properties["uitleg"] != f.Properties["uitleg"] {
			t.Fatalf("Item(%s) = %v, %v", f.ID, got, err)
		}
	}
	if _, err := cat.Item(ctx, "random", "nope"); err == nil {
		t.Error("Item of an unknown id gave no error")
	}
	if _, err := cat.Items(ctx, "nope", Query{}, nil); err == nil {
		t.Error("Items of an unknown collection gave no error")
	}
}

func TestMemoryCatalogCancelled(t *testing.T) {
	l := randomLayer(rand.New(rand.NewPCG(1, 2)), 5000)
	cat := NewMemoryCatalog(l.Table())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f, _ := parseFilter("naam LIKE '%9%'", geo.CRS84, l.Collection)
	if _, err := cat.Items(ctx, "random", Query{Filter: f, Limit: 10}, func(*Feature) error { return nil }); err == nil {
		t.Error("a cancelled query ran to the end")
	}
}

func TestTopK(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	for _, k := range []int{-1, 0, 1, 2, 7, 100, 1000} {
		vals := make([]int32, 500)
		for i := range vals {
			vals[i] = int32(r.IntN(100))
		}
		cmp := func(a, b int32) int { return int(vals[a]) - int(vals[b]) }
		h := newTopK(k, cmp)
		for i := range vals {
			h.add(int32(i))
		}
		got := h.sorted()
		all := make([]int32, len(vals))
		for i := range all {
			all[i] = int32(i)
		}
		slices.SortStableFunc(all, cmp)
		want := all
		if k >= 0 && k < len(all) {
			want = all[:k]
		}
		if len(got) != len(want) {
			t.Fatalf("k=%d: %d rows, want %d", k, len(got), len(want))
		}
		for i := range got {
			if vals[got[i]] != vals[want[i]] {
				t.Fatalf("k=%d: row %d has value %d, want %d", k, i, vals[got[i]], vals[want[i]])
			}
		}
	}
}
