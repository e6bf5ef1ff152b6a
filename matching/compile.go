package matching

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// compiled is a profile bound to the engine's layers.
type compiled struct {
	p           *Profile
	nSiteOnly   int // site-only criteria; the prepass stride is nSiteOnly+2
	nSpatial    int // spatial criteria; the spatial record stride is nSpatial+1
	flex        bool
	crit        []compCrit
	kos         []compKO
	capacity    Capacity // resolved
	assumptions string
	warnings    []string
}

type compCrit struct {
	c        *Criterion
	metric   metricCode
	siteOnly bool      // needs only the site itself: precomputed in input order (see prepass)
	pre      int       // index among the site-only criteria
	spat     int       // index among the spatial criteria (distance, count_within, zone)
	slot     int       // lookup slot for distance, count_within, zone
	dropped  bool      // layer not loaded: missing for every site
	attrNum  []float64 // zone + numeric attribute: the attribute parsed per feature (NaN if not a number)
	// zone + text attribute: per feature the attribute text and its subscore
	// (NaN when the value function does not accept it).
	attrText []string
	attrNorm []float64
	// match texts of the categories, lowercased once (categorical only).
	lowMatch [][][]byte
	cache    int // categorical: index of its textCache in siteCtx.texts, else -1
	// zone with Outside set: the subscore of the Outside value, computed once.
	outside   bool
	outsideN  float64
	outsideOK bool
}

type compKO struct {
	k         *Knockout
	metric    metricCode
	slot      int
	dropped   bool
	lowValues [][]byte // k.Values lowercased
	cache     int      // text-only knock-out: index of its textCache in siteCtx.texts, else -1
}

// appendLower appends strings.ToLower(s) to b without allocating for ASCII.
func appendLower(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return append(b, strings.ToLower(s)...)
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}

func lowerAll(ms []string) [][]byte {
	out := make([][]byte, len(ms))
	for i, m := range ms {
		out[i] = appendLower(nil, m)
	}
	return out
}

func (e *Engine) compile(p *Profile, lk *lookups) *compiled {
	cp := &compiled{p: p, flex: p.Use == Flex, capacity: p.Capacity.Resolved(), assumptions: p.Capacity.Assumptions(p.Use)}
	for i := range p.Criteria {
		c := &p.Criteria[i]
		cc := compCrit{c: c, slot: -1, metric: metricCodeOf(c.Metric), cache: -1}
		if c.Function == FuncCategorical {
			cc.cache = lk.nTexts
			lk.nTexts++
			cc.lowMatch = make([][][]byte, len(c.Categories))
			for j, cat := range c.Categories {
				cc.lowMatch[j] = lowerAll(cat.Match)
			}
		}
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
			cc.slot = e.nearestSlot(lk, l, md)
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
			if c.Outside != "" {
				var buf []byte
				cc.outside = true
				cc.outsideN, cc.outsideOK = cc.normalise(textValue(c.Outside), &buf)
			}
			if c.Attribute == "" {
				break
			}
			if c.Function == FuncLinear || c.Function == FuncStep {
				cc.attrNum = make([]float64, len(e.features))
				for _, id := range l.ids {
					v, ok := textValue(e.features[id].Attributes[c.Attribute]).asNum()
					if !ok {
						v = math.NaN()
					}
					cc.attrNum[id] = v
				}
				break
			}
			cc.attrText = make([]string, len(e.features))
			cc.attrNorm = make([]float64, len(e.features))
			var buf []byte
			for _, id := range l.ids {
				t := e.features[id].Attributes[c.Attribute]
				cc.attrText[id] = t
				n, ok := cc.normalise(textValue(t), &buf)
				if !ok {
					n = math.NaN()
				}
				cc.attrNorm[id] = n
			}
		}
		if cc.dropped {
			cp.warnings = append(cp.warnings, fmt.Sprintf("criterion %s dropped for every site: layer %q is not loaded; the other weights are renormalised", c.Name, c.Layer+strings.Join(c.Layers, ",")))
		}
		switch cc.metric {
		case mDistance, mCountWithin, mZone:
			cc.spat = cp.nSpatial
			cp.nSpatial++
		default:
			cc.siteOnly, cc.pre = true, cp.nSiteOnly
			cp.nSiteOnly++
		}
		cp.crit = append(cp.crit, cc)
	}
	for i := range p.Knockouts {
		k := &p.Knockouts[i]
		ck := compKO{k: k, slot: -1, metric: metricCodeOf(k.Metric), lowValues: lowerAll(k.Values), cache: -1}
		if len(k.Values) > 0 && k.Min == nil && k.Max == nil {
			ck.cache = lk.nTexts
			lk.nTexts++
		}
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
	if len(p.Knockouts) > MaxKnockoutCodes {
		cp.warnings = append(cp.warnings, fmt.Sprintf("knock-outs from %s on (the %dth and later) apply but are not recorded as knock-out codes: at most %d are", p.Knockouts[MaxKnockoutCodes].Name, MaxKnockoutCodes+1, MaxKnockoutCodes))
	}
	return cp
}
