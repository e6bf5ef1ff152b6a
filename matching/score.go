package matching

import (
	"bytes"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/geo"
	"github.com/plekwijzer/plekwijzer/store"
)

// metricCode is a criterion's or knock-out's metric, resolved at compile
// time so that the hot path switches on a small integer, not a string.
type metricCode uint8

const (
	mUnknown metricCode = iota
	mDistance
	mCountWithin
	mZone
	mPlotArea
	mFloorArea
	mCapacityUnits
	mFunction
	mConstructionYear
	mMonument
	mDepth
	mOwner
	mStatus
	mAvailabilityYears
	mAttribute
)

func metricCodeOf(m string) metricCode {
	switch m {
	case MetricDistance:
		return mDistance
	case MetricCountWithin:
		return mCountWithin
	case MetricZone:
		return mZone
	case MetricPlotArea:
		return mPlotArea
	case MetricFloorArea:
		return mFloorArea
	case MetricCapacityUnits:
		return mCapacityUnits
	case MetricFunction:
		return mFunction
	case MetricConstructionYear:
		return mConstructionYear
	case MetricMonument:
		return mMonument
	case MetricDepth:
		return mDepth
	case MetricOwner:
		return mOwner
	case MetricStatus:
		return mStatus
	case MetricAvailabilityYears:
		return mAvailabilityYears
	case MetricAttribute:
		return mAttribute
	}
	return mUnknown
}

// siteCtx holds the per-site lookup answers and the site-only metrics
// shared by all profiles; one per worker, reused from site to site.
type siteCtx struct {
	site     *store.Site
	p        orb.Point
	nearD    []float64
	nearOK   []bool
	nearHint []int32 // per nearest slot of a non-point layer: the last nearest feature (locality hint)
	counts   []int
	zoneHits [][]int32
	contain  []int32 // all area features containing p
	noGeom   bool    // the site has no usable geometry: spatial metrics are missing

	// site-only metrics, computed at most once per site for all profiles
	plotDone, plotOK   bool
	plot               float64
	depthDone, depthOK bool
	depth              float64
	hull               []orb.Point // convex hull scratch

	// per profile (set by scoreSite)
	capU  int
	capOK bool
	norm  []float64
	miss  []bool
	lower []byte      // lowercased text scratch
	texts []textCache // per categorical criterion / text knock-out (see textcache.go)
}

func newSiteCtx(lk *lookups) *siteCtx {
	sc := &siteCtx{
		nearD:    make([]float64, len(lk.nearest)),
		nearOK:   make([]bool, len(lk.nearest)),
		nearHint: make([]int32, len(lk.nearest)),
		counts:   make([]int, len(lk.counts)),
		zoneHits: make([][]int32, len(lk.zones)),
		texts:    make([]textCache, lk.nTexts),
	}
	for i := range sc.nearHint {
		sc.nearHint[i] = -1
	}
	return sc
}

// reset points the context at a new site.
func (sc *siteCtx) reset(s *store.Site, p orb.Point) {
	sc.site, sc.p = s, p
	sc.plotDone, sc.depthDone = false, false
}

func (e *Engine) lookup(lk *lookups, sc *siteCtx) {
	p := sc.p
	sc.noGeom = math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0)
	if sc.noGeom {
		return
	}
	for i, s := range lk.nearest {
		sc.nearOK[i] = false
		if e.naive {
			s.l.index.Nearest(p, s.maxDist, func(_ geo.Item[int32], d float64) bool {
				sc.nearD[i], sc.nearOK[i] = d, true
				return false
			})
			continue
		}
		if s.l.points {
			d, j, ok := s.l.grid.nearestPos(p, s.maxDist, sc.nearHint[i])
			sc.nearD[i], sc.nearOK[i] = d, ok
			if ok {
				sc.nearHint[i] = j
			}
			continue
		}
		if s.grid != nil {
			if d, ok := s.grid.nearest(p); ok && math.Abs(d-s.maxDist) > 1e-9*s.maxDist {
				sc.nearD[i], sc.nearOK[i] = d, d < s.maxDist
				if !sc.nearOK[i] {
					sc.nearD[i] = 0
				}
				continue
			} else if !ok {
				continue // nothing within maxDist (nearOK is false)
			}
			// A distance at maxDist up to rounding: the tree decides.
		}
		e.nearestHinted(s, p, &sc.nearHint[i], &sc.nearD[i], &sc.nearOK[i])
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
				if e.areaGrid != nil && !e.naive {
					sc.contain = e.areaGrid.containing(p, sc.contain) // ascending
				} else {
					e.area.Containing(p, func(it geo.Item[int32]) bool {
						sc.contain = append(sc.contain, it.Value)
						return true
					})
					slices.Sort(sc.contain)
				}
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

// nearestHinted is the nearest distance to a line/polygon layer using the
// previous site's nearest feature as a bound: sites come in Hilbert order,
// so that feature is usually (nearly) the nearest again, and its exact
// distance bounds the best-first search tightly. The answer is the same as
// the plain query's: the search still returns the exact minimum, computed
// by the same distance function; the bound only prunes.
func (e *Engine) nearestHinted(s nearestSpec, p orb.Point, hint *int32, d *float64, ok *bool) {
	limit := s.maxDist
	if h := *hint; h >= 0 {
		d0 := geo.Distance(p, e.features[h].Geometry)
		if d0 == 0 {
			*d, *ok = 0, true
			return
		}
		// A small margin so that rounding in d0² never excludes the hint itself.
		if b := d0*(1+1e-9) + 1e-9; b < limit {
			limit = b
		}
	}
	s.l.index.Nearest(p, limit, func(it geo.Item[int32], dist float64) bool {
		*d, *ok = dist, true
		*hint = it.Value
		return false
	})
	if !*ok && limit < s.maxDist {
		// Unreachable in exact arithmetic (the hint lies within limit);
		// fall back to the plain query.
		s.l.index.Nearest(p, s.maxDist, func(it geo.Item[int32], dist float64) bool {
			*d, *ok = dist, true
			*hint = it.Value
			return false
		})
	}
}

// metric measures criterion cc for the site.
func (e *Engine) metric(cp *compiled, cc *compCrit, sc *siteCtx) value {
	if cc.dropped {
		return missingValue()
	}
	if sc.noGeom && cc.slot >= 0 {
		return missingValue()
	}
	switch cc.metric {
	case mDistance:
		if sc.nearOK[cc.slot] {
			return numValue(sc.nearD[cc.slot])
		}
		md := cc.c.MaxDistance
		if md == 0 {
			md = defaultMaxDistance
		}
		return numValue(md) // nothing within max_distance: reported as max_distance
	case mCountWithin:
		return numValue(float64(sc.counts[cc.slot]))
	case mZone:
		return e.zoneValue(cc, sc.zoneHits[cc.slot])
	case mCapacityUnits:
		if sc.capOK {
			return numValue(float64(sc.capU))
		}
		return missingValue()
	}
	return e.siteValue(cc.metric, cc.c.Attribute, sc, cp)
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
	if cc.attrNum != nil {
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
	// Text: the value of the hit with the lowest subscore (the worst zone;
	// ties: the first hit, hits are sorted by feature index).
	worst := int32(-1)
	worstScore := math.Inf(1)
	for _, id := range hits {
		if s := cc.attrNorm[id]; !math.IsNaN(s) && s < worstScore {
			worst, worstScore = id, s
		}
	}
	if worst < 0 {
		return missingValue()
	}
	return textValue(cc.attrText[worst])
}

// siteValue measures a metric that needs only the site itself. Plot area
// and building depth are computed once per site for all profiles.
func (e *Engine) siteValue(m metricCode, attr string, sc *siteCtx, cp *compiled) value {
	s := sc.site
	switch m {
	case mPlotArea:
		if a, ok := sc.plotArea(); ok {
			return numValue(a)
		}
	case mFloorArea:
		if a, ok := floorArea(s, cp.capacity); ok {
			return numValue(a)
		}
	case mCapacityUnits:
		if u, ok := sc.capacityUnits(cp); ok {
			return numValue(float64(u))
		}
	case mFunction:
		if s.Function != "" {
			return textValue(s.Function)
		}
	case mConstructionYear:
		if s.ConstructionYear != nil {
			return numValue(float64(*s.ConstructionYear))
		}
	case mMonument:
		if s.Monument == "" {
			return textValue("geen")
		}
		return textValue(s.Monument)
	case mDepth:
		if !sc.depthDone {
			sc.depth, sc.depthOK, sc.hull = buildingDepthBuf(s, sc.hull)
			sc.depthDone = true
		}
		if sc.depthOK {
			return numValue(sc.depth)
		}
	case mOwner:
		if s.Owner != "" {
			return textValue(s.Owner)
		}
	case mStatus:
		if s.Status != "" {
			return textValue(s.Status)
		}
	case mAvailabilityYears:
		if y, ok := availabilityYears(s, e.opts.ReferenceDate); ok {
			return numValue(y)
		}
	case mAttribute:
		if v := strings.TrimSpace(s.Attributes[attr]); v != "" {
			return textValue(v)
		}
	}
	return missingValue()
}

func (sc *siteCtx) plotArea() (float64, bool) {
	if !sc.plotDone {
		sc.plot, sc.plotOK = plotArea(sc.site)
		sc.plotDone = true
	}
	return sc.plot, sc.plotOK
}

// capacityUnits applies the capacity formula of the profile's use (the
// same arithmetic as Capacity.FlexUnits and TransformatieUnits, with the
// profile's capacity already resolved).
func (sc *siteCtx) capacityUnits(cp *compiled) (int, bool) {
	r := &cp.capacity
	if cp.flex {
		a, ok := sc.plotArea()
		if !ok {
			return 0, false
		}
		return int(math.Floor(a*r.UsableFraction/10000*r.UnitsPerHa + 1e-9)), true
	}
	a, ok := floorArea(sc.site, cp.capacity)
	if !ok {
		return 0, false
	}
	return int(math.Floor(a*r.Efficiency/r.UnitM2 + 1e-9)), true
}

// normalise is Criterion.normalise with the categorical match texts
// lowercased once; buf is scratch for the lowercased value.
func (cc *compCrit) normalise(v value, buf *[]byte) (float64, bool) {
	c := cc.c
	if c.Function != FuncCategorical {
		return c.normalise(v)
	}
	s, ok := v.asText()
	if !ok {
		return 0, false
	}
	*buf = appendLower((*buf)[:0], s)
	for j, ms := range cc.lowMatch {
		for _, m := range ms {
			if bytes.Contains(*buf, m) {
				return c.Categories[j].Score, true
			}
		}
	}
	return *c.Default, true
}

// explained receives the explanation of one site under one profile.
type explained struct {
	crit      []CriterionResult // len(cp.crit), overwritten
	knockouts []string          // appended to; nil or noKnockouts on entry
}

// prepass writes the site-only part of scoreSite for one site into pre
// (len nSiteOnly+2): the subscore of each site-only criterion (NaN when
// missing), the number of metric knock-outs that fire, and the capacity
// units (NaN when unknown). It needs no spatial lookup, so it runs over the
// sites in input order (sequential memory), after the Hilbert-ordered
// spatial pass, just before the site's entries are combined.
func (e *Engine) prepass(cp *compiled, sc *siteCtx, pre []float64) {
	sc.capU, sc.capOK = sc.capacityUnits(cp)
	for i := range cp.crit {
		cc := &cp.crit[i]
		if !cc.siteOnly {
			continue
		}
		n, ok := sc.normaliseCached(cc, e.metric(cp, cc, sc))
		if !ok {
			n = math.NaN()
		}
		pre[cc.pre] = n
	}
	ko, mask := 0, uint64(0)
	for i := range cp.kos {
		ck := &cp.kos[i]
		if ck.k.Zone == "" && sc.firesCached(ck, e.siteValue(ck.metric, ck.k.Attr, sc, cp)) {
			ko++
			mask |= koBit(i)
		}
	}
	pre[cp.nSiteOnly] = packKO(ko, mask)
	pre[cp.nSiteOnly+1] = math.NaN()
	if sc.capOK {
		pre[cp.nSiteOnly+1] = float64(sc.capU)
	}
}

// scoreSite scores the site in sc under cp into ent (Score, Eligible,
// Knockouts count, capacity). When ex is not nil it also writes the
// per-criterion explanation and the knock-out reasons; the numbers are the
// same either way (one code path). With pre not nil (compact path, ex nil)
// the site-only criteria, metric knock-outs and capacity come from the
// prepass; with spat not nil as well, the spatial criteria and zone
// knock-outs come from spatialPart and no lookup answer in sc is read.
func (e *Engine) scoreSite(cp *compiled, sc *siteCtx, ent *Entry, ex *explained, pre, spat []float64) {
	if pre != nil {
		c := pre[cp.nSiteOnly+1]
		sc.capU, sc.capOK = int(c), !math.IsNaN(c)
	} else {
		sc.capU, sc.capOK = sc.capacityUnits(cp)
	}
	nc := len(cp.crit)
	if cap(sc.norm) < nc {
		sc.norm = make([]float64, nc)
		sc.miss = make([]bool, nc)
	}
	norm, miss := sc.norm[:nc], sc.miss[:nc]
	var sumW float64
	for i := range cp.crit {
		cc := &cp.crit[i]
		var n float64
		var ok bool
		if pre != nil && cc.siteOnly {
			n = pre[cc.pre]
			ok = !math.IsNaN(n)
		} else if spat != nil {
			n = spat[cc.spat]
			ok = !math.IsNaN(n)
		} else {
			v := e.metric(cp, cc, sc)
			if cc.outside && !cc.dropped && !sc.noGeom && len(sc.zoneHits[cc.slot]) == 0 {
				n, ok = cc.outsideN, cc.outsideOK // v is the Outside text
			} else {
				n, ok = sc.normaliseCached(cc, v)
			}
			if ex != nil {
				c := &ex.crit[i]
				*c = CriterionResult{Name: cc.c.Name, Unit: cc.c.Unit}
				if ok {
					if v.kind == valText {
						c.Text = v.text
					} else {
						c.Value = v.num
					}
					c.Normalised = n
				} else {
					c.Missing = true
				}
			}
		}
		miss[i] = !ok
		if !ok {
			continue
		}
		norm[i] = n
		sumW += cc.c.Weight
	}
	var score float64
	if sumW != 0 {
		for i := range cp.crit {
			if miss[i] {
				continue
			}
			w := 100 * cp.crit[i].c.Weight / sumW
			contrib := w * norm[i] / 100
			score += contrib
			if ex != nil {
				ex.crit[i].Weight, ex.crit[i].Contribution = w, contrib
			}
		}
	}
	ent.Score = score
	var ko int
	var mask uint64
	if pre != nil {
		ko, mask = unpackKO(pre[cp.nSiteOnly])
		var zko int
		var zmask uint64
		if spat != nil {
			zko, zmask = unpackKO(spat[cp.nSpatial])
		} else {
			zko, zmask = e.zoneKnockouts(cp, sc)
		}
		ko, mask = ko+zko, mask|zmask
	} else {
		ko, mask = e.knockouts(cp, sc, ex)
	}
	ent.Knockouts = uint16(min(ko, math.MaxUint16))
	ent.KnockoutMask = mask
	ent.Eligible = ko == 0
	ent.CapacityUnits, ent.CapacityPeople = 0, 0
	if sc.capOK {
		ent.CapacityUnits = int32(sc.capU)
		ent.CapacityPeople = int32(math.Floor(float64(sc.capU)*cp.capacity.PersonsPerUnit + 1e-9))
	}
}

// spatialPart writes the spatial part of scoreSite for the site in sc
// (after lookup) into out (len nSpatial+1): the subscore of each distance,
// count_within and zone criterion (NaN when missing) and the number of zone
// knock-out reasons. The values are computed exactly as scoreSite does;
// the compact path computes them in Hilbert order and combines them with
// the prepass in input order.
func (e *Engine) spatialPart(cp *compiled, sc *siteCtx, out []float64) {
	for i := range cp.crit {
		cc := &cp.crit[i]
		if cc.siteOnly {
			continue
		}
		var n float64
		var ok bool
		if cc.outside && !cc.dropped && !sc.noGeom && len(sc.zoneHits[cc.slot]) == 0 {
			n, ok = cc.outsideN, cc.outsideOK
		} else {
			n, ok = sc.normaliseCached(cc, e.metric(cp, cc, sc))
		}
		if !ok {
			n = math.NaN()
		}
		out[cc.spat] = n
	}
	out[cp.nSpatial] = packKO(e.zoneKnockouts(cp, sc))
}
