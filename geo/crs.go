package geo

import (
	"errors"
	"fmt"
	"strings"
)

// CRS names a coordinate reference system by its EPSG code string.
type CRS string

// Supported CRSs.
const (
	RDNew CRS = "EPSG:28992" // Amersfoort / RD New, metres, x east, y north
	WGS84 CRS = "EPSG:4326"  // WGS 84; stored here as lon/lat (x=lon, y=lat)
	CRS84 CRS = "OGC:CRS84"  // WGS 84 with lon/lat axis order (OGC API default)
)

// ErrUnknownCRS is returned by ParseCRS for a CRS plekwijzer cannot handle.
var ErrUnknownCRS = errors.New("unknown coordinate reference system")

// ParseCRS accepts "EPSG:28992", "28992", "urn:ogc:def:crs:EPSG::28992",
// "http://www.opengis.net/def/crs/EPSG/0/28992", the same for 4326, and the
// CRS84 URIs; anything else returns ErrUnknownCRS.
//
// Matching ignores case and surrounding white space; https URIs and
// versioned URNs ("urn:ogc:def:crs:EPSG:9.9.1:28992") are accepted too.
func ParseCRS(s string) (CRS, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	switch {
	case strings.HasPrefix(v, "https://"):
		v = "http://" + strings.TrimPrefix(v, "https://")
	}
	var code string
	switch {
	case v == "crs84" || v == "ogc:crs84" ||
		v == "http://www.opengis.net/def/crs/ogc/1.3/crs84" ||
		v == "urn:ogc:def:crs:ogc:1.3:crs84" ||
		v == "urn:ogc:def:crs:ogc::crs84":
		return CRS84, nil
	case strings.HasPrefix(v, "epsg:"):
		code = strings.TrimPrefix(v, "epsg:")
	case strings.HasPrefix(v, "urn:ogc:def:crs:epsg:"):
		rest := strings.TrimPrefix(v, "urn:ogc:def:crs:epsg:")
		// rest is "<version>:<code>", version usually empty.
		i := strings.IndexByte(rest, ':')
		if i < 0 {
			break
		}
		code = rest[i+1:]
	case strings.HasPrefix(v, "http://www.opengis.net/def/crs/epsg/"):
		rest := strings.TrimPrefix(v, "http://www.opengis.net/def/crs/epsg/")
		i := strings.IndexByte(rest, '/')
		if i < 0 {
			break
		}
		code = rest[i+1:]
	default:
		code = v
	}
	switch code {
	case "28992":
		return RDNew, nil
	case "4326":
		return WGS84, nil
	}
	return "", fmt.Errorf("%w: %q (use EPSG:28992 for RD New, EPSG:4326 for WGS 84 or OGC:CRS84)", ErrUnknownCRS, s)
}

// URI returns the OGC http URI of the CRS, for example
// "http://www.opengis.net/def/crs/EPSG/0/28992". An unknown CRS returns "".
func (c CRS) URI() string {
	switch c {
	case RDNew:
		return "http://www.opengis.net/def/crs/EPSG/0/28992"
	case WGS84:
		return "http://www.opengis.net/def/crs/EPSG/0/4326"
	case CRS84:
		return "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
	}
	return ""
}

// String returns the short name of the CRS, e.g. "EPSG:28992".
func (c CRS) String() string { return string(c) }

// Geographic reports whether the CRS has lon/lat degrees (WGS84 or CRS84).
func (c CRS) Geographic() bool { return c == WGS84 || c == CRS84 }

// ParseDataCRS is ParseCRS for the coordinates of delivered data, which
// also come in two close relatives: ETRS89 (EPSG:4258) is read as WGS 84
// (in the Netherlands they differ by well under 1 m in 2026, within what
// the RD conversion itself guarantees) and RD New + NAP height
// (EPSG:7415) as RD New (the height is dropped, as for every Z).
func ParseDataCRS(s string) (CRS, error) {
	c, err := ParseCRS(s)
	if err == nil {
		return c, nil
	}
	v := strings.ToLower(strings.TrimSpace(s))
	for code, same := range map[string]string{"4258": "4326", "7415": "28992"} {
		if v == code || strings.HasSuffix(v, ":"+code) || strings.HasSuffix(v, "/"+code) {
			if c, err := ParseCRS(strings.TrimSuffix(v, code) + same); err == nil {
				return c, nil
			}
		}
	}
	return "", fmt.Errorf("%w: %q (use EPSG:28992 (RD New), EPSG:4326 (WGS 84), EPSG:4258 (ETRS89) or EPSG:7415 (RD New + NAP))", ErrUnknownCRS, s)
}
