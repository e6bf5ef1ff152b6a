package geo

// THIS FILE IS A PLACEHOLDER: the geo helper replaces it with real files
// (crs.go, rd.go, validate.go, index.go, ...) keeping these exact signatures.

import (
	"errors"

	"github.com/paulmach/orb"
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
func ParseCRS(s string) (CRS, error) { panic("todo") }

// URI returns the OGC http URI of the CRS.
func (c CRS) URI() string { panic("todo") }

// RDToWGS84 converts an RD New point (x, y in metres) to WGS84 (lon, lat).
func RDToWGS84(p orb.Point) orb.Point { panic("todo") }

// WGS84ToRD converts a WGS84 point (lon, lat) to RD New (x, y in metres).
func WGS84ToRD(p orb.Point) orb.Point { panic("todo") }

// Project returns a deep copy of g with every point passed through fn.
func Project(g orb.Geometry, fn func(orb.Point) orb.Point) orb.Geometry { panic("todo") }

// ToRD returns g (in from) converted to RD New. g in RD New is returned as a copy.
func ToRD(g orb.Geometry, from CRS) orb.Geometry { panic("todo") }

// InNetherlandsRD reports whether an RD point lies in the RD New validity box
// of the Netherlands (with its territorial sea).
func InNetherlandsRD(p orb.Point) bool { panic("todo") }

// InNetherlandsWGS84 reports whether a lon/lat point lies in the Netherlands' box.
func InNetherlandsWGS84(p orb.Point) bool { panic("todo") }

// DetectCRS guesses the CRS of a coordinate pair from its range: RD New for
// metres within the Dutch box, WGS84 (lon, lat) for degrees within it.
// It also recognises swapped lat/lon and reports it with swapped=true.
func DetectCRS(p orb.Point) (crs CRS, swapped bool, ok bool) { panic("todo") }

// ErrInvalidGeometry wraps every reason Repair gives up on a geometry.
var ErrInvalidGeometry = errors.New("invalid geometry")

// Repair validates g and repairs what is safe to repair (unclosed rings,
// repeated points, ring orientation). It returns the repaired geometry and a
// list of what it changed, or an error wrapping ErrInvalidGeometry saying why
// (too few points, NaN, self-intersection, ...).
func Repair(g orb.Geometry) (orb.Geometry, []string, error) { panic("todo") }
