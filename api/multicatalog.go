package api

import (
	"context"
	"strconv"
	"strings"
	"sync/atomic"
)

// MultiCatalog serves the collections of its first catalog from that
// catalog and every other collection from the rest: for example gebouwen,
// kavels and laag-* from a PostGISCatalog and the candidates, gemeenten and
// regios from the domain's MemoryCatalog.
//
// Collections lists the collections of rest in rest's order, each served by
// first replaced by first's description, and then the collections only
// first has, in first's order.
type MultiCatalog struct {
	first, rest Catalog
	calls       atomic.Int64 // makes Version unique when a part is not Versioned
}

// NewMultiCatalog returns a catalog serving first's collections from first
// and the others from rest.
func NewMultiCatalog(first, rest Catalog) *MultiCatalog {
	return &MultiCatalog{first: first, rest: rest}
}

// Collections implements Catalog.
func (m *MultiCatalog) Collections(ctx context.Context) ([]Collection, error) {
	fc, err := m.first.Collections(ctx)
	if err != nil {
		return nil, err
	}
	rc, err := m.rest.Collections(ctx)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]int, len(fc))
	for i, c := range fc {
		byID[c.ID] = i
	}
	out := make([]Collection, 0, len(fc)+len(rc))
	used := make([]bool, len(fc))
	for _, c := range rc {
		if i, ok := byID[c.ID]; ok {
			c, used[i] = fc[i], true
		}
		out = append(out, c)
	}
	for i, c := range fc {
		if !used[i] {
			out = append(out, c)
		}
	}
	return out, nil
}

// catalog returns the catalog serving collection.
func (m *MultiCatalog) catalog(ctx context.Context, collection string) (Catalog, error) {
	fc, err := m.first.Collections(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range fc {
		if c.ID == collection {
			return m.first, nil
		}
	}
	return m.rest, nil
}

// Items implements Catalog.
func (m *MultiCatalog) Items(ctx context.Context, collection string, q Query, fn func(*Feature) error) (int, error) {
	c, err := m.catalog(ctx, collection)
	if err != nil {
		return 0, err
	}
	return c.Items(ctx, collection, q, fn)
}

// Item implements Catalog.
func (m *MultiCatalog) Item(ctx context.Context, collection, id string) (*Feature, error) {
	c, err := m.catalog(ctx, collection)
	if err != nil {
		return nil, err
	}
	return c.Item(ctx, collection, id)
}

// Version implements Versioned: the versions of both catalogs. When either
// is not Versioned it differs on every call, so that no ETag ever matches.
func (m *MultiCatalog) Version() string {
	a, aok := m.first.(Versioned)
	b, bok := m.rest.(Versioned)
	if !aok || !bok {
		return "unversioned-" + strconv.FormatInt(m.calls.Add(1), 36)
	}
	return strings.Join([]string{a.Version(), b.Version()}, "+")
}
