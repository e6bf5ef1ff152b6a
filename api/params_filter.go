package api

import (
	"errors"
	"strings"

	"github.com/paulmach/orb"
	"github.com/plekwijzer/plekwijzer/api/cql2"
	"github.com/plekwijzer/plekwijzer/geo"
)

// maxFilterLength bounds the filter parameter.
const maxFilterLength = 64 << 10

// parseFilterLang accepts cql2-text (the default) and the older cql-text.
func parseFilterLang(s string) error {
	switch strings.ToLower(s) {
	case "", "cql2-text", "cql-text":
		return nil
	}
	return paramError("filter-lang", "%q is not supported; use cql2-text", s)
}

// parseFilterCRS parses filter-crs, the CRS of geometry literals in filter;
// empty means CRS84.
func parseFilterCRS(s string) (geo.CRS, error) { return parseCRSParam("filter-crs", s) }

// parseFilter parses a CQL2 text filter, checks it against the collection's
// queryables and converts its geometry literals from crs to RD New.
func parseFilter(text string, crs geo.CRS, coll Collection) (*cql2.Filter, error) {
	if len(text) > maxFilterLength {
		return nil, paramError("filter", "the filter is longer than %d bytes", maxFilterLength)
	}
	f, err := cql2.Parse(text)
	if err != nil {
		return nil, paramError("filter", "%v", err)
	}
	types := make(map[string]string, len(coll.Properties)+1)
	for _, p := range coll.Properties {
		if !p.Computed {
			types[p.Name] = p.Type
		}
	}
	if err := f.Check(types); err != nil {
		if errors.Is(err, cql2.ErrUnknownProperty) {
			return nil, paramError("filter", "%v; the queryables of %s are: %s", err, coll.ID, propertyNames(coll))
		}
		return nil, paramError("filter", "%v", err)
	}
	f.TransformGeometries(func(g orb.Geometry) orb.Geometry { return geometryToStorage(g, crs) })
	return f, nil
}
