package api

import (
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/plekwijzer/plekwijzer/geo"
)

// parseBBox parses the bbox parameter: 4 (or 6, with heights) comma
// separated numbers, lower corner first, in the axis order of bbox-crs.
// The returned bound keeps that axis order.
func parseBBox(s string) (orb.Bound, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 4 && len(parts) != 6 {
		return orb.Bound{}, paramError("bbox", "%q has %d numbers; give 4 separated by commas: minx,miny,maxx,maxy (for CRS84 minlon,minlat,maxlon,maxlat)", s, len(parts))
	}
	v := make([]float64, len(parts))
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return orb.Bound{}, paramError("bbox", "%q is not a number (use a point as decimal separator)", p)
		}
		v[i] = f
	}
	if len(v) == 6 {
		v = []float64{v[0], v[1], v[3], v[4]}
	}
	if v[0] > v[2] || v[1] > v[3] {
		return orb.Bound{}, paramError("bbox", "the lower corner (%g,%g) is above or right of the upper corner (%g,%g); give minx,miny,maxx,maxy", v[0], v[1], v[2], v[3])
	}
	return orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}, nil
}

// parseBBoxCRS parses the bbox-crs parameter; empty means CRS84.
func parseBBoxCRS(s string) (geo.CRS, error) { return parseCRSParam("bbox-crs", s) }

// parseBBoxIn turns a bbox in crs into the BBox of a Query. It checks that
// geographic coordinates are degrees in range.
func parseBBoxIn(b orb.Bound, crs geo.CRS) (*BBox, error) {
	if crs.Geographic() {
		lon, lat := orb.Bound{Min: orb.Point{b.Min[0], b.Max[0]}}, orb.Bound{Min: orb.Point{b.Min[1], b.Max[1]}}
		if crs == geo.WGS84 {
			lon, lat = lat, lon
		}
		if lon.Min[0] < -180 || lon.Min[1] > 180 || lat.Min[0] < -90 || lat.Min[1] > 90 {
			order := "minlon,minlat,maxlon,maxlat"
			if crs == geo.WGS84 {
				order = "minlat,minlon,maxlat,maxlon (EPSG:4326 axis order)"
			}
			return nil, paramError("bbox", "coordinates out of range for degrees; give %s, or set bbox-crs for RD New metres", order)
		}
	}
	return NewBBox(b, crs), nil
}
