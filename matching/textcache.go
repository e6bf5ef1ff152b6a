package matching

// textCache remembers the last few text values of one categorical
// criterion (or text knock-out) with their results, so that the lowercasing
// and substring matching run once per distinct value instead of once per
// site (inventories repeat a handful of functions, owners and statuses).
// The result is a pure function of the text, so the cache never changes an
// answer. One per worker (siteCtx), not shared.
type textCache struct {
	ents [8]textEnt
	n    int // entries in use
	next int // round-robin victim once full
}

type textEnt struct {
	s  string
	v  float64
	ok bool
}

func (c *textCache) get(s string) (float64, bool, bool) {
	for i := 0; i < c.n; i++ {
		if e := &c.ents[i]; e.s == s {
			return e.v, e.ok, true
		}
	}
	return 0, false, false
}

func (c *textCache) put(s string, v float64, ok bool) {
	i := c.n
	if i == len(c.ents) {
		i = c.next
		c.next = (c.next + 1) % len(c.ents)
	} else {
		c.n++
	}
	c.ents[i] = textEnt{s, v, ok}
}

// normaliseCached is cc.normalise with the categorical results cached in
// sc (cc.cache >= 0 only for categorical criteria).
func (sc *siteCtx) normaliseCached(cc *compCrit, v value) (float64, bool) {
	if cc.cache < 0 || v.kind != valText {
		return cc.normalise(v, &sc.lower)
	}
	c := &sc.texts[cc.cache]
	if n, ok, hit := c.get(v.text); hit {
		return n, ok
	}
	n, ok := cc.normalise(v, &sc.lower)
	c.put(v.text, n, ok)
	return n, ok
}

// firesCached is ck.fires with the text match cached in sc (ck.cache >= 0
// only for knock-outs with values and no numeric bounds).
func (sc *siteCtx) firesCached(ck *compKO, v value) bool {
	if ck.cache < 0 || v.kind != valText {
		return ck.fires(v, &sc.lower)
	}
	c := &sc.texts[ck.cache]
	if _, f, hit := c.get(v.text); hit {
		return f
	}
	f := ck.fires(v, &sc.lower)
	c.put(v.text, 0, f)
	return f
}
