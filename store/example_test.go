package store_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/store"
)

func Example() {
	ctx := context.Background()
	s, err := store.Open(ctx, ":memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	run := &store.Run{Kind: store.RunKavels, File: "kavels.csv", Status: store.RunOK}
	sites := []store.Site{{
		Kind: store.Kavel, Source: "gemeente-utrecht", SourceRef: "K-17",
		Geometry: orb.Point{136000, 455000}, Gemeente: "GM0344",
	}}
	if err := s.SaveSites(ctx, run, sites); err != nil {
		log.Fatal(err)
	}
	// Re-importing the same source updates the same site.
	if err := s.SaveSites(ctx, &store.Run{Kind: store.RunKavels, File: "kavels.csv", Status: store.RunOK}, sites); err != nil {
		log.Fatal(err)
	}
	n, _ := s.CountSites(ctx, store.SiteFilter{Gemeente: "GM0344"})
	fmt.Println(sites[0].ID, n)

	// A failed save changes nothing and says what is wrong.
	err = s.SaveSites(ctx, &store.Run{Kind: store.RunKavels, File: "kavels2.csv", Status: store.RunOK},
		[]store.Site{{Kind: store.Kavel, Source: "gemeente-utrecht", SourceRef: "K-18"}})
	fmt.Println(errors.Is(err, store.ErrInvalid))
	fmt.Println(err)
	// Output:
	// kcb13973ef4f6 1
	// true
	// save sites of "kavels2.csv": site 1 (kavel "K-18" from "gemeente-utrecht"): invalid data: no geometry
}
