package matching

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/plekwijzer/plekwijzer/store"
)

func TestZZDump(t *testing.T) {
	out := os.Getenv("DUMP")
	if out == "" {
		t.Skip()
	}
	sites, fs := randomScene(11, 20000, 3000, 2000, 300)
	s2, f2 := benchScene(20000)
	ref := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range sites {
		if i%7 == 0 {
			u := ref.AddDate(i%15, 0, 0)
			sites[i].AvailableUntil = &u
		}
		if i%11 == 0 {
			sites[i].Monument = "Rijksmonument"
		}
		if i%13 == 0 {
			sites[i].Status = "Verkocht"
		}
		if i%17 == 0 {
			sites[i].Geometry = nil
		}
	}
	var all []byte
	for _, sc := range []struct {
		s []store.Site
		f []store.Feature
	}{{sites, fs}, {s2, f2}} {
		profiles, _ := DefaultProfiles()
		sk, _ := DefaultProfile("skaeve-huse")
		profiles = append(profiles, sk)
		for _, p := range profiles {
			p.SiteKinds = []store.SiteKind{store.Kavel, store.Gebouw}
		}
		e := NewEngine(sc.f, Options{ReferenceDate: ref})
		sets, err := e.Score(context.Background(), sc.s, profiles...)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(sets)
		all = append(all, b...)
	}
	os.WriteFile(out, all, 0o644)
}
