package matching

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/plekwijzer/plekwijzer/store"
)

// MaxKnockoutCodes is the number of knock-outs of a profile that
// Entry.KnockoutMask records: bit i stands for Profile.Knockouts[i], for
// i < MaxKnockoutCodes. Later knock-outs still make a site ineligible and
// still count in Entry.Knockouts; the compiled profile warns about them.
const MaxKnockoutCodes = 48

// koBit is the mask bit of knock-out i (0 beyond MaxKnockoutCodes).
func koBit(i int) uint64 {
	if i >= MaxKnockoutCodes {
		return 0
	}
	return 1 << i
}

// packKO packs a knock-out count (capped at 65535) and a knock-out mask
// into the one float64 slot the compact passes keep per profile: the mask
// in the low 48 bits, the count in the high 16. The value is only ever
// copied, never computed with, so its bits survive (see unpackKO).
func packKO(n int, mask uint64) float64 {
	return math.Float64frombits(mask&(1<<MaxKnockoutCodes-1) | uint64(min(n, math.MaxUint16))<<MaxKnockoutCodes)
}

// unpackKO is the inverse of packKO.
func unpackKO(f float64) (int, uint64) {
	b := math.Float64bits(f)
	return int(b >> MaxKnockoutCodes), b & (1<<MaxKnockoutCodes - 1)
}

// zoneKnockouts counts the zone knock-out reasons and returns the mask of
// the zone knock-outs that fired (the compact path).
func (e *Engine) zoneKnockouts(cp *compiled, sc *siteCtx) (int, uint64) {
	if sc.noGeom {
		return 0, 0
	}
	n, mask := 0, uint64(0)
	for i := range cp.kos {
		if ck := &cp.kos[i]; !ck.dropped && ck.k.Zone != "" {
			if h := len(sc.zoneHits[ck.slot]); h > 0 {
				n += h
				mask |= koBit(i)
			}
		}
	}
	return n, mask
}

// noKnockouts is the shared empty knock-out list (never appended to in place).
var noKnockouts = []string{}

// knockouts counts the knock-out reasons for the site, returns the mask of
// the knock-outs that fired and, when ex is not nil, appends their texts to
// ex.knockouts.
func (e *Engine) knockouts(cp *compiled, sc *siteCtx, ex *explained) (int, uint64) {
	n, mask := 0, uint64(0)
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
			hits := sc.zoneHits[ck.slot]
			n += len(hits)
			if len(hits) > 0 {
				mask |= koBit(i)
			}
			if ex != nil {
				for _, id := range hits {
					ex.knockouts = append(ex.knockouts[:len(ex.knockouts):len(ex.knockouts)], zoneReason(k, &e.features[id]))
				}
			}
			continue
		}
		v := e.siteValue(ck.metric, k.Attr, sc, cp)
		if !sc.firesCached(ck, v) {
			continue
		}
		n++
		mask |= koBit(i)
		if ex != nil {
			reason, _ := metricKO(k, v)
			ex.knockouts = append(ex.knockouts[:len(ex.knockouts):len(ex.knockouts)], reason)
		}
	}
	return n, mask
}

// fires reports whether a metric knock-out fires for v; it is metricKO
// without building the reason (match texts lowercased once).
func (ck *compKO) fires(v value, buf *[]byte) bool {
	if v.kind == valMissing {
		return false
	}
	k := ck.k
	if len(ck.lowValues) > 0 {
		if t, ok := v.asText(); ok {
			*buf = appendLower((*buf)[:0], t)
			for _, m := range ck.lowValues {
				if bytes.Contains(*buf, m) {
					return true
				}
			}
		}
	}
	if k.Min == nil && k.Max == nil {
		return false
	}
	if x, ok := v.asNum(); ok {
		if k.Min != nil && x < *k.Min {
			return true
		}
		if k.Max != nil && x > *k.Max {
			return true
		}
	}
	return false
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

// metricKO returns the reason when the metric knock-out fires for v.
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
