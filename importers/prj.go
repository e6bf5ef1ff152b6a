package importers

import (
	"regexp"
	"strings"

	"github.com/plekwijzer/plekwijzer/geo"
)

// prjAuthority finds the outermost AUTHORITY["EPSG","code"] / ID["EPSG",code]
// of a WKT. The outermost (last) one names the whole CRS; inner ones name
// datums, units and the like.
var prjAuthority = regexp.MustCompile(`(?i)(?:AUTHORITY|ID)\[\s*"EPSG"\s*,\s*"?(\d+)"?\s*\]\s*\]\s*$`)

// crsFromPRJ maps the WKT of a .prj file to a CRS. It recognises RD New
// (Esri and OGC spellings: Amersfoort with RD_New, RD New, Oblique or
// Double Stereographic) and geographic WGS 84, or an EPSG authority code.
// Anything else gives "" and ok=false: the converter then detects the CRS
// from the coordinates.
func crsFromPRJ(wkt string) (crs geo.CRS, ok bool) {
	s := strings.TrimSpace(strings.TrimPrefix(wkt, "\xef\xbb\xbf"))
	if s == "" {
		return "", false
	}
	if m := prjAuthority.FindStringSubmatch(s); m != nil {
		if c, err := geo.ParseDataCRS("EPSG:" + m[1]); err == nil {
			if c == geo.CRS84 {
				c = geo.WGS84
			}
			return c, true
		}
	}
	u := strings.ToUpper(s)
	projected := strings.HasPrefix(u, "PROJCS") || strings.HasPrefix(u, "PROJCRS") || strings.HasPrefix(u, "PROJECTEDCRS")
	norm := strings.NewReplacer("_", " ", "-", " ").Replace(u)
	if projected {
		if strings.Contains(norm, "AMERSFOORT") &&
			(strings.Contains(norm, "RD NEW") || strings.Contains(norm, "OBLIQUE STEREOGRAPHIC") ||
				strings.Contains(norm, "DOUBLE STEREOGRAPHIC")) {
			return geo.RDNew, true
		}
		return "", false
	}
	geographic := strings.HasPrefix(u, "GEOGCS") || strings.HasPrefix(u, "GEOGCRS") || strings.HasPrefix(u, "GEODCRS")
	if geographic && (strings.Contains(norm, "GCS WGS 1984") || strings.Contains(norm, "WGS 84") ||
		strings.Contains(norm, "WGS84") || strings.Contains(norm, "WGS 1984") ||
		strings.Contains(norm, "ETRS89") || strings.Contains(norm, "ETRS 1989")) {
		return geo.WGS84, true
	}
	return "", false
}
