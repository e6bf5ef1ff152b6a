package api

import (
	"strings"

	"github.com/plekwijzer/plekwijzer/geo"
)

// parseCRS parses the crs parameter (output CRS); empty means CRS84.
func parseCRS(s string) (geo.CRS, error) { return parseCRSParam("crs", s) }

func parseCRSParam(param, s string) (geo.CRS, error) {
	if s == "" {
		return geo.CRS84, nil
	}
	c, err := geo.ParseCRS(s)
	if err != nil {
		return "", paramError(param, "%q is not a supported CRS; use one of %s", s, strings.Join(crsURIs(), ", "))
	}
	return c, nil
}
