package api

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/plekwijzer/plekwijzer/api/cql2"
	"github.com/plekwijzer/plekwijzer/geo"
)

// itemsParams are the fixed query parameters of /collections/{id}/items;
// every queryable property is accepted as well.
var itemsParams = []string{"f", "limit", "offset", "bbox", "bbox-crs", "crs", "sortby", "filter", "filter-lang", "filter-crs", "decimal"}

// itemsQuery is a parsed items request.
type itemsQuery struct {
	limit, offset int
	limitGiven    bool
	crs           geo.CRS
	bbox          orb.Geometry // RD New, nil for none
	props         []propertyFilter
	sort          []sortKey
	filter        *cql2.Filter
	decimalComma  bool
}

// parseItemsQuery validates every query parameter of an items request.
func (s *Server) parseItemsQuery(q url.Values, coll Collection) (itemsQuery, error) {
	var iq itemsQuery
	for name := range q {
		if !slices.Contains(itemsParams, name) {
			if _, ok := coll.Property(name); !ok {
				return iq, unknownParam(name, append(slices.Clone(itemsParams), propertyNamesSlice(coll)...))
			}
		}
	}
	var err error
	if iq.limit, err = parseLimit(q.Get("limit"), s.cfg.DefaultLimit, s.cfg.MaxLimit); err != nil {
		return iq, err
	}
	iq.limitGiven = q.Get("limit") != ""
	if iq.offset, err = parseOffset(q.Get("offset")); err != nil {
		return iq, err
	}
	if iq.crs, err = parseCRS(q.Get("crs")); err != nil {
		return iq, err
	}
	bboxCRS, err := parseBBoxCRS(q.Get("bbox-crs"))
	if err != nil {
		return iq, err
	}
	if b := q.Get("bbox"); b != "" {
		bound, err := parseBBox(b)
		if err != nil {
			return iq, err
		}
		if iq.bbox, err = bboxToStorage(bound, bboxCRS); err != nil {
			return iq, err
		}
	}
	if err := parseFilterLang(q.Get("filter-lang")); err != nil {
		return iq, err
	}
	filterCRS, err := parseFilterCRS(q.Get("filter-crs"))
	if err != nil {
		return iq, err
	}
	if f := q.Get("filter"); f != "" {
		if iq.filter, err = parseFilter(f, filterCRS, coll); err != nil {
			return iq, err
		}
	}
	if iq.sort, err = parseSortBy(q.Get("sortby"), coll); err != nil {
		return iq, err
	}
	for _, p := range coll.Properties {
		if slices.Contains(itemsParams, p.Name) || !q.Has(p.Name) {
			continue
		}
		pf, err := parseProperty(p, q.Get(p.Name))
		if err != nil {
			return iq, err
		}
		iq.props = append(iq.props, pf)
	}
	if iq.decimalComma, err = parseDecimal(q.Get("decimal")); err != nil {
		return iq, err
	}
	return iq, nil
}

func propertyNamesSlice(coll Collection) []string {
	out := make([]string, len(coll.Properties))
	for i, p := range coll.Properties {
		out[i] = p.Name
	}
	return out
}

// featureRecord adapts a Feature to cql2.Record.
type featureRecord struct{ f *Feature }

func (r featureRecord) Property(name string) (any, bool) {
	v, ok := r.f.Properties[name]
	return v, ok
}

func (r featureRecord) Geometry() orb.Geometry { return r.f.Geometry }

// match reports whether f passes bbox, property and CQL2 filters.
func (iq *itemsQuery) match(f *Feature) bool {
	if iq.bbox != nil && (f.Geometry == nil || !cql2.Intersects(f.Geometry, iq.bbox)) {
		return false
	}
	for _, pf := range iq.props {
		c, ok := cql2.Compare(f.Properties[pf.name], pf.value)
		if !ok || c != 0 {
			return false
		}
	}
	return iq.filter == nil || iq.filter.Match(featureRecord{f})
}

// selectFeatures filters and sorts; the result shares Feature values.
func (iq *itemsQuery) selectFeatures(all []Feature) []*Feature {
	out := make([]*Feature, 0, len(all))
	for i := range all {
		if iq.match(&all[i]) {
			out = append(out, &all[i])
		}
	}
	if len(iq.sort) > 0 {
		slices.SortStableFunc(out, func(a, b *Feature) int {
			for _, k := range iq.sort {
				var c int
				if k.name == "id" {
					c = CompareIDs(a.ID, b.ID)
				} else {
					c = compareForSort(a.Properties[k.name], b.Properties[k.name])
				}
				if k.desc {
					c = -c
				}
				if c != 0 {
					return c
				}
			}
			return 0
		})
	}
	return out
}

// compareForSort orders values with NULLs (and incomparable values) last.
func compareForSort(a, b any) int {
	if c, ok := cql2.Compare(a, b); ok {
		return c
	}
	_, aok := cql2.Compare(a, a)
	_, bok := cql2.Compare(b, b)
	switch {
	case aok && !bok:
		return -1
	case !aok && bok:
		return 1
	}
	return 0
}

// page is the selected slice of features with paging figures.
type page struct {
	features      []*Feature
	numberMatched int
	offset, limit int
	hasNext       bool
	timeStamp     time.Time
	collection    Collection
	crs           geo.CRS
	decimalComma  bool
	base          string
	query         url.Values
}

// handleItems serves /collections/{collectionId}/items.
func (s *Server) handleItems(c echo.Context) error {
	coll, err := s.collection(c)
	if err != nil {
		return err
	}
	format, err := negotiate(c, formatJSON, formatHTML, formatCSV, formatGPKG)
	if err != nil {
		return err
	}
	q := c.QueryParams()
	iq, err := s.parseItemsQuery(q, coll)
	if err != nil {
		return err
	}
	all, err := s.cat.Features(c.Request().Context(), coll.ID)
	if err != nil {
		return err
	}
	if tag := s.versionETag(c, format); tag != "" {
		c.Response().Header().Set("ETag", tag)
		if etagMatch(c.Request().Header.Get(headerIfNoneMatch), tag) {
			return c.NoContent(http.StatusNotModified)
		}
	}
	sel := iq.selectFeatures(all)
	if err := c.Request().Context().Err(); err != nil {
		return err
	}
	// Downloads (CSV, GeoPackage) hold the whole selection unless a limit is given.
	limit := iq.limit
	if (format == formatCSV || format == formatGPKG) && !iq.limitGiven {
		limit = len(sel)
	}
	start := min(iq.offset, len(sel))
	end := min(start+limit, len(sel))
	pg := page{
		features: sel[start:end], numberMatched: len(sel), offset: iq.offset, limit: limit,
		hasNext: end < len(sel), timeStamp: time.Now().UTC().Truncate(time.Second), collection: coll,
		crs: iq.crs, decimalComma: iq.decimalComma, base: s.baseURL(c), query: q,
	}
	c.Response().Header().Set(headerCRS, "<"+iq.crs.URI()+">")
	switch format {
	case formatHTML:
		return s.renderItemsHTML(c, pg)
	case formatCSV:
		return renderCSV(c, pg)
	case formatGPKG:
		return s.renderGPKG(c, pg)
	}
	return renderFeatureCollection(c, pg)
}

// itemsURL returns the items URL with q, where the given parameters are
// replaced (an empty value removes a parameter).
func itemsURL(base, collection string, q url.Values, set map[string]string) string {
	v := url.Values{}
	for k, vals := range q {
		v[k] = slices.Clone(vals)
	}
	for k, val := range set {
		if val == "" {
			v.Del(k)
		} else {
			v.Set(k, val)
		}
	}
	u := base + "/collections/" + url.PathEscape(collection) + "/items"
	if enc := v.Encode(); enc != "" {
		u += "?" + enc
	}
	return u
}

// pageLinks returns self, alternate, next and prev links of a page.
func pageLinks(pg page) []Link {
	itoa := strconv.Itoa
	links := []Link{
		{Href: itemsURL(pg.base, pg.collection.ID, pg.query, map[string]string{"f": "json"}), Rel: "self", Type: mediaGeoJSON, Title: "this page"},
		{Href: itemsURL(pg.base, pg.collection.ID, pg.query, map[string]string{"f": "html"}), Rel: "alternate", Type: mediaHTML, Title: "this page as HTML"},
		{Href: itemsURL(pg.base, pg.collection.ID, pg.query, map[string]string{"f": "csv", "limit": "", "offset": ""}), Rel: "alternate", Type: mediaCSV, Title: "the whole selection as CSV"},
		{Href: itemsURL(pg.base, pg.collection.ID, pg.query, map[string]string{"f": "gpkg", "limit": "", "offset": ""}), Rel: "alternate", Type: mediaGPKG, Title: "the whole selection as GeoPackage"},
		{Href: pg.base + "/collections/" + url.PathEscape(pg.collection.ID), Rel: "collection", Type: mediaJSON, Title: pg.collection.Title},
	}
	if pg.hasNext {
		links = append(links, Link{Href: itemsURL(pg.base, pg.collection.ID, pg.query, map[string]string{"f": "json", "offset": itoa(pg.offset + pg.limit), "limit": itoa(pg.limit)}), Rel: "next", Type: mediaGeoJSON, Title: "next page"})
	}
	if pg.offset > 0 {
		prev := max(pg.offset-pg.limit, 0)
		links = append(links, Link{Href: itemsURL(pg.base, pg.collection.ID, pg.query, map[string]string{"f": "json", "offset": itoa(prev), "limit": itoa(pg.limit)}), Rel: "prev", Type: mediaGeoJSON, Title: "previous page"})
	}
	return links
}
