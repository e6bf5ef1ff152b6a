package matching

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/plekwijzer/plekwijzer/store"
)

// CompactOutcome is everything scored from one state of a store, kept
// compact: one Entry per site and profile. Explanations are built on
// demand (CompactSet.Result, Explain) and are then what ScoreStore's
// Outcome holds.
type CompactOutcome struct {
	// Generation is the store generation the outcome was computed from.
	Generation int64
	// Sites are the sites as store.Sites returns them (ordered by id);
	// Entry.Site indexes them.
	Sites    []store.Site
	Features []store.Feature
	Members  []store.RegionMember
	Engine   *Engine
	Profiles []*Profile
	Sets     []*CompactSet // one per profile, in Profiles order
	Regions  []RegionSummary
	Scored   time.Time
	// Durations says where ScoreStoreCompact's time went.
	Durations OutcomeDurations
}

// OutcomeDurations are the wall times of the steps of ScoreStoreCompact.
type OutcomeDurations struct {
	ReadSites time.Duration // the sites from the store
	Read      time.Duration // ReadSites, the context layers and region table, and the engine's indexes
	Score     time.Duration // Engine.ScoreCompact, both uses, ranks included
	Summarize time.Duration // SummarizeCompact
}

// scoringInput is what ScoreStore and ScoreStoreCompact read from a store.
type scoringInput struct {
	gen      int64
	sites    []store.Site
	features []store.Feature
	members  []store.RegionMember
	profiles []*Profile
	demand   DemandTable
	engine   *Engine
	// readSites is the time until the sites were read, read the time until
	// the engine was built.
	readSites, read time.Duration
}

func readScoringInput(ctx context.Context, st *store.Store, setup Setup) (*scoringInput, error) {
	t0 := time.Now()
	in := &scoringInput{}
	var err error
	if in.gen, err = st.Generation(ctx); err != nil {
		return nil, fmt.Errorf("score: %w", err)
	}
	if in.sites, err = st.Sites(ctx, store.SiteFilter{}); err != nil {
		return nil, fmt.Errorf("score: read sites: %w", err)
	}
	in.readSites = time.Since(t0)
	if in.features, err = st.Features(ctx, ""); err != nil {
		return nil, fmt.Errorf("score: read context layers: %w", err)
	}
	if in.members, err = st.Regions(ctx); err != nil {
		return nil, fmt.Errorf("score: read region table: %w", err)
	}
	in.profiles = setup.Profiles
	if in.profiles == nil {
		if in.profiles, err = DefaultProfiles(); err != nil {
			return nil, err
		}
	}
	in.demand = setup.Demand
	if in.demand == nil {
		in.demand = DefaultDemand()
	}
	ref := setup.ReferenceDate
	if ref.IsZero() {
		ref = time.Now()
	}
	in.engine = NewEngine(in.features, Options{ReferenceDate: ref, Regions: in.members, Workers: setup.Workers})
	in.read = time.Since(t0)
	return in, nil
}

// ScoreStoreCompact reads sites, context layers and the region table from
// st, scores every site under every profile with Engine.ScoreCompact and
// summarises each centrumgemeente. The numbers are ScoreStore's.
func ScoreStoreCompact(ctx context.Context, st *store.Store, setup Setup) (*CompactOutcome, error) {
	in, err := readScoringInput(ctx, st, setup)
	if err != nil {
		return nil, err
	}
	t1 := time.Now()
	sets, err := in.engine.ScoreCompact(ctx, in.sites, in.profiles...)
	if err != nil {
		return nil, fmt.Errorf("score: %w", err)
	}
	t2 := time.Now()
	regions := SummarizeCompact(sets, in.members, in.demand)
	t3 := time.Now()
	return &CompactOutcome{
		Generation: in.gen, Sites: in.sites, Features: in.features, Members: in.members, Engine: in.engine,
		Profiles: in.profiles, Sets: sets, Regions: regions, Scored: t3,
		Durations: OutcomeDurations{ReadSites: in.readSites, Read: in.read, Score: t2.Sub(t1), Summarize: t3.Sub(t2)},
	}, nil
}

// Set returns the first score set of use, or nil.
func (o *CompactOutcome) Set(use Use) *CompactSet {
	for _, s := range o.Sets {
		if s.Use == use {
			return s
		}
	}
	return nil
}

// siteEntries maps site indexes to entry indexes; built on first use.
type siteEntries struct {
	once  sync.Once
	entry []int32
}

// EntryOfSite returns the index of the entry of Sites[site] (the sites
// passed to ScoreCompact), or -1 when the profile does not score that
// site. The first call builds the map (one int32 per site); later calls
// are O(1).
func (s *CompactSet) EntryOfSite(site int) int {
	s.bySite.once.Do(func() {
		m := make([]int32, len(s.r.sites))
		for i := range m {
			m[i] = -1
		}
		for j := range s.Entries {
			m[s.Entries[j].Site] = int32(j)
		}
		s.bySite.entry = m
	})
	if site < 0 || site >= len(s.bySite.entry) {
		return -1
	}
	return int(s.bySite.entry[site])
}

// Result returns the explained Result of entry i: what Engine.Score
// returns for that site.
func (s *CompactSet) Result(i int) Result {
	return s.Explain([]int{i})[0]
}

// KnockoutCodes returns the names of the profile's knock-outs that fired
// for entry i, in profile order, joined by commas ("" when none): stable
// codes for storage, where Result.Knockouts holds the texts for people.
// Knock-outs beyond MaxKnockoutCodes are not named.
func (s *CompactSet) KnockoutCodes(i int) string {
	return knockoutCodes(s.Profile, s.Entries[i].KnockoutMask)
}

func knockoutCodes(p *Profile, mask uint64) string {
	if mask == 0 {
		return ""
	}
	var b strings.Builder
	for i := range p.Knockouts {
		if mask&koBit(i) != 0 {
			if b.Len() > 0 {
				b.WriteByte(',')
			}
			b.WriteString(p.Knockouts[i].Name)
		}
	}
	return b.String()
}

// Hash returns a stable hash of the profile's content: the first 16 hex
// digits of the SHA-256 of its JSON encoding (fields in declaration order,
// so equal profiles give equal hashes wherever they were loaded from).
// Stored scores carry it, so that a reader can tell whether they were
// computed under the same profile.
func (p *Profile) Hash() string {
	b, err := json.Marshal(p)
	if err != nil {
		// A Profile holds only strings, numbers, booleans and slices of
		// them: it always encodes.
		panic(fmt.Sprintf("matching: encode profile %s: %v", p.Name, err))
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// SummarizeCompact is Summarize for compact sets: the same summaries,
// without explaining any site (the portfolio needs only score, capacity,
// eligibility and id).
func SummarizeCompact(sets []*CompactSet, members []store.RegionMember, demand DemandTable) []RegionSummary {
	uses := make([]Use, len(sets))
	sameRun := true
	for k, set := range sets {
		uses[k] = set.Use
		sameRun = sameRun && set.r == sets[0].r
	}
	nkeys := 0
	if sameRun && len(sets) > 0 {
		// Entry.Site is the site key: every set scored the same sites.
		nkeys = len(sets[0].r.sites)
	}
	b := newSummaryBuilder(uses, members, nkeys)
	keys := map[[2]string]int32{}
	for k, set := range sets {
		regions := make([]*regionAcc, len(set.Regions))
		for g, code := range set.Regions {
			if g > 0 {
				regions[g] = b.region(code)
			}
		}
		sites := set.r.sites
		for i := range set.Entries {
			en := &set.Entries[i]
			if en.Region == 0 {
				continue
			}
			id := sites[en.Site].ID
			key := en.Site
			if !sameRun {
				ck := [2]string{set.Regions[en.Region], id}
				var ok bool
				if key, ok = keys[ck]; !ok {
					key = int32(len(keys))
					keys[ck] = key
				}
			}
			b.add(k, regions[en.Region], key, id, en.Score, en.Eligible, int(en.CapacityUnits), int(en.CapacityPeople))
		}
	}
	return b.finish(demand)
}

// ScoreSets returns the first compact set of each use as store score
// sets, rows in entry order (by site id), for Store.SaveScoreSets. The
// rows are produced as the store writes them: nothing per site is held.
func (o *CompactOutcome) ScoreSets() []store.ScoreSet {
	var out []store.ScoreSet
	seen := map[Use]bool{}
	for _, set := range o.Sets {
		if seen[set.Use] {
			continue
		}
		seen[set.Use] = true
		out = append(out, set.storeSet())
	}
	return out
}

func (s *CompactSet) storeSet() store.ScoreSet {
	codes := map[uint64]string{0: ""}
	return store.ScoreSet{
		Use: string(s.Use), Profile: s.Name, ProfileHash: s.Profile.Hash(), Len: len(s.Entries),
		Row: func(i int, sc *store.Score) {
			en := &s.Entries[i]
			c, ok := codes[en.KnockoutMask]
			if !ok {
				c = knockoutCodes(s.Profile, en.KnockoutMask)
				codes[en.KnockoutMask] = c
			}
			sc.SiteID = s.r.sites[en.Site].ID
			sc.Score, sc.Eligible, sc.Knockouts = en.Score, en.Eligible, c
			sc.RankInRegion, sc.CapacityUnits, sc.CapacityPeople = int(en.Rank), int(en.CapacityUnits), int(en.CapacityPeople)
			sc.Centrumgemeente = s.Regions[en.Region]
		},
	}
}
