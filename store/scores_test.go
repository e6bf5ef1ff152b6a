package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestScores(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		sites := testSites()
		if err := s.SaveSites(ctx, okRun(RunGebouwen, "g.csv"), sites); err != nil {
			t.Fatal(err)
		}
		id0 := SiteID(sites[0].Kind, sites[0].Source, sites[0].SourceRef)
		id1 := SiteID(sites[1].Kind, sites[1].Source, sites[1].SourceRef)
		at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
		first := []Score{
			{SiteID: id0, Use: "transformatie", Profile: "transformatie", ProfileHash: "abc", Score: 71.5, Eligible: true, RankInRegion: 1,
				CapacityUnits: 40, CapacityPeople: 40, Centrumgemeente: "GM0363"},
			{SiteID: id1, Use: "transformatie", Profile: "transformatie", ProfileHash: "abc", Score: 12, Eligible: false,
				Knockouts: "natura2000,geluid", Centrumgemeente: "GM0363"},
			{SiteID: id0, Use: "flex", Profile: "flexwonen", ProfileHash: "def", Score: 50, Eligible: true, RankInRegion: 1,
				Centrumgemeente: "GM0363"},
		}
		if err := s.SaveScores(ctx, 7, at, first); err != nil {
			t.Fatal(err)
		}
		got, err := s.Scores(ctx, ScoreFilter{Use: "transformatie"})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].SiteID != id0 || !got[0].Eligible || got[1].Eligible {
			t.Fatalf("transformatie scores, eligible first: %+v", got)
		}
		want0 := first[0]
		want0.Generation, want0.ScoredAt = 7, at
		if !reflect.DeepEqual(got[0], want0) {
			t.Errorf("round trip:\n got %+v\nwant %+v", got[0], want0)
		}
		if got[1].Knockouts != "natura2000,geluid" || !slices.Equal(got[1].KnockoutCodes(), []string{"natura2000", "geluid"}) || got[0].KnockoutCodes() != nil {
			t.Errorf("knock-out codes: %q %q", got[1].Knockouts, got[1].KnockoutCodes())
		}
		state, err := s.ScoresState(ctx)
		if err != nil {
			t.Fatal(err)
		}
		wantState := []ScoreState{
			{Use: "flex", Profile: "flexwonen", ProfileHash: "def", Generation: 7, ScoredAt: at, Count: 1},
			{Use: "transformatie", Profile: "transformatie", ProfileHash: "abc", Generation: 7, ScoredAt: at, Count: 2},
		}
		if !reflect.DeepEqual(state, wantState) {
			t.Errorf("state:\n got %+v\nwant %+v", state, wantState)
		}

		// Rescoring one use replaces that use only.
		if err := s.SaveScores(ctx, 8, at, []Score{{SiteID: id1, Use: "transformatie", Profile: "t2", ProfileHash: "x", Score: 90, Eligible: true}}); err != nil {
			t.Fatal(err)
		}
		all, err := s.Scores(ctx, ScoreFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 2 || all[0].Use != "flex" || all[0].Generation != 7 || all[1].Profile != "t2" || all[1].Generation != 8 {
			t.Fatalf("after rescoring transformatie: want 1 flex (gen 7) + 1 transformatie (t2, gen 8): %+v", all)
		}

		// A bad batch changes nothing.
		err = s.SaveScores(ctx, 9, at, []Score{{SiteID: id0, Use: "flex"}, {SiteID: "", Use: "flex"}})
		if !errors.Is(err, ErrInvalid) {
			t.Fatalf("empty site id: err = %v, want ErrInvalid", err)
		}
		err = s.SaveScores(ctx, 9, at, []Score{{SiteID: id0, Use: "flex", Profile: "a"}, {SiteID: id1, Use: "flex", Profile: "b"}})
		if !errors.Is(err, ErrInvalid) {
			t.Fatalf("two profiles in one use: err = %v, want ErrInvalid", err)
		}
		err = s.SaveScores(ctx, 9, at, []Score{{SiteID: id0, Use: "flex"}, {SiteID: "gnotasite000", Use: "flex"}})
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "gnotasite000") {
			t.Fatalf("score of an unknown site: err = %v, want ErrInvalid naming it", err)
		}
		flex, err := s.Scores(ctx, ScoreFilter{Use: "flex", Centrumgemeente: "GM0363"})
		if err != nil {
			t.Fatal(err)
		}
		if len(flex) != 1 || flex[0].Score != 50 || flex[0].Generation != 7 {
			t.Errorf("flex scores after failed saves: %+v", flex)
		}
		if state, _ := s.ScoresState(ctx); len(state) != 2 || state[0].Generation != 7 || state[0].Count != 1 {
			t.Errorf("state after failed saves: %+v", state)
		}
	})
}

// TestScoreSetsRoundTrip writes two uses of a few thousand random rows
// (seeded) through SaveScoreSets, reads them back with EachScore and
// Scores, and rewrites them, on every backend.
func TestScoreSetsRoundTrip(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		rng := rand.New(rand.NewPCG(42, 1))
		const n = 3000
		var sites []Site
		for i := range n {
			site := testSites()[i%2]
			site.SourceRef = fmt.Sprintf("ref-%05d", i)
			sites = append(sites, site)
		}
		if err := s.SaveSites(ctx, okRun(RunGebouwen, "g.csv"), sites); err != nil {
			t.Fatal(err)
		}
		got, err := s.Sites(ctx, SiteFilter{})
		if err != nil {
			t.Fatal(err)
		}
		codes := []string{"", "", "natura2000", "natura2000,geluid", "te_klein"}
		regions := []string{"", "GM0363", "GM0344", "GM0599"}
		rows := map[string][]Score{}
		var sets []ScoreSet
		for k, use := range []string{"flex", "transformatie"} {
			for i, site := range got {
				if k == 1 && i%3 == 0 {
					continue // not every site is scored for every use
				}
				kos := codes[rng.IntN(len(codes))]
				rows[use] = append(rows[use], Score{
					SiteID: site.ID, Use: use, Profile: use + "-p", ProfileHash: "h" + use,
					Score: rng.Float64() * 100, Eligible: kos == "", Knockouts: kos, RankInRegion: rng.IntN(50),
					CapacityUnits: rng.IntN(200), CapacityPeople: rng.IntN(300), Centrumgemeente: regions[rng.IntN(len(regions))],
				})
			}
			rs := rows[use]
			sets = append(sets, ScoreSet{Use: use, Profile: use + "-p", ProfileHash: "h" + use, Len: len(rs),
				Row: func(i int, sc *Score) {
					r := rs[i]
					r.Profile, r.ProfileHash = "ignored", "ignored" // per set, not per row
					*sc = r
				}})
		}
		at := time.Date(2026, 12, 1, 9, 30, 0, 123456000, time.UTC)
		for gen := int64(3); gen <= 4; gen++ { // the second save replaces the first
			if err := s.SaveScoreSets(ctx, gen, at, sets...); err != nil {
				t.Fatal(err)
			}
			for _, use := range []string{"flex", "transformatie"} {
				var back []Score
				err := s.EachScore(ctx, ScoreFilter{Use: use}, func(sc *Score) error {
					back = append(back, *sc)
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				want := append([]Score(nil), rows[use]...)
				for i := range want {
					want[i].Generation, want[i].ScoredAt = gen, at
				}
				slices.SortFunc(want, func(a, b Score) int { return strings.Compare(a.SiteID, b.SiteID) })
				if len(back) != len(want) {
					t.Fatalf("%s: %d rows back, %d written", use, len(back), len(want))
				}
				for i := range want {
					if !reflect.DeepEqual(back[i], want[i]) {
						t.Fatalf("%s row %d:\n got %+v\nwant %+v", use, i, back[i], want[i])
					}
				}
			}
			state, err := s.ScoresState(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(state) != 2 || state[0].Count != len(rows["flex"]) || state[1].Count != len(rows["transformatie"]) || state[1].Generation != gen || state[1].ProfileHash != "htransformatie" {
				t.Fatalf("state %+v", state)
			}
		}
		if err := s.SaveScoreSets(ctx, 5, at); err != nil {
			t.Fatal(err)
		}
		if state, _ := s.ScoresState(ctx); len(state) != 2 || state[0].Generation != 4 {
			t.Errorf("saving no sets changed the state: %+v", state)
		}
		// The region filter and the display order.
		ams, err := s.Scores(ctx, ScoreFilter{Use: "flex", Centrumgemeente: "GM0363"})
		if err != nil {
			t.Fatal(err)
		}
		wantN := 0
		for _, r := range rows["flex"] {
			if r.Centrumgemeente == "GM0363" {
				wantN++
			}
		}
		if len(ams) != wantN || wantN == 0 {
			t.Fatalf("GM0363: %d rows, want %d", len(ams), wantN)
		}
		for i := 1; i < len(ams); i++ {
			a, b := ams[i-1], ams[i]
			if a.Eligible == b.Eligible && (a.RankInRegion > b.RankInRegion || (a.RankInRegion == b.RankInRegion && a.SiteID > b.SiteID)) || (!a.Eligible && b.Eligible) {
				t.Fatalf("display order broken at %d: %+v then %+v", i, a, b)
			}
		}
		// fn's error stops the stream.
		stop := errors.New("stop")
		count := 0
		if err := s.EachScore(ctx, ScoreFilter{}, func(*Score) error { count++; return stop }); !errors.Is(err, stop) || count != 1 {
			t.Errorf("EachScore after fn's error: %v, %d calls", err, count)
		}
		if s.pg() {
			var n int
			var kos, profile string
			if err := s.DB().QueryRowContext(ctx, `SELECT count(*), max(knockouts), max(profile_hash) FROM kandidaten WHERE use = 'transformatie'`).Scan(&n, &kos, &profile); err != nil {
				t.Fatal(err)
			}
			if n != len(rows["transformatie"]) || kos != "te_klein" || profile != "htransformatie" {
				t.Errorf("view kandidaten: %d rows, knockouts %q, hash %q", n, kos, profile)
			}
		}
	})
}

func TestSaveRegionsMovesSitesToTheirNewCentrumgemeente(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		sites := testSites()[:2]
		sites[0].Gemeente, sites[0].Centrumgemeente = "GM0355", "GM0344" // Zeist, region Utrecht
		sites[1].Gemeente, sites[1].Centrumgemeente = "GM0999", "GM0999"
		if err := s.SaveSites(ctx, okRun(RunGebouwen, "g.csv"), sites); err != nil {
			t.Fatal(err)
		}
		// The user's own table puts Zeist under Amersfoort and leaves GM0999 out.
		regions := []RegionMember{
			{Gemeente: "GM0307", Centrumgemeente: "GM0307"},
			{Gemeente: "GM0355", Centrumgemeente: "GM0307"},
		}
		if err := s.SaveRegions(ctx, okRun(RunRegios, "eigen-regios.csv"), regions); err != nil {
			t.Fatal(err)
		}
		got, err := s.Sites(ctx, SiteFilter{})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"GM0355": "GM0307", "GM0999": ""}
		for _, site := range got {
			if site.Centrumgemeente != want[site.Gemeente] {
				t.Errorf("site in %s: centrumgemeente %q, want %q", site.Gemeente, site.Centrumgemeente, want[site.Gemeente])
			}
		}
	})
}
