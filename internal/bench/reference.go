package bench

import (
	"context"
	"fmt"
	"math"
	"sort"

	"time"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/matching"
	"github.com/plekwijzer/plekwijzer/store"
)

// The reference workload of issue 8, the same in the engine and in PostGIS:
//
//	d     = min(distance to the nearest OV stop, 5000 m)
//	n     = amenities (supermarkt, huisarts) within 1000 m
//	score = 0.6 (1 - d/5000) + 0.4 min(n, 20)/20, or 0 inside an exclusion polygon
//
// and the top TopN per gemeente, ties by id.
const (
	RefMaxDistance = 5000.0
	RefRadius      = 1000.0
	RefCountCap    = 20.0
	RefWeightDist  = 0.6
	RefWeightCount = 0.4
	TopN           = 100
	// Tolerance is the largest score difference two implementations may show.
	Tolerance = 1e-9
)

// ReferenceProfile is the reference workload as a matching profile: a
// distance criterion (weight 60, linear 0..5000 m -> 100..0, max_distance
// 5000, so a site without a stop within 5 km gets d = 5000 and subscore 0,
// not "missing"), a count_within criterion (weight 40, radius 1000 m,
// linear 0..20 -> 0..100; a count is never missing) and a zone knock-out
// on natura2000. Both criteria always have data, so no weight is ever
// renormalised away and the engine's score (0-100) is 100 times the
// reference score. It applies to both site kinds.
func ReferenceProfile() (*matching.Profile, error) {
	p := &matching.Profile{
		Name:      "bench-referentie",
		Use:       matching.Flex,
		Title:     "Referentiewerklast issue 8",
		SiteKinds: []store.SiteKind{store.Kavel, store.Gebouw},
		Knockouts: []matching.Knockout{{Name: "uitsluitingsgebied", Zone: LayerNatura, Reason: "in een uitsluitingsgebied", Judgement: true}},
		Criteria: []matching.Criterion{
			{
				Name: "afstand_ov", Metric: matching.MetricDistance, Layer: LayerOV, Unit: "m",
				MaxDistance: RefMaxDistance, Weight: 100 * RefWeightDist, Function: matching.FuncLinear,
				Thresholds: []float64{0, RefMaxDistance}, Scores: []float64{100, 0}, Judgement: true,
			},
			{
				Name: "voorzieningen", Metric: matching.MetricCountWithin, Layers: []string{LayerSupermarkt, LayerHuisarts},
				Radius: RefRadius, Unit: "aantal", Weight: 100 * RefWeightCount, Function: matching.FuncLinear,
				Thresholds: []float64{0, RefCountCap}, Scores: []float64{0, 100}, Judgement: true,
			},
		},
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("reference profile: %w", err)
	}
	return p, nil
}

// ReferenceScore is the reference formula for a site with nearest-stop
// distance d (m; +Inf for none), n amenities within the radius, and
// whether it is knocked out.
func ReferenceScore(d float64, n int, knocked bool) float64 {
	if knocked {
		return 0
	}
	d = math.Min(d, RefMaxDistance)
	return RefWeightDist*(1-d/RefMaxDistance) + RefWeightCount*math.Min(float64(n), RefCountCap)/RefCountCap
}

// Ranked is one site in a ranking.
type Ranked struct {
	ID    string
	Score float64
}

// Ranking is the top TopN per gemeente code, best first, ties by id.
type Ranking map[string][]Ranked

// TopPerGemeente ranks scores (by site index) per gemeente and keeps the
// first n of each.
func TopPerGemeente(ids, gemeenten []string, scores []float64, n int) Ranking {
	by := map[string][]Ranked{}
	for i, id := range ids {
		by[gemeenten[i]] = append(by[gemeenten[i]], Ranked{ID: id, Score: scores[i]})
	}
	for g, rs := range by {
		sort.Slice(rs, func(i, j int) bool {
			if rs[i].Score != rs[j].Score {
				return rs[i].Score > rs[j].Score
			}
			return rs[i].ID < rs[j].ID
		})
		if len(rs) > n {
			rs = rs[:n:n]
		}
		by[g] = rs
	}
	return by
}

// EngineSites converts the scene's sites to store sites (points, with
// their gemeente) for the engine.
func (sc *Scene) EngineSites() []store.Site {
	out := make([]store.Site, len(sc.Sites))
	for i := range sc.Sites {
		s := &sc.Sites[i]
		out[i] = store.Site{ID: s.Ref, Kind: s.Kind, SourceRef: s.Ref, Geometry: orb.Point{s.X, s.Y}, Gemeente: s.Gemeente}
	}
	return out
}

// EngineFeatures converts the scene's context layers to store features.
func (sc *Scene) EngineFeatures() []store.Feature {
	out := make([]store.Feature, 0, len(sc.Stops)+len(sc.Amenities)+len(sc.Zones))
	id := int64(0)
	add := func(layer string, g orb.Geometry) {
		id++
		out = append(out, store.Feature{ID: id, Layer: layer, Name: fmt.Sprintf("%s %d", layer, id), Geometry: g})
	}
	for _, p := range sc.Stops {
		add(LayerOV, p)
	}
	for _, a := range sc.Amenities {
		add(a.Layer, a.P)
	}
	for _, z := range sc.Zones {
		add(LayerNatura, z)
	}
	return out
}

// EngineResult is the reference workload computed by the engine.
type EngineResult struct {
	Ranking Ranking       `json:"-"`
	Index   time.Duration // NewEngine: building the indexes
	Score   time.Duration // ScoreCompact of the reference profile (one use)
}

// RunEngine computes the reference workload with matching.Engine. The
// scoring is repeated runs times and the fastest taken (the first run also
// warms the engine's scratch buffers).
func RunEngine(ctx context.Context, sc *Scene, runs int) (*EngineResult, error) {
	p, err := ReferenceProfile()
	if err != nil {
		return nil, err
	}
	sites := sc.EngineSites()
	t0 := time.Now()
	e := matching.NewEngine(sc.EngineFeatures(), matching.Options{})
	res := &EngineResult{Index: time.Since(t0)}
	var set *matching.CompactSet
	for r := 0; r < max(runs, 1); r++ {
		t := time.Now()
		sets, err := e.ScoreCompact(ctx, sites, p)
		if err != nil {
			return nil, fmt.Errorf("engine: %w", err)
		}
		if d := time.Since(t); r == 0 || d < res.Score {
			res.Score = d
		}
		set = sets[0]
	}
	ids := make([]string, len(set.Entries))
	gms := make([]string, len(set.Entries))
	scores := make([]float64, len(set.Entries))
	for i, en := range set.Entries {
		s := &sites[en.Site]
		ids[i], gms[i] = s.ID, s.Gemeente
		if en.Eligible {
			scores[i] = en.Score / 100
		}
	}
	res.Ranking = TopPerGemeente(ids, gms, scores, TopN)
	return res, nil
}

// Compare checks that got has the same top lists as want: the same
// gemeenten, the same ids rank by rank and scores within tol. At a rank
// where the ids differ, the difference is accepted only as a near tie:
// both scores within tol of each other, and want's id found elsewhere in
// got with a score within tol. (Exact ties are ordered by id on both
// sides, so only ties closer than tol but not exact could reorder, and
// at the cut of the top list such a tie is reported as a difference.) It
// returns one line per difference, at most limit (all when limit <= 0).
func Compare(want, got Ranking, tol float64, limit int) []string {
	var diffs []string
	add := func(format string, a ...any) {
		if limit <= 0 || len(diffs) < limit {
			diffs = append(diffs, fmt.Sprintf(format, a...))
		}
	}
	codes := map[string]bool{}
	for g := range want {
		codes[g] = true
	}
	for g := range got {
		codes[g] = true
	}
	sorted := make([]string, 0, len(codes))
	for g := range codes {
		sorted = append(sorted, g)
	}
	sort.Strings(sorted)
	for _, g := range sorted {
		w, gt := want[g], got[g]
		if len(w) != len(gt) {
			add("%s: %d sites in one ranking, %d in the other", g, len(w), len(gt))
			continue
		}
		pos := make(map[string]float64, len(gt))
		for _, r := range gt {
			pos[r.ID] = r.Score
		}
		for i := range w {
			a, b := w[i], gt[i]
			if math.Abs(a.Score-b.Score) > tol || math.IsNaN(a.Score) != math.IsNaN(b.Score) {
				add("%s rank %d: %s score %.12f vs %s score %.12f", g, i+1, a.ID, a.Score, b.ID, b.Score)
				continue
			}
			if a.ID == b.ID {
				continue
			}
			if s, ok := pos[a.ID]; !ok || math.Abs(s-a.Score) > tol {
				add("%s rank %d: %s vs %s (score %.12f)", g, i+1, a.ID, b.ID, a.Score)
			}
		}
	}
	return diffs
}

// summary describes a ranking in one line (for messages).
func (r Ranking) summary() string {
	n := 0
	for _, rs := range r {
		n += len(rs)
	}
	return fmt.Sprintf("%d gemeenten, %d ranked sites", len(r), n)
}
