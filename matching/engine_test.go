package matching

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/geo"
	"github.com/plekwijzer/plekwijzer/store"
)

func fp(f float64) *float64 { return &f }

func square(x, y, half float64) orb.Polygon {
	return orb.Polygon{{{x - half, y - half}, {x + half, y - half}, {x + half, y + half}, {x - half, y + half}, {x - half, y - half}}}
}

// testLayers: one OV stop at (136000, 456000), a supermarket and a huisarts
// next to it, and a Natura 2000 area "Utrechtse Heuvelrug" of 1 km around
// (150000, 456000).
func testLayers() []store.Feature {
	return []store.Feature{
		{ID: 1, Layer: "ov_halte", Name: "Centraal", Geometry: orb.Point{136000, 456000}},
		{ID: 2, Layer: "supermarkt", Name: "AH", Geometry: orb.Point{136100, 456000}},
		{ID: 3, Layer: "huisarts", Name: "HAP", Geometry: orb.Point{136000, 456100}},
		{ID: 4, Layer: "natura2000", Name: "Utrechtse Heuvelrug", Geometry: square(150000, 456000, 500)},
	}
}

func kavel(id string, x, y, area float64) store.Site {
	return store.Site{ID: id, Kind: store.Kavel, Geometry: orb.Point{x, y}, AreaM2: fp(area), AreaKind: store.AreaPlot,
		Owner: "gemeente Utrecht", Centrumgemeente: "GM0344"}
}

func scoreOne(t *testing.T, e *Engine, sites []store.Site, name string) *ScoreSet {
	t.Helper()
	p, err := DefaultProfile(name)
	if err != nil {
		t.Fatal(err)
	}
	sets, err := e.Score(context.Background(), sites, p)
	if err != nil {
		t.Fatal(err)
	}
	return sets[0]
}

func TestKnockoutNamesZone(t *testing.T) {
	e := NewEngine(testLayers(), Options{})
	set := scoreOne(t, e, []store.Site{kavel("k1", 150100, 456100, 5000), kavel("k2", 136000, 456000, 5000)}, "flexwonen")
	in, out := set.ByID("k1"), set.ByID("k2")
	if in.Eligible {
		t.Fatalf("site inside Natura 2000 is eligible: %+v", in)
	}
	if len(in.Knockouts) != 1 || !strings.Contains(in.Knockouts[0], `natura2000 "Utrechtse Heuvelrug"`) {
		t.Errorf("knockouts = %q, want one naming natura2000 \"Utrechtse Heuvelrug\"", in.Knockouts)
	}
	if in.RankInRegion != 0 {
		t.Errorf("ineligible site has rank %d", in.RankInRegion)
	}
	if !out.Eligible || len(out.Knockouts) != 0 || out.RankInRegion != 1 {
		t.Errorf("site outside: eligible=%v knockouts=%q rank=%d", out.Eligible, out.Knockouts, out.RankInRegion)
	}
	// Missing layers are warned about, not silently scored as 0.
	if !strings.Contains(strings.Join(set.Warnings, "\n"), "netcongestie") {
		t.Errorf("no warning about the missing netcongestie layer: %q", set.Warnings)
	}
}

func TestNearerOVScoresHigher(t *testing.T) {
	e := NewEngine(testLayers(), Options{})
	// Both 600 m and 800 m from the stop along y; supermarket/huisarts distances
	// differ slightly, so put them symmetric: move along -y (huisarts is at +y).
	near := kavel("a", 136000, 455400, 5000) // 600 m from OV
	far := kavel("b", 136000, 455200, 5000)  // 800 m from OV
	set := scoreOne(t, e, []store.Site{near, far}, "flexwonen")
	a, b := set.ByID("a"), set.ByID("b")
	if !(a.Score > b.Score) {
		t.Fatalf("nearer site scores %v, farther %v", a.Score, b.Score)
	}
	// Hand-computed: OV 600 m -> (1000-600)/600*100 = 66.67; 800 m -> 33.33.
	ov := func(r *Result) CriterionResult {
		for _, c := range r.Criteria {
			if c.Name == "afstand_ov" {
				return c
			}
		}
		t.Fatal("no afstand_ov")
		return CriterionResult{}
	}
	if c := ov(a); math.Abs(c.Value-600) > 1e-9 || math.Abs(c.Normalised-200.0/3) > 1e-9 {
		t.Errorf("near: value %v normalised %v, want 600 and 66.667", c.Value, c.Normalised)
	}
	if c := ov(b); math.Abs(c.Normalised-100.0/3) > 1e-9 {
		t.Errorf("far: normalised %v, want 33.333", c.Normalised)
	}
}

// TestHandComputedScore checks a full flexwonen score by hand. Loaded
// layers: ov_halte, supermarkt, huisarts, natura2000. Criteria with data:
// capaciteit (15), afstand_ov (15), afstand_huisarts (10), afstand_supermarkt
// (10), eigendom (10) = 60; netcongestie, geluid, overstroming, bodem,
// afstand_industrie are dropped (no layer).
// Site at (136000, 455400), 5000 m²: capacity floor(5000/10000*30)=15 units
// -> 50; OV 600 m -> 66.667; huisarts 700 m -> 100; supermarket
// sqrt(100²+600²)=608.3 m -> 100; owner gemeente -> 100.
// score = (15*50 + 15*66.667 + 10*100 + 10*100 + 10*100)/60 = 79.1667.
func TestHandComputedScore(t *testing.T) {
	e := NewEngine(testLayers(), Options{})
	set := scoreOne(t, e, []store.Site{kavel("a", 136000, 455400, 5000)}, "flexwonen")
	r := set.Results[0]
	want := (15*50 + 15*200.0/3 + 10*100 + 10*100 + 10*100) / 60
	if math.Abs(r.Score-want) > 1e-9 {
		t.Errorf("score = %v, want %v", r.Score, want)
	}
	if r.CapacityUnits != 15 || r.CapacityPeople != 15 {
		t.Errorf("capacity = %d units / %d people, want 15/15", r.CapacityUnits, r.CapacityPeople)
	}
	var sum, wsum float64
	missing := 0
	for _, c := range r.Criteria {
		sum += c.Contribution
		wsum += c.Weight
		if c.Missing {
			missing++
			if c.Weight != 0 || c.Contribution != 0 {
				t.Errorf("missing criterion %s has weight %v", c.Name, c.Weight)
			}
		}
	}
	if missing != 5 {
		t.Errorf("%d criteria missing, want 5", missing)
	}
	if math.Abs(sum-r.Score) > 1e-9 || math.Abs(wsum-100) > 1e-9 {
		t.Errorf("contributions sum to %v (score %v), weights to %v", sum, r.Score, wsum)
	}
}

func TestCapacityFormula(t *testing.T) {
	c := Capacity{}
	for _, tc := range []struct {
		plot float64
		want int
	}{{1000, 3}, {3333, 9}, {3334, 10}, {10000, 30}, {0, 0}} {
		if got := c.FlexUnits(tc.plot); got != tc.want {
			t.Errorf("FlexUnits(%v) = %d, want %d", tc.plot, got, tc.want)
		}
	}
	// BVO 1000 -> GBO 800 -> 800*0.7/30 = 18.67 -> 18 units.
	g, _ := c.GBO(1000, store.AreaBVO)
	if u := c.TransformatieUnits(g); g != 800 || u != 18 {
		t.Errorf("BVO 1000: GBO %v units %d, want 800 and 18", g, u)
	}
	g, _ = c.GBO(1000, store.AreaGBO)
	if u := c.TransformatieUnits(g); u != 23 {
		t.Errorf("GBO 1000: units %d, want 23", u)
	}
	if p := (Capacity{PersonsPerUnit: 1.5}).People(15); p != 22 {
		t.Errorf("People(15) at 1.5 = %d, want 22", p)
	}
	// Through the engine: a gebouw with BVO 1000 m².
	e := NewEngine(testLayers(), Options{})
	s := store.Site{ID: "g1", Kind: store.Gebouw, Geometry: orb.Point{136000, 456000}, AreaM2: fp(1000), AreaKind: store.AreaBVO, Centrumgemeente: "GM0344"}
	r := scoreOne(t, e, []store.Site{s}, "transformatie").Results[0]
	if r.CapacityUnits != 18 || r.CapacityPeople != 18 || !strings.Contains(r.CapacityAssumptions, "0.70") {
		t.Errorf("transformatie capacity %d/%d %q", r.CapacityUnits, r.CapacityPeople, r.CapacityAssumptions)
	}
}

func TestMetricKnockouts(t *testing.T) {
	ref := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	until := ref.AddDate(6, 0, 0)
	e := NewEngine(testLayers(), Options{ReferenceDate: ref})
	small := kavel("small", 136000, 456000, 800)
	short := kavel("short", 136000, 456000, 5000)
	short.AvailableUntil = &until
	set := scoreOne(t, e, []store.Site{small, short}, "flexwonen")
	if r := set.ByID("small"); r.Eligible || !strings.Contains(r.Knockouts[0], "plot_area 800 is below 1000") {
		t.Errorf("small: %q", r.Knockouts)
	}
	if r := set.ByID("short"); r.Eligible || !strings.Contains(r.Knockouts[0], "availability_years") {
		t.Errorf("short: %q", r.Knockouts)
	}
}

func TestBuildingDepth(t *testing.T) {
	// A 60 x 14 m slab rotated by 30 degrees: depth 14.
	var ring orb.Ring
	a := math.Pi / 6
	for _, p := range []orb.Point{{0, 0}, {60, 0}, {60, 14}, {0, 14}, {0, 0}} {
		ring = append(ring, orb.Point{1000 + p[0]*math.Cos(a) - p[1]*math.Sin(a), 1000 + p[0]*math.Sin(a) + p[1]*math.Cos(a)})
	}
	d, ok := buildingDepth(&store.Site{Geometry: orb.Polygon{ring}})
	if !ok || math.Abs(d-14) > 1e-9 {
		t.Errorf("depth = %v, %v; want 14", d, ok)
	}
	d, ok = buildingDepth(&store.Site{Geometry: orb.Point{1, 1}, Attributes: map[string]string{"gebouwdiepte": "18,5"}})
	if !ok || d != 18.5 {
		t.Errorf("depth from attribute = %v, %v", d, ok)
	}
	if _, ok := buildingDepth(&store.Site{Geometry: orb.Point{1, 1}}); ok {
		t.Error("a point without depth column has a depth")
	}
}

// randomScene builds a reproducible synthetic scene.
func randomScene(seed uint64, nSites, nStops, nAmen, nZones int) ([]store.Site, []store.Feature) {
	rng := rand.New(rand.NewPCG(seed, 42))
	pt := func() orb.Point { return orb.Point{13000 + rng.Float64()*265000, 306000 + rng.Float64()*310000} }
	var fs []store.Feature
	id := int64(0)
	add := func(layer string, g orb.Geometry, attrs map[string]string) {
		id++
		fs = append(fs, store.Feature{ID: id, Layer: layer, Name: layer + "-" + strconvI(id), Geometry: g, Attributes: attrs})
	}
	for i := 0; i < nStops; i++ {
		add("ov_halte", pt(), nil)
	}
	amen := []string{"supermarkt", "huisarts", "school", "voorziening"}
	for i := 0; i < nAmen; i++ {
		add(amen[i%4], pt(), nil)
	}
	zones := []string{"natura2000", "geluid", "overstroming", "bodem", "industrie", "netcongestie", "hoogspanning"}
	for i := 0; i < nZones; i++ {
		c := pt()
		half := 200 + rng.Float64()*1800
		attrs := map[string]string{"lden": strconvI(int64(50 + rng.IntN(20))), "waterdiepte": "0.4", "status": []string{"rood", "oranje", "groen"}[rng.IntN(3)]}
		add(zones[i%len(zones)], square(c[0], c[1], half), attrs)
	}
	owners := []string{"RVB", "gemeente", "particulier", ""}
	funcs := []string{"kantoorfunctie", "industriefunctie", "onderwijsfunctie", ""}
	sites := make([]store.Site, nSites)
	for i := range sites {
		p := pt()
		s := store.Site{ID: "s" + strconvI(int64(i)), Geometry: p, Centrumgemeente: "GM00" + strconvI(int64(10+rng.IntN(40))), Owner: owners[rng.IntN(4)]}
		if i%2 == 0 {
			s.Kind, s.AreaM2, s.AreaKind = store.Kavel, fp(500+rng.Float64()*20000), store.AreaPlot
		} else {
			s.Kind, s.AreaM2, s.AreaKind = store.Gebouw, fp(100+rng.Float64()*10000), store.AreaBVO
			s.Function = funcs[rng.IntN(4)]
			y := 1900 + rng.IntN(125)
			s.ConstructionYear = &y
			s.Geometry = square(p[0], p[1], 5+rng.Float64()*20)
		}
		sites[i] = s
	}
	return sites, fs
}

func strconvI(i int64) string { return strings.TrimSpace(jsonNum(i)) }

func jsonNum(i int64) string { b, _ := json.Marshal(i); return string(b) }

func TestContributionsSumAndDeterminism(t *testing.T) {
	sites, fs := randomScene(7, 3000, 2000, 1000, 200)
	profiles, err := DefaultProfiles()
	if err != nil {
		t.Fatal(err)
	}
	run := func(workers int, naive bool) []byte {
		e := NewEngine(fs, Options{Workers: workers})
		e.naive = naive
		sets, err := e.Score(context.Background(), sites, profiles...)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range sets {
			for _, r := range s.Results {
				var sum float64
				for _, c := range r.Criteria {
					sum += c.Contribution
				}
				if math.Abs(sum-r.Score) > 1e-9 || r.Score < 0 || r.Score > 100+1e-9 {
					t.Fatalf("%s %s: contributions %v, score %v", s.Name, r.SiteID, sum, r.Score)
				}
			}
		}
		b, err := json.Marshal(sets)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a := run(2, false)
	if b := run(2, false); string(a) != string(b) {
		t.Error("same input, different output")
	}
	if b := run(1, false); string(a) != string(b) {
		t.Error("1 worker and 2 workers differ")
	}
	if b := run(2, true); string(a) != string(b) {
		t.Error("grid fast path and R-tree lookups differ")
	}
}

// TestGridMatchesIndex compares the grid fast path with the R-tree.
func TestGridMatchesIndex(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var items []geo.Item[int32]
	var pts []orb.Point
	var ids []int32
	for i := 0; i < 500; i++ {
		p := orb.Point{rng.Float64() * 10000, rng.Float64() * 5000}
		items = append(items, geo.Item[int32]{Geometry: p, Value: int32(i)})
		pts = append(pts, p)
		ids = append(ids, int32(i))
	}
	ix := geo.NewIndex(items)
	g := newPointGrid(pts, ids, 2)
	for i := 0; i < 2000; i++ {
		q := orb.Point{-3000 + rng.Float64()*16000, -3000 + rng.Float64()*11000}
		maxD := rng.Float64() * 3000
		var want float64
		found := false
		ix.Nearest(q, maxD, func(_ geo.Item[int32], d float64) bool { want, found = d, true; return false })
		got, _, ok := g.nearest(q, maxD)
		if ok != found || (ok && math.Abs(got-want) > 1e-9) {
			t.Fatalf("nearest(%v, %v): grid %v %v, index %v %v", q, maxD, got, ok, want, found)
		}
		r := rng.Float64() * 1500
		n := 0
		ix.Within(q, r, func(geo.Item[int32], float64) bool { n++; return true })
		if c := g.countWithin(q, r); c != n {
			t.Fatalf("countWithin(%v, %v) = %d, index %d", q, r, c, n)
		}
	}
}
