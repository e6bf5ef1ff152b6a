package api

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// Output formats, the values of the f parameter.
const (
	formatJSON = "json"
	formatHTML = "html"
	formatCSV  = "csv"
	formatGPKG = "gpkg"
)

// Media types.
const (
	mediaJSON         = "application/json"
	mediaGeoJSON      = "application/geo+json"
	mediaOpenAPI      = "application/vnd.oai.openapi+json;version=3.0"
	mediaSchema       = "application/schema+json"
	mediaHTML         = "text/html"
	mediaCSV          = "text/csv"
	mediaGPKG         = "application/geopackage+sqlite3"
	charsetUTF8       = "; charset=utf-8"
	headerVary        = "Vary"
	headerCRS         = "Content-Crs"
	headerIfNoneMatch = "If-None-Match"
)

// Link is an OGC API link object.
type Link struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

// negotiate picks the output format from the f parameter or, without it,
// from the Accept header. The first allowed format is the default.
func negotiate(c echo.Context, allowed ...string) (string, error) {
	c.Response().Header().Add(headerVary, echo.HeaderAccept)
	if f := c.QueryParam("f"); f != "" {
		v := strings.ToLower(f)
		switch v {
		case "geojson", "application/geo+json", "application/json":
			v = formatJSON
		case "text/html":
			v = formatHTML
		case "text/csv":
			v = formatCSV
		case "geopackage", mediaGPKG:
			v = formatGPKG
		}
		if !slices.Contains(allowed, v) {
			return "", paramError("f", "%q is not a format of this resource; use one of: %s", f, strings.Join(allowed, ", "))
		}
		return v, nil
	}
	best, bestQ := allowed[0], -1.0
	for _, part := range strings.Split(c.Request().Header.Get(echo.HeaderAccept), ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if qs, ok := params["q"]; ok {
			if v, err := strconv.ParseFloat(qs, 64); err == nil {
				q = v
			} else {
				q = 0
			}
		}
		var f string
		switch mt {
		case mediaGeoJSON, mediaJSON, mediaSchema, "application/vnd.oai.openapi+json":
			f = formatJSON
		case mediaHTML, "application/xhtml+xml":
			f = formatHTML
		case mediaCSV:
			f = formatCSV
		case mediaGPKG:
			f = formatGPKG
		default:
			continue
		}
		if slices.Contains(allowed, f) && q > bestQ {
			best, bestQ = f, q
		}
	}
	return best, nil
}

// writeJSONBody writes v as JSON without HTML escaping.
func writeJSONBody(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// sendJSON writes v with status 200 and the given content type.
func sendJSON(c echo.Context, contentType string, v any) error {
	c.Response().Header().Set(echo.HeaderContentType, contentType)
	c.Response().WriteHeader(http.StatusOK)
	return writeJSONBody(c.Response(), v)
}

// checkParams rejects query parameters other than allowed with a 400
// naming the parameter.
func checkParams(c echo.Context, allowed ...string) error {
	for name := range c.QueryParams() {
		if !slices.Contains(allowed, name) {
			return unknownParam(name, allowed)
		}
	}
	return nil
}

func unknownParam(name string, allowed []string) error {
	return paramError(name, "unknown parameter; this resource accepts: %s", strings.Join(allowed, ", "))
}
