package api

import (
	"context"
	"errors"
	"slices"
	"testing"
)

// unversioned hides a catalog's Version.
type unversioned struct{ Catalog }

func TestMultiCatalog(t *testing.T) {
	ctx := context.Background()
	layer := func(id string, featureIDs ...string) Table {
		l := Layer{Collection: Collection{ID: id, Properties: []Property{{Name: "naam", Type: TypeString}}}}
		for _, f := range featureIDs {
			l.Features = append(l.Features, Feature{ID: f, Properties: map[string]any{"naam": id + "/" + f}})
		}
		return l.Table()
	}
	first := NewMemoryCatalog(layer("gebouwen", "g1"), layer("laag-nieuw", "1"), layer("kavels", "k1", "k2"))
	rest := NewMemoryCatalog(layer("gebouwen", "oud"), layer("kavels", "oud"), layer("kandidaten", "c1"), layer("gemeenten", "GM0344"))
	m := NewMultiCatalog(first, rest)
	colls, err := m.Collections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, c := range colls {
		order = append(order, c.ID)
	}
	if want := []string{"gebouwen", "kavels", "kandidaten", "gemeenten", "laag-nieuw"}; !slices.Equal(order, want) {
		t.Errorf("collections %v, want %v", order, want)
	}
	for _, tc := range []struct{ coll, id, naam string }{
		{"gebouwen", "g1", "gebouwen/g1"}, {"kavels", "k2", "kavels/k2"}, {"laag-nieuw", "1", "laag-nieuw/1"},
		{"kandidaten", "c1", "kandidaten/c1"}, {"gemeenten", "GM0344", "gemeenten/GM0344"},
	} {
		f, err := m.Item(ctx, tc.coll, tc.id)
		if err != nil || f.Properties["naam"] != tc.naam {
			t.Errorf("Item(%s, %s) = %v, %v; want naam %s", tc.coll, tc.id, f, err, tc.naam)
		}
	}
	if _, err := m.Item(ctx, "gebouwen", "oud"); !errors.Is(err, ErrFeatureNotFound) {
		t.Errorf("gebouwen/oud came from the rest: %v", err)
	}
	n, err := m.Items(ctx, "kavels", Query{Limit: -1}, func(*Feature) error { return nil })
	if err != nil || n != 2 {
		t.Errorf("Items(kavels) = %d, %v; want 2 from first", n, err)
	}
	if _, err := m.Items(ctx, "nope", Query{}, nil); !errors.Is(err, ErrCollectionNotFound) {
		t.Errorf("Items(nope): %v", err)
	}
	v := m.Version()
	if v != m.Version() {
		t.Error("Version changed without a change")
	}
	rest.Replace(layer("gemeenten", "GM0363"))
	if v == m.Version() {
		t.Error("Version did not change with the rest's content")
	}
	u := NewMultiCatalog(unversioned{first}, rest)
	if a, b := u.Version(), u.Version(); a == b {
		t.Error("an unversioned part gives a stable Version")
	}
}
