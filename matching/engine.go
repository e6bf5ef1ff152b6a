package matching

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/geo"
	"github.com/plekwijzer/plekwijzer/store"
)

// Options configure an Engine.
type Options struct {
	// ReferenceDate is "today" for the availability term; the zero time
	// means the term is counted from AvailableFrom only (or unknown). Pass
	// it explicitly so that the same input gives the same output.
	ReferenceDate time.Time
	// Regions assign gemeenten to centrumgemeenten for sites whose
	// Centrumgemeente is empty but whose Gemeente is known.
	Regions []store.RegionMember
	// Workers is the number of goroutines; 0 means GOMAXPROCS.
	Workers int
}

// Engine holds the context layers and their indexes. It is immutable after
// NewEngine and safe for concurrent use; build a new one when a layer changes.
type Engine struct {
	opts      Options
	features  []store.Feature
	featLayer []int32 // layer number of each feature
	layers    map[string]*layer
	order     []string // layer kinds, sorted
	// area is one R-tree over every non-point feature of every layer, so
	// that one query per site finds all zones containing it.
	area     *geo.Index[int32]
	regionOf map[string]string
	naive    bool // benchmarks/tests: per-lookup R-tree instead of the grid fast path
}

type layer struct {
	kind   string
	num    int32
	ids    []int32 // feature indexes
	points bool    // every feature is an orb.Point
	grid   *pointGrid
	index  *geo.Index[int32]
}

// NewEngine builds the indexes over the context layer features (RD New).
// Features with a nil geometry are ignored.
func NewEngine(features []store.Feature, opts Options) *Engine {
	e := &Engine{
		opts:      opts,
		features:  features,
		featLayer: make([]int32, len(features)),
		layers:    map[string]*layer{},
		regionOf:  map[string]string{},
	}
	for _, m := range opts.Regions {
		e.regionOf[m.Gemeente] = m.Centrumgemeente
	}
	for i, f := range features {
		if f.Geometry == nil {
			e.featLayer[i] = -1
			continue
		}
		l := e.layers[f.Layer]
		if l == nil {
			l = &layer{kind: f.Layer, points: true}
			e.layers[f.Layer] = l
		}
		l.ids = append(l.ids, int32(i))
		if _, ok := f.Geometry.(orb.Point); !ok {
			l.points = false
		}
	}
	for k := range e.layers {
		e.order = append(e.order, k)
	}
	sort.Strings(e.order)
	var areaItems []geo.Item[int32]
	for n, k := range e.order {
		l := e.layers[k]
		l.num = int32(n)
		items := make([]geo.Item[int32], len(l.ids))
		for j, id := range l.ids {
			e.featLayer[id] = l.num
			items[j] = geo.Item[int32]{Geometry: features[id].Geometry, Value: id}
		}
		l.index = geo.NewIndex(items)
		if l.points {
			pts := make([]orb.Point, len(l.ids))
			for j, id := range l.ids {
				pts[j] = features[id].Geometry.(orb.Point)
			}
			l.grid = newPointGrid(pts, l.ids, 2)
		} else {
			areaItems = append(areaItems, items...)
		}
	}
	e.area = geo.NewIndex(areaItems)
	return e
}

// HasLayer reports whether features of the layer kind are loaded.
func (e *Engine) HasLayer(kind string) bool { return e.layers[kind] != nil }

// Layers returns the loaded layer kinds, sorted.
func (e *Engine) Layers() []string { return append([]string(nil), e.order...) }

const defaultMaxDistance = 25000.0

// lookups are the spatial queries needed per site, shared by all profiles
// scored together.
type lookups struct {
	nearest []nearestSpec
	counts  []countSpec
	zones   []zoneSpec
}

type nearestSpec struct {
	l       *layer
	maxDist float64
}

type countSpec struct {
	ls     []*layer
	key    string
	radius float64
}

type zoneSpec struct {
	l      *layer
	buffer float64
}

func (lk *lookups) nearestSlot(l *layer, maxDist float64) int {
	for i, s := range lk.nearest {
		if s.l == l && s.maxDist == maxDist {
			return i
		}
	}
	lk.nearest = append(lk.nearest, nearestSpec{l, maxDist})
	return len(lk.nearest) - 1
}

func (lk *lookups) countSlot(ls []*layer, key string, radius float64) int {
	for i, s := range lk.counts {
		if s.key == key && s.radius == radius {
			return i
		}
	}
	lk.counts = append(lk.counts, countSpec{ls, key, radius})
	return len(lk.counts) - 1
}

func (lk *lookups) zoneSlot(l *layer, buffer float64) int {
	for i, s := range lk.zones {
		if s.l == l && s.buffer == buffer {
			return i
		}
	}
	lk.zones = append(lk.zones, zoneSpec{l, buffer})
	return len(lk.zones) - 1
}

// compiled is a profile bound to the engine's layers.
type compiled struct {
	p           *Profile
	crit        []compCrit
	kos         []compKO
	capacity    Capacity
	assumptions string
	warnings    []string
}

type compCrit struct {
	c       *Criterion
	slot    int       // lookup slot for distance, count_within, zone
	dropped bool      // layer not loaded: missing for every site
	attrNum []float64 // zone + attribute: the attribute parsed per feature (NaN if not a number)
}

type compKO struct {
	k       *Knockout
	slot    int
	dropped bool
}

func (e *Engine) compile(p *Profile, lk *lookups) *compiled {
	cp := &compiled{p: p, capacity: p.Capacity.Resolved(), assumptions: p.Capacity.Assumptions(p.Use)}
	for i := range p.Criteria {
		c := &p.Criteria[i]
		cc := compCrit{c: c, slot: -1}
		switch c.Metric {
		case MetricDistance:
			l := e.layers[c.Layer]
			if l == nil {
				cc.dropped = true
				break
			}
			md := c.MaxDistance
			if md == 0 {
				md = defaultMaxDistance
			}
			cc.slot = lk.nearestSlot(l, md)
		case MetricCountWithin:
			names := append([]string(nil), c.Layers...)
			if c.Layer != "" {
				names = append(names, c.Layer)
			}
			sort.Strings(names)
			names = slices.Compact(names)
			var ls []*layer
			for _, n := range names {
				if l := e.layers[n]; l != nil {
					ls = append(ls, l)
				}
			}
			if len(ls) == 0 {
				cc.dropped = true
				break
			}
			cc.slot = lk.countSlot(ls, strings.Join(names, ","), c.Radius)
		case MetricZone:
			l := e.layers[c.Layer]
			if l == nil {
				cc.dropped = true
				break
			}
			cc.slot = lk.zoneSlot(l, c.Buffer)
			if c.Attribute != "" {
				cc.attrNum = make([]float64, len(e.features))
				for _, id := range l.ids {
					v, ok := textValue(e.features[id].Attributes[c.Attribute]).asNum()
					if !ok {
						v = math.NaN()
					}
					cc.attrNum[id] = v
				}
			}
		}
		if cc.dropped {
			cp.warnings = append(cp.warnings, fmt.Sprintf("criterion %s dropped for every site: layer %q is not loaded; the other weights are renormalised", c.Name, c.Layer+strings.Join(c.Layers, ",")))
		}
		cp.crit = append(cp.crit, cc)
	}
	for i := range p.Knockouts {
		k := &p.Knockouts[i]
		ck := compKO{k: k, slot: -1}
		if k.Zone != "" {
			l := e.layers[k.Zone]
			if l == nil {
				ck.dropped = true
				cp.warnings = append(cp.warnings, fmt.Sprintf("knock-out %s not applied: layer %q is not loaded", k.Name, k.Zone))
			} else {
				ck.slot = lk.zoneSlot(l, k.Buffer)
			}
		}
		cp.kos = append(cp.kos, ck)
	}
	return cp
}

// siteCtx holds the per-site lookup answers; one per worker, reused.
type siteCtx struct {
	site     *store.Site
	p        orb.Point
	nearD    []float64
	nearOK   []bool
	counts   []int
	zoneHits [][]int32
	contain  []int32 // all area features containing p
	noGeom   bool    // the site has no usable geometry: spatial metrics are missing
}

func newSiteCtx(lk *lookups) *siteCtx {
	return &siteCtx{
		nearD:    make([]float64, len(lk.nearest)),
		nearOK:   make([]bool, len(lk.nearest)),
		counts:   make([]int, len(lk.counts)),
		zoneHits: make([][]int32, len(lk.zones)),
	}
}

func (e *Engine) lookup(lk *lookups, sc *siteCtx) {
	p := sc.p
	sc.noGeom = math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0)
	if sc.noGeom {
		return
	}
	for i, s := range lk.nearest {
		sc.nearOK[i] = false
		if s.l.points && !e.naive {
			d, _, ok := s.l.grid.nearest(p, s.maxDist)
			sc.nearD[i], sc.nearOK[i] = d, ok
			continue
		}
		s.l.index.Nearest(p, s.maxDist, func(_ geo.Item[int32], d float64) bool {
			sc.nearD[i], sc.nearOK[i] = d, true
			return false
		})
	}
	for i, s := range lk.counts {
		n := 0
		for _, l := range s.ls {
			if l.points && !e.naive {
				n += l.grid.countWithin(p, s.radius)
				continue
			}
			l.index.Within(p, s.radius, func(geo.Item[int32], float64) bool { n++; return true })
		}
		sc.counts[i] = n
	}
	if len(lk.zones) == 0 {
		return
	}
	sc.contain = sc.contain[:0]
	containDone := false
	for i, s := range lk.zones {
		hits := sc.zoneHits[i][:0]
		if s.buffer > 0 || s.l.points {
			s.l.index.Within(p, s.buffer, func(it geo.Item[int32], _ float64) bool {
				hits = append(hits, it.Value)
				return true
			})
		} else {
			if !containDone {
				e.area.Containing(p, func(it geo.Item[int32]) bool {
					sc.contain = append(sc.contain, it.Value)
					return true
				})
				slices.Sort(sc.contain)
				containDone = true
			}
			for _, id := range sc.contain {
				if e.featLayer[id] == s.l.num {
					hits = append(hits, id)
				}
			}
		}
		if len(hits) > 1 {
			slices.Sort(hits)
		}
		sc.zoneHits[i] = hits
	}
}

// metric measures criterion cc for the site.
func (e *Engine) metric(cp *compiled, cc *compCrit, sc *siteCtx) value {
	c := cc.c
	if cc.dropped {
		return missingValue()
	}
	if sc.noGeom && cc.slot >= 0 {
		return missingValue()
	}
	switch c.Metric {
	case MetricDistance:
		if sc.nearOK[cc.slot] {
			return numValue(sc.nearD[cc.slot])
		}
		md := c.MaxDistance
		if md == 0 {
			md = defaultMaxDistance
		}
		return numValue(md) // nothing within max_distance: reported as max_distance
	case MetricCountWithin:
		return numValue(float64(sc.counts[cc.slot]))
	case MetricZone:
		return e.zoneValue(cc, sc.zoneHits[cc.slot])
	}
	return siteMetric(c.Metric, c.Attribute, sc.site, cp, e.opts.ReferenceDate)
}

func (e *Engine) zoneValue(cc *compCrit, hits []int32) value {
	c := cc.c
	if len(hits) == 0 {
		switch {
		case c.Outside != "":
			return textValue(c.Outside)
		case c.Attribute == "":
			return boolValue(false)
		case c.Function == FuncCategorical:
			return textValue("")
		default:
			return numValue(0)
		}
	}
	if c.Attribute == "" {
		return boolValue(true)
	}
	if c.Function == FuncLinear || c.Function == FuncStep {
		best, ok := math.Inf(-1), false
		for _, id := range hits {
			if v := cc.attrNum[id]; !math.IsNaN(v) && v > best {
				best, ok = v, true
			}
		}
		if !ok {
			return missingValue()
		}
		return numValue(best)
	}
	// Text: the value of the hit with the lowest subscore (the worst zone).
	var worst value
	worstScore := math.Inf(1)
	for _, id := range hits {
		v := textValue(e.features[id].Attributes[c.Attribute])
		if s, ok := c.normalise(v); ok && s < worstScore {
			worst, worstScore = v, s
		}
	}
	if math.IsInf(worstScore, 1) {
		return missingValue()
	}
	return worst
}

// siteMetric measures a metric that needs only the site itself.
func siteMetric(metric, attr string, s *store.Site, cp *compiled, ref time.Time) value {
	switch metric {
	case MetricPlotArea:
		if a, ok := plotArea(s); ok {
			return numValue(a)
		}
	case MetricFloorArea:
		if a, ok := floorArea(s, cp.capacity); ok {
			return numValue(a)
		}
	case MetricCapacityUnits:
		if u, ok := capacityUnits(s, cp); ok {
			return numValue(float64(u))
		}
	case MetricFunction:
		if s.Function != "" {
			return textValue(s.Function)
		}
	case MetricConstructionYear:
		if s.ConstructionYear != nil {
			return numValue(float64(*s.ConstructionYear))
		}
	case MetricMonument:
		if s.Monument == "" {
			return textValue("geen")
		}
		return textValue(s.Monument)
	case MetricDepth:
		if d, ok := buildingDepth(s); ok {
			return numValue(d)
		}
	case MetricOwner:
		if s.Owner != "" {
			return textValue(s.Owner)
		}
	case MetricStatus:
		if s.Status != "" {
			return textValue(s.Status)
		}
	case MetricAvailabilityYears:
		if y, ok := availabilityYears(s, ref); ok {
			return numValue(y)
		}
	case MetricAttribute:
		if v := strings.TrimSpace(s.Attributes[attr]); v != "" {
			return textValue(v)
		}
	}
	return missingValue()
}

// Score scores the sites under each profile. Spatial lookups are done once
// per site for all profiles. Results come back in input order per profile;
// rank_in_region is filled. The work is split over Options.Workers
// goroutines in chunks of sites sorted along a Hilbert curve.
func (e *Engine) Score(ctx context.Context, sites []store.Site, profiles ...*Profile) ([]*ScoreSet, error) {
	lk := &lookups{}
	cps := make([]*compiled, len(profiles))
	sets := make([]*ScoreSet, len(profiles))
	pos := make([][]int32, len(profiles)) // site index -> result index, -1 if n/a
	crit := make([][]CriterionResult, len(profiles))
	for k, p := range profiles {
		if err := p.Validate(); err != nil {
			return nil, fmt.Errorf("profile %s: %w", p.Name, err)
		}
		cps[k] = e.compile(p, lk)
		pos[k] = make([]int32, len(sites))
		n := 0
		for i := range sites {
			if p.appliesTo(sites[i].Kind) {
				pos[k][i] = int32(n)
				n++
			} else {
				pos[k][i] = -1
			}
		}
		sets[k] = &ScoreSet{Profile: p, Name: p.Name, Use: p.Use, Results: make([]Result, n), Warnings: cps[k].warnings}
		crit[k] = make([]CriterionResult, n*len(p.Criteria))
	}

	workers := e.opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	order := e.hilbertOrder(sites, workers)
	const chunk = 512
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			sc := newSiteCtx(lk)
			for {
				if err := ctx.Err(); err != nil {
					errs[w] = err
					return
				}
				lo := int(next.Add(chunk)) - chunk
				if lo >= len(order) {
					return
				}
				hi := min(lo+chunk, len(order))
				for _, oi := range order[lo:hi] {
					i := int(oi.idx)
					sc.site = &sites[i]
					sc.p = oi.p
					e.lookup(lk, sc)
					for k, cp := range cps {
						j := pos[k][i]
						if j < 0 {
							continue
						}
						nc := len(cp.crit)
						e.scoreOne(cp, sc, &sets[k].Results[j], crit[k][int(j)*nc:int(j+1)*nc:int(j+1)*nc])
					}
				}
			}
		}(w)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("score: %w", err)
		}
	}
	for _, s := range sets {
		RankInRegion(s.Results)
	}
	return sets, nil
}

// noKnockouts is the shared empty knock-out list (never appended to in place).
var noKnockouts = []string{}

func (e *Engine) scoreOne(cp *compiled, sc *siteCtx, r *Result, cr []CriterionResult) {
	s := sc.site
	p := cp.p
	r.SiteID, r.SiteKind, r.Use, r.Profile = s.ID, s.Kind, p.Use, p.Name
	r.Gemeente = s.Gemeente
	r.Centrumgemeente = s.Centrumgemeente
	if r.Centrumgemeente == "" {
		r.Centrumgemeente = e.regionOf[s.Gemeente]
	}
	var sumW float64
	for i := range cp.crit {
		cc := &cp.crit[i]
		v := e.metric(cp, cc, sc)
		c := &cr[i]
		c.Name, c.Unit = cc.c.Name, cc.c.Unit
		n, ok := cc.c.normalise(v)
		if !ok {
			c.Missing = true
			continue
		}
		if v.kind == valText {
			c.Text = v.text
		} else {
			c.Value = v.num
		}
		c.Normalised = n
		sumW += cc.c.Weight
	}
	var score float64
	for i := range cr {
		c := &cr[i]
		if c.Missing || sumW == 0 {
			continue
		}
		c.Weight = 100 * cp.crit[i].c.Weight / sumW
		c.Contribution = c.Weight * c.Normalised / 100
		score += c.Contribution
	}
	r.Score = score
	r.Criteria = cr
	r.Knockouts = e.knockouts(cp, sc)
	r.Eligible = len(r.Knockouts) == 0
	r.CapacityAssumptions = cp.assumptions
	if u, ok := capacityUnits(s, cp); ok {
		r.CapacityUnits = u
		r.CapacityPeople = cp.capacity.People(u)
	}
}

func (e *Engine) knockouts(cp *compiled, sc *siteCtx) []string {
	out := noKnockouts
	for i := range cp.kos {
		ck := &cp.kos[i]
		if ck.dropped {
			continue
		}
		k := ck.k
		if k.Zone != "" {
			if sc.noGeom {
				continue
			}
			for _, id := range sc.zoneHits[ck.slot] {
				out = append(out[:len(out):len(out)], zoneReason(k, &e.features[id]))
			}
			continue
		}
		v := siteMetric(k.Metric, k.Attr, sc.site, cp, e.opts.ReferenceDate)
		if reason, ok := metricKO(k, v); ok {
			out = append(out[:len(out):len(out)], reason)
		}
	}
	return out
}

func zoneReason(k *Knockout, f *store.Feature) string {
	reason := k.Reason
	if reason == "" {
		reason = "inside " + k.Zone
	}
	name := f.Name
	if name == "" {
		name = "feature " + strconv.FormatInt(f.ID, 10)
	}
	if k.Buffer > 0 {
		return fmt.Sprintf("%s: within %g m of %s %q", reason, k.Buffer, f.Layer, name)
	}
	return fmt.Sprintf("%s: %s %q", reason, f.Layer, name)
}

func metricKO(k *Knockout, v value) (string, bool) {
	reason := k.Reason
	if reason == "" {
		reason = k.Name
	}
	if len(k.Values) > 0 {
		if t, ok := v.asText(); ok && v.kind != valMissing {
			lt := strings.ToLower(t)
			for _, m := range k.Values {
				if strings.Contains(lt, strings.ToLower(m)) {
					return fmt.Sprintf("%s: %s is %q", reason, k.Metric, t), true
				}
			}
		}
	}
	if x, ok := v.asNum(); ok && v.kind != valMissing {
		if k.Min != nil && x < *k.Min {
			return fmt.Sprintf("%s: %s %s is below %s", reason, k.Metric, fmtNum(x), fmtNum(*k.Min)), true
		}
		if k.Max != nil && x > *k.Max {
			return fmt.Sprintf("%s: %s %s is above %s", reason, k.Metric, fmtNum(x), fmtNum(*k.Max)), true
		}
	}
	return "", false
}

func fmtNum(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

type ordered struct {
	key uint64
	idx int32
	p   orb.Point
}

// hilbertOrder returns the sites' representative points sorted along the
// Hilbert curve (ties by input index, so the order is deterministic).
func (e *Engine) hilbertOrder(sites []store.Site, workers int) []ordered {
	order := make([]ordered, len(sites))
	var wg sync.WaitGroup
	per := (len(sites) + workers - 1) / max(workers, 1)
	for w := 0; w < workers; w++ {
		lo, hi := w*per, min((w+1)*per, len(sites))
		if lo >= hi {
			break
		}
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				p := sitePoint(&sites[i])
				order[i] = ordered{hilbertKey(p), int32(i), p}
			}
		}(lo, hi)
	}
	wg.Wait()
	slices.SortFunc(order, func(a, b ordered) int {
		if a.key != b.key {
			if a.key < b.key {
				return -1
			}
			return 1
		}
		return int(a.idx - b.idx)
	})
	return order
}

// sitePoint is the point used for every spatial lookup of a site: the point
// itself, or the centroid of a polygon (judgement: plots and buildings are
// small against the distances measured; a zone is counted when it contains
// this point).
func sitePoint(s *store.Site) orb.Point {
	switch g := s.Geometry.(type) {
	case nil:
		return orb.Point{math.NaN(), math.NaN()}
	case orb.Point:
		return g
	default:
		return geo.Centroid(g)
	}
}

// RankInRegion sets rank_in_region on results of one use: per
// centrumgemeente, eligible results by score descending, ties by site id.
// Ineligible results and results without centrumgemeente get 0.
func RankInRegion(results []Result) {
	groups := map[string][]int32{}
	for i := range results {
		results[i].RankInRegion = 0
		if r := &results[i]; r.Eligible && r.Centrumgemeente != "" {
			groups[r.Centrumgemeente] = append(groups[r.Centrumgemeente], int32(i))
		}
	}
	for _, idx := range groups {
		slices.SortFunc(idx, func(a, b int32) int {
			ra, rb := &results[a], &results[b]
			if ra.Score != rb.Score {
				if ra.Score > rb.Score {
					return -1
				}
				return 1
			}
			return strings.Compare(ra.SiteID, rb.SiteID)
		})
		for rank, i := range idx {
			results[i].RankInRegion = rank + 1
		}
	}
}
