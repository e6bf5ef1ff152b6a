package store

import (
	"context"
	"errors"
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
			{SiteID: id0, Use: "transformatie", Profile: "transformatie", Score: 71.5, Eligible: true, RankInRegion: 1,
				CapacityUnits: 40, CapacityPeople: 40, Centrumgemeente: "GM0363", Explanation: []byte(`{"score":71.5}`)},
			{SiteID: id1, Use: "transformatie", Profile: "transformatie", Score: 12, Eligible: false,
				Centrumgemeente: "GM0363", Explanation: []byte(`{"knockouts":["in natura2000 Veluwe"]}`)},
			{SiteID: id0, Use: "flex", Profile: "flexwonen", Score: 50, Eligible: true, RankInRegion: 1,
				Centrumgemeente: "GM0363", Explanation: []byte(`{}`)},
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
		if got[0].Score != 71.5 || got[0].CapacityUnits != 40 || got[0].Generation != 7 || !got[0].ScoredAt.Equal(at) {
			t.Errorf("round trip: %+v", got[0])
		}
		if string(got[1].Explanation) == "" {
			t.Error("explanation lost")
		}

		// Rescoring one use replaces that use only.
		if err := s.SaveScores(ctx, 8, at, []Score{{SiteID: id1, Use: "transformatie", Profile: "t2", Score: 90, Eligible: true, Explanation: []byte(`{}`)}}); err != nil {
			t.Fatal(err)
		}
		all, err := s.Scores(ctx, ScoreFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 2 {
			t.Fatalf("after rescoring transformatie: %d scores, want 1 flex + 1 transformatie: %+v", len(all), all)
		}

		// A bad batch changes nothing.
		err = s.SaveScores(ctx, 9, at, []Score{{SiteID: id0, Use: "flex", Explanation: []byte(`{}`)}, {SiteID: "", Use: "flex"}})
		if !errors.Is(err, ErrInvalid) {
			t.Fatalf("empty site id: err = %v, want ErrInvalid", err)
		}
		err = s.SaveScores(ctx, 9, at, []Score{{SiteID: "gnotasite000", Use: "flex", Explanation: []byte(`{}`)}})
		if err == nil {
			t.Fatal("score of an unknown site was accepted")
		}
		flex, err := s.Scores(ctx, ScoreFilter{Use: "flex", Centrumgemeente: "GM0363"})
		if err != nil {
			t.Fatal(err)
		}
		if len(flex) != 1 || flex[0].Score != 50 {
			t.Errorf("flex scores after failed saves: %+v", flex)
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
