package bench

import (
	"context"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/geo"
	"github.com/plekwijzer/plekwijzer/store"
)

func smallScene(t *testing.T, seed uint64) *Scene {
	t.Helper()
	gs, err := EmbeddedGemeenten()
	if err != nil {
		t.Fatal(err)
	}
	sc, err := Generate(context.Background(), gs, SceneOptions{Seed: seed, Sites: 2000, Stops: 600, Amenities: 400, Zones: 40})
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func sceneHash(t *testing.T, sc *Scene) string {
	t.Helper()
	files, err := sc.WriteCSV(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	h, err := HashFiles(files)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// The generator is deterministic: the same seed gives the same bytes, another seed others.
func TestGenerateDeterministic(t *testing.T) {
	a, b, c := sceneHash(t, smallScene(t, 7)), sceneHash(t, smallScene(t, 7)), sceneHash(t, smallScene(t, 8))
	if a != b {
		t.Errorf("same seed, different files: %s vs %s", a, b)
	}
	if a == c {
		t.Errorf("seeds 7 and 8 gave the same files %s", a)
	}
}

// Every site lies in its gemeente, which is the lowest code containing it
// (checked by a plain scan over all municipalities), at centimetre precision.
func TestGenerateSitesInGemeente(t *testing.T) {
	sc := smallScene(t, 3)
	kinds := map[store.SiteKind]int{}
	for _, s := range sc.Sites {
		kinds[s.Kind]++
		p := orb.Point{s.X, s.Y}
		if s.X != math.Round(s.X*100)/100 || s.Y != math.Round(s.Y*100)/100 {
			t.Fatalf("%s: %v is not rounded to cm", s.Ref, p)
		}
		want := ""
		for _, g := range sc.Gemeenten {
			if geo.Contains(g.Geometry, p) && (want == "" || g.Code < want) {
				want = g.Code
			}
		}
		if want == "" || s.Gemeente != want {
			t.Fatalf("%s at %v: gemeente %q, plain scan says %q", s.Ref, p, s.Gemeente, want)
		}
	}
	if kinds[store.Kavel] != 1000 || kinds[store.Gebouw] != 1000 {
		t.Errorf("kinds = %v, want half kavels, half gebouwen", kinds)
	}
	if len(sc.Stops) != 600 || len(sc.Amenities) != 400 || len(sc.Zones) != 40 {
		t.Errorf("layers: %d stops, %d amenities, %d zones", len(sc.Stops), len(sc.Amenities), len(sc.Zones))
	}
}

// The CSV text parses back to the scene's coordinates bit for bit.
func TestDutchRoundTrip(t *testing.T) {
	for _, v := range []float64{155000.01, 463000.99, 0.07, 12.5, 123456.78} {
		s := string(dutch(nil, v))
		got, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
		if err != nil || got != v {
			t.Errorf("dutch(%v) = %q, back %v (%v)", v, s, got, err)
		}
	}
}

// handScene places three sites by hand in a 15 km square gemeente:
//
//	A (100000, 400000): nearest stop 1000 m south; amenities at 100, 900,
//	  1000 (the radius is inclusive) and 1000.5 m -> n = 3
//	  -> 0.6 (1 - 1000/5000) + 0.4 * 3/20 = 0.48 + 0.06 = 0.54
//	B (108000, 408000): nearest stop 11 km away (no stop within 5000 m, so
//	  d = 5000), 25 amenities at about 500 m (n capped at 20) -> 0 + 0.4 = 0.4
//	C (100000, 404000): inside an exclusion square -> 0
func handScene() *Scene {
	sq := func(x0, y0, x1, y1 float64) orb.Polygon {
		return orb.Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}
	}
	sc := &Scene{
		Gemeenten: []Gemeente{{Code: "GM9999", Name: "Proefgemeente", Geometry: sq(95000, 395000, 110000, 410000)}},
		Sites: []Site{
			{Ref: "A", Kind: store.Kavel, X: 100000, Y: 400000, Gemeente: "GM9999"},
			{Ref: "B", Kind: store.Gebouw, X: 108000, Y: 408000, Gemeente: "GM9999"},
			{Ref: "C", Kind: store.Kavel, X: 100000, Y: 404000, Gemeente: "GM9999"},
		},
		Stops: []orb.Point{{100000, 399000}, {97000, 408000}},
		Zones: []orb.Polygon{sq(99500, 403500, 100500, 404500)},
	}
	for _, a := range []orb.Point{{100100, 400000}, {100000, 400900}, {99000, 400000}, {100000, 398999.5}} {
		sc.Amenities = append(sc.Amenities, Amenity{Layer: LayerSupermarkt, P: a})
	}
	for i := range 25 {
		sc.Amenities = append(sc.Amenities, Amenity{Layer: LayerHuisarts, P: orb.Point{108500 + float64(i)*0.01, 408000}})
	}
	return sc
}

var handWant = []Ranked{{"A", 0.54}, {"B", 0.4}, {"C", 0}}

func checkHand(t *testing.T, who string, r Ranking) {
	t.Helper()
	got := r["GM9999"]
	if len(r) != 1 || len(got) != len(handWant) {
		t.Fatalf("%s: ranking %v, want %v", who, r, handWant)
	}
	for i, w := range handWant {
		if got[i].ID != w.ID || math.Abs(got[i].Score-w.Score) > 1e-12 {
			t.Errorf("%s rank %d: %s %.15f, want %s %.15f", who, i+1, got[i].ID, got[i].Score, w.ID, w.Score)
		}
	}
}

// The reference profile in the engine gives the hand-computed scores.
func TestReferenceProfileHandScores(t *testing.T) {
	er, err := RunEngine(context.Background(), handScene(), 1)
	if err != nil {
		t.Fatal(err)
	}
	checkHand(t, "engine", er.Ranking)
	if got := ReferenceScore(1000, 3, false); math.Abs(got-0.54) > 1e-15 {
		t.Errorf("ReferenceScore(1000, 3) = %v", got)
	}
	if got := ReferenceScore(math.Inf(1), 25, false); got != 0.4 {
		t.Errorf("ReferenceScore(inf, 25) = %v", got)
	}
}

// The PostGIS query gives the same hand-computed scores.
func TestReferenceSQLHandScores(t *testing.T) {
	dsn := os.Getenv("PLEKWIJZER_TEST_PG")
	if dsn == "" {
		t.Skip("PLEKWIJZER_TEST_PG not set")
	}
	pr, err := RunPostGIS(context.Background(), dsn, handScene(), false)
	if err != nil {
		t.Fatal(err)
	}
	checkHand(t, "PostGIS", pr.Ranking)
}

func TestCompare(t *testing.T) {
	base := func() Ranking {
		return Ranking{
			"GM0001": {{"a", 0.9}, {"b", 0.8}, {"c", 0.8 - 1e-12}, {"d", 0.5}},
			"GM0002": {{"e", 0.7}, {"f", 0.6}},
		}
	}
	if d := Compare(base(), base(), Tolerance, 0); len(d) != 0 {
		t.Fatalf("equal rankings differ: %v", d)
	}
	tests := []struct {
		name    string
		perturb func(r Ranking)
		diffs   int
	}{
		{"score off by 1e-6", func(r Ranking) { r["GM0001"][3].Score += 1e-6 }, 1},
		{"score off within tolerance", func(r Ranking) { r["GM0001"][3].Score += 1e-10 }, 0},
		{"other site", func(r Ranking) { r["GM0002"][1].ID = "x" }, 1},
		{"two sites swapped", func(r Ranking) { r["GM0001"][0], r["GM0001"][1] = r["GM0001"][1], r["GM0001"][0] }, 2},
		{"near tie swapped", func(r Ranking) { r["GM0001"][1], r["GM0001"][2] = r["GM0001"][2], r["GM0001"][1] }, 0},
		{"site missing", func(r Ranking) { r["GM0002"] = r["GM0002"][:1] }, 1},
		{"gemeente missing", func(r Ranking) { delete(r, "GM0002") }, 1},
		{"NaN", func(r Ranking) { r["GM0002"][0].Score = math.NaN() }, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := base()
			tc.perturb(got)
			if d := Compare(base(), got, Tolerance, 0); len(d) != tc.diffs {
				t.Errorf("%d differences %v, want %d", len(d), d, tc.diffs)
			}
		})
	}
}

// TopPerGemeente against a hand-sorted answer: score descending, ties by id, cut at n.
func TestTopPerGemeente(t *testing.T) {
	ids := []string{"s3", "s1", "s2", "s4", "s5"}
	gms := []string{"G1", "G1", "G1", "G2", "G1"}
	scores := []float64{0.5, 0.5, 0.9, 0.1, 0.2}
	got := TopPerGemeente(ids, gms, scores, 3)
	want := Ranking{"G1": {{"s2", 0.9}, {"s1", 0.5}, {"s3", 0.5}}, "G2": {{"s4", 0.1}}}
	if d := Compare(want, got, 0, 0); len(d) > 0 {
		t.Errorf("%v", d)
	}
}

func TestCheckLoopback(t *testing.T) {
	for _, u := range []string{"http://127.0.0.1:8080/x", "http://localhost:1/", "http://[::1]:80/"} {
		if err := CheckLoopback(u); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
	for _, u := range []string{"http://10.0.0.1/", "https://127.0.0.1/", "http://example.org/", "http://127.0.0.1.example.org/"} {
		if err := CheckLoopback(u); err == nil {
			t.Errorf("%s accepted", u)
		}
	}
	if _, err := Load(context.Background(), []string{"http://192.0.2.1/"}, LoadOptions{Duration: time.Millisecond}); err == nil {
		t.Error("Load accepted a non-loopback target")
	}
}

// The load generator stops within Duration + Timeout even when the server
// never answers some requests, and counts those as errors.
func TestLoadStopsWithinBounds(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/hang" {
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	defer close(release)
	o := LoadOptions{Connections: 4, Duration: 300 * time.Millisecond, Timeout: 200 * time.Millisecond}
	t0 := time.Now()
	res, err := Load(context.Background(), []string{srv.URL + "/ok", srv.URL + "/hang"}, o)
	elapsed := time.Since(t0)
	if err != nil {
		t.Fatal(err)
	}
	// The bound is the design's: Duration + Timeout, plus slack for a loaded machine.
	if bound := o.Duration + o.Timeout + 2*time.Second; elapsed > bound {
		t.Errorf("load took %s, bound %s", elapsed, bound)
	}
	if res.Errors == 0 || res.Requests <= res.Errors {
		t.Errorf("requests %d, errors %d: want some of each (the hanging URL times out)", res.Requests, res.Errors)
	}
	if res.P50 <= 0 || res.P99 < res.P50 {
		t.Errorf("p50 %s, p99 %s", res.P50, res.P99)
	}
}

func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i))
	}
	if p := percentile(d, 0.5); p != 50 {
		t.Errorf("p50 = %d", p)
	}
	if p := percentile(d, 0.99); p != 99 {
		t.Errorf("p99 = %d", p)
	}
	if p := percentile(nil, 0.99); p != 0 {
		t.Errorf("empty p99 = %d", p)
	}
}

func TestReplaceSection(t *testing.T) {
	doc := "# Benchmarks\n\nbefore\n" + MarkStart + "\nold\n" + MarkEnd + "\nafter\n"
	got := ReplaceSection(doc, "new\n")
	want := "# Benchmarks\n\nbefore\n" + MarkStart + "\nnew\n" + MarkEnd + "\nafter\n"
	if got != want {
		t.Errorf("got %q", got)
	}
	if again := ReplaceSection(got, "new"); again != want {
		t.Errorf("not idempotent: %q", again)
	}
	if got := ReplaceSection("# B\n", "x"); got != "# B\n\n"+MarkStart+"\nx\n"+MarkEnd+"\n" {
		t.Errorf("append: %q", got)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -1000: "-1,000"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

// On a generated scene the engine and PostGIS agree (what `bench --check` asserts in CI).
func TestEngineAgreesWithPostGIS(t *testing.T) {
	dsn := os.Getenv("PLEKWIJZER_TEST_PG")
	if dsn == "" {
		t.Skip("PLEKWIJZER_TEST_PG not set")
	}
	sc := smallScene(t, 5)
	er, err := RunEngine(context.Background(), sc, 1)
	if err != nil {
		t.Fatal(err)
	}
	pr, err := RunPostGIS(context.Background(), dsn, sc, false)
	if err != nil {
		t.Fatal(err)
	}
	if d := Compare(pr.Ranking, er.Ranking, Tolerance, 10); len(d) > 0 {
		t.Errorf("engine and PostGIS differ:\n%s", strings.Join(d, "\n"))
	}
	knocked, positive := 0, 0
	for _, rs := range er.Ranking {
		for _, r := range rs {
			if r.Score == 0 {
				knocked++
			} else {
				positive++
			}
		}
	}
	if knocked == 0 || positive == 0 {
		t.Errorf("a degenerate scene: %d zero scores, %d positive", knocked, positive)
	}
}

// The report shows the figures of a result, the ratio from the same run,
// and a difference loudly.
func TestReport(t *testing.T) {
	rs := []SizeResult{{
		Sites:  10000,
		Hash:   "abc",
		Engine: &EngineResult{Score: 10 * time.Millisecond},
		PG:     &PGResult{Query: time.Second, Load: 2 * time.Second, Rows: 5},
		CSV:    []ImportResult{{Imported: 5000, Elapsed: time.Second}, {Imported: 5000, Elapsed: time.Second}},
		Diffs:  []string{"GM0001 rank 1: a vs b"},
		API: []APIResult{
			{Kind: ReqItem, LoadResult: LoadResult{Requests: 2000, Elapsed: 2 * time.Second, P99: 1500 * time.Microsecond}},
			{Kind: ReqRegios, LoadResult: LoadResult{Requests: 10, Errors: 4, Elapsed: 2 * time.Second, FirstError: `Get "http://127.0.0.1:4444/regios": timeout`}},
		},
	}}
	got := Report(rs, Config{Seed: 8}, Machine{CPUs: 2, CPUModel: "Test CPU", MemoryGB: 24, GoVersion: "go1.x"}, time.Date(2026, 12, 1, 20, 0, 0, 0, time.UTC))
	for _, want := range []string{
		"2026-12-01 20:00 UTC", "2 CPUs (Test CPU)", "| 10,000 | 5,000 | - | 2.00 |", "| 0.010 | 1.00 | 100x | **1 differences** |",
		" 1000 (1.5) |", " 3 (0.0, 4 errors) |", "difference: GM0001 rank 1: a vs b",
		"regios: 4 of 10 requests failed, the first: Get \"/regios\": timeout",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
}
