package api

import "github.com/labstack/echo/v4"

type landingJSON struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Links       []Link `json:"links"`
}

// handleLanding serves the landing page /.
func (s *Server) handleLanding(c echo.Context) error {
	if err := checkParams(c, "f"); err != nil {
		return err
	}
	format, err := negotiate(c, formatJSON, formatHTML)
	if err != nil {
		return err
	}
	b := s.baseURL(c)
	l := landingJSON{Title: s.cfg.Title, Description: s.cfg.Description, Links: []Link{
		{Href: b + "/?f=json", Rel: "self", Type: mediaJSON, Title: "this document"},
		{Href: b + "/?f=html", Rel: "alternate", Type: mediaHTML, Title: "this document as HTML"},
		{Href: b + "/api", Rel: "service-desc", Type: mediaOpenAPI, Title: "the API definition (OpenAPI 3.0)"},
		{Href: b + "/api?f=html", Rel: "service-doc", Type: mediaHTML, Title: "the API documentation"},
		{Href: b + "/conformance", Rel: "conformance", Type: mediaJSON, Title: "conformance classes implemented by this server"},
		{Href: b + "/collections", Rel: "data", Type: mediaJSON, Title: "the feature collections"},
	}}
	if format == formatHTML {
		return s.renderHTML(c, "landing", l.Title, l)
	}
	return sendJSON(c, mediaJSON, l)
}
