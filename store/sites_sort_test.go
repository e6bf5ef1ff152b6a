package store

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestSortByIDMatchesTextOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, mixed := range []bool{false, true} {
		sites := make([]Site, 2000)
		for i := range sites {
			kind := Kavel
			if r.IntN(2) == 0 {
				kind = Gebouw
			}
			sites[i].ID = SiteID(kind, "bron", fmt.Sprint(r.Int()))
			if mixed && i%100 == 0 {
				sites[i].ID = fmt.Sprintf("eigen-%d", i) // not SiteID's form: the text path
			}
		}
		got := sortByID(slices.Clone(sites))
		slices.SortFunc(sites, func(a, b Site) int { return strings.Compare(a.ID, b.ID) })
		for i := range got {
			if got[i].ID != sites[i].ID {
				t.Fatalf("mixed=%v: position %d has %s, want %s", mixed, i, got[i].ID, sites[i].ID)
			}
		}
	}
}
