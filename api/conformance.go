package api

import "github.com/labstack/echo/v4"

// conformanceClasses lists only what this server implements.
var conformanceClasses = [...]string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
	"http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
	"http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
	"http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
}

// handleConformance serves /conformance.
func (s *Server) handleConformance(c echo.Context) error {
	if err := checkParams(c, "f"); err != nil {
		return err
	}
	format, err := negotiate(c, formatJSON, formatHTML)
	if err != nil {
		return err
	}
	v := map[string][]string{"conformsTo": conformanceClasses[:]}
	if format == formatHTML {
		return s.renderHTML(c, "conformance", "Conformance", v)
	}
	return sendJSON(c, mediaJSON, v)
}
