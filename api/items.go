package api

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/plekwijzer/plekwijzer/geo"
)

// itemsParams are the fixed query parameters of /collections/{id}/items;
// every queryable property is accepted as well.
var itemsParams = []string{"f", "limit", "offset", "bbox", "bbox-crs", "crs", "sortby", "filter", "filter-lang", "filter-crs", "decimal"}

// itemsQuery is a parsed items request: the catalog's Query and what
// the response needs besides.
type itemsQuery struct {
	Query
	limitGiven   bool
	crs          geo.CRS
	decimalComma bool
}

// parseItemsQuery validates every query parameter of an items request.
func (s *Server) parseItemsQuery(q url.Values, coll Collection) (itemsQuery, error) {
	var iq itemsQuery
	for name := range q {
		if !slices.Contains(itemsParams, name) {
			if _, ok := coll.Queryable(name); !ok {
				return iq, unknownParam(name, append(slices.Clone(itemsParams), propertyNamesSlice(coll)...))
			}
		}
	}
	var err error
	if iq.Limit, err = parseLimit(q.Get("limit"), s.cfg.DefaultLimit, s.cfg.MaxLimit); err != nil {
		return iq, err
	}
	iq.limitGiven = q.Get("limit") != ""
	if iq.Offset, err = parseOffset(q.Get("offset")); err != nil {
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
		if iq.BBox, err = parseBBoxIn(bound, bboxCRS); err != nil {
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
		if iq.Filter, err = parseFilter(f, filterCRS, coll); err != nil {
			return iq, err
		}
	}
	if iq.Sort, err = parseSortBy(q.Get("sortby"), coll); err != nil {
		return iq, err
	}
	for _, p := range coll.Properties {
		if p.Computed || slices.Contains(itemsParams, p.Name) || !q.Has(p.Name) {
			continue
		}
		pf, err := parseProperty(p, q.Get(p.Name))
		if err != nil {
			return iq, err
		}
		iq.Props = append(iq.Props, pf)
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

// page is the selected features with paging figures.
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
	if tag := s.versionETag(c, format); tag != "" {
		c.Response().Header().Set("ETag", tag)
		if etagMatch(c.Request().Header.Get(headerIfNoneMatch), tag) {
			return c.NoContent(http.StatusNotModified)
		}
	}
	// Downloads (CSV, GeoPackage) hold the whole selection unless a limit is given.
	if (format == formatCSV || format == formatGPKG) && !iq.limitGiven {
		iq.Limit = -1
	}
	c.Response().Header().Set(headerCRS, "<"+iq.crs.URI()+">")
	switch format {
	case formatCSV:
		return s.streamCSV(c, coll, iq)
	case formatJSON:
		gs := newGeoJSONStream(c, &s.writers, coll, iq.crs)
		matched, err := s.cat.Items(c.Request().Context(), coll.ID, iq.Query, gs.write)
		if err != nil {
			return err
		}
		return gs.close(s.page(c, coll, iq, nil, gs.returned, matched))
	}
	if format == formatGPKG {
		return s.renderGPKG(c, coll, iq)
	}
	var features []*Feature
	matched, err := s.cat.Items(c.Request().Context(), coll.ID, iq.Query, func(f *Feature) error {
		features = append(features, f)
		return nil
	})
	if err != nil {
		return err
	}
	return s.renderItemsHTML(c, s.page(c, coll, iq, features, len(features), matched))
}

// page describes the returned features of a request for the renderers.
func (s *Server) page(c echo.Context, coll Collection, iq itemsQuery, features []*Feature, returned, matched int) page {
	limit := iq.Limit
	if limit < 0 {
		limit = returned
	}
	return page{
		features: features, numberMatched: matched, offset: iq.Offset, limit: limit,
		hasNext: iq.Offset+returned < matched, timeStamp: time.Now().UTC().Truncate(time.Second), collection: coll,
		crs: iq.crs, decimalComma: iq.decimalComma, base: s.baseURL(c), query: c.QueryParams(),
	}
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

// streamCSV writes the selection as CSV while the catalog produces it. An
// error after the first bytes can only cut the download short; it is
// logged by the error handler.
func (s *Server) streamCSV(c echo.Context, coll Collection, iq itemsQuery) error {
	cs, err := newCSVStream(c, coll, iq.crs, iq.decimalComma)
	if err != nil {
		return err
	}
	if _, err := s.cat.Items(c.Request().Context(), coll.ID, iq.Query, cs.write); err != nil {
		return err
	}
	return cs.close()
}
