package matching

import (
	"context"
	"fmt"
	"time"

	"github.com/plekwijzer/plekwijzer/store"
)

// Setup says how ScoreStore scores. The zero value scores with the default
// profiles and demand table, with today as reference date.
type Setup struct {
	// Profiles score the sites; nil means DefaultProfiles.
	Profiles []*Profile
	// Demand is the need and target per centrumgemeente; nil means DefaultDemand.
	Demand DemandTable
	// ReferenceDate is "today" for availability terms; zero means now.
	ReferenceDate time.Time
	// Workers is the number of goroutines; 0 means GOMAXPROCS.
	Workers int
}

// Outcome is everything scored from one state of a store.
type Outcome struct {
	// Generation is the store generation the outcome was computed from.
	Generation int64
	Sites      []store.Site
	Features   []store.Feature
	Members    []store.RegionMember
	Engine     *Engine
	Profiles   []*Profile
	Sets       []*ScoreSet // one per profile, in Profiles order
	Regions    []RegionSummary
	Scored     time.Time
}

// ScoreStore reads sites, context layers and the region table from st,
// scores every site under every profile and summarises each centrumgemeente.
func ScoreStore(ctx context.Context, st *store.Store, setup Setup) (*Outcome, error) {
	in, err := readScoringInput(ctx, st, setup)
	if err != nil {
		return nil, err
	}
	sets, err := in.engine.Score(ctx, in.sites, in.profiles...)
	if err != nil {
		return nil, fmt.Errorf("score: %w", err)
	}
	return &Outcome{
		Generation: in.gen, Sites: in.sites, Features: in.features, Members: in.members, Engine: in.engine,
		Profiles: in.profiles, Sets: sets, Regions: Summarize(sets, in.members, in.demand), Scored: time.Now(),
	}, nil
}

// Set returns the first score set of use, or nil.
func (o *Outcome) Set(use Use) *ScoreSet {
	for _, s := range o.Sets {
		if s.Use == use {
			return s
		}
	}
	return nil
}
