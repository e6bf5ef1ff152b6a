package api

import (
	"errors"
	"net/url"

	"github.com/labstack/echo/v4"
)

// handleItem serves /collections/{collectionId}/items/{featureId}.
func (s *Server) handleItem(c echo.Context) error {
	if err := checkParams(c, "f", "crs"); err != nil {
		return err
	}
	coll, err := s.collection(c)
	if err != nil {
		return err
	}
	format, err := negotiate(c, formatJSON, formatHTML)
	if err != nil {
		return err
	}
	crs, err := parseCRS(c.QueryParam("crs"))
	if err != nil {
		return err
	}
	f, err := s.cat.Item(c.Request().Context(), coll.ID, c.Param("featureId"))
	if errors.Is(err, ErrFeatureNotFound) {
		return notFound("collection %s has no feature with id %q", coll.ID, c.Param("featureId"))
	}
	if err != nil {
		return err
	}
	base := s.baseURL(c)
	self := itemURL(base, coll.ID, f.ID)
	suffix := ""
	if v := c.QueryParam("crs"); v != "" {
		suffix = "&crs=" + url.QueryEscape(v)
	}
	fj := toFeatureJSON(f, crs)
	fj.Links = []Link{
		{Href: self + "?f=json" + suffix, Rel: "self", Type: mediaGeoJSON, Title: "this feature"},
		{Href: self + "?f=html" + suffix, Rel: "alternate", Type: mediaHTML, Title: "this feature as HTML"},
		{Href: base + "/collections/" + url.PathEscape(coll.ID), Rel: "collection", Type: mediaJSON, Title: coll.Title},
	}
	c.Response().Header().Set(headerCRS, "<"+crs.URI()+">")
	if format == formatHTML {
		return s.renderItemHTML(c, coll, fj)
	}
	return sendJSON(c, mediaGeoJSON, fj)
}
