package geo

import "github.com/paulmach/orb"

// Validity boxes of the Netherlands including the Wadden islands and the
// 12-mile territorial sea.
const (
	rdMinX, rdMaxX     = -7000.0, 300000.0  // metres
	rdMinY, rdMaxY     = 289000.0, 629000.0 // metres
	nlMinLon, nlMaxLon = 3.2, 7.3           // degrees
	nlMinLat, nlMaxLat = 50.7, 53.7         // degrees
)

// RDBound returns the RD New validity box of the Netherlands (metres).
func RDBound() orb.Bound {
	return orb.Bound{Min: orb.Point{rdMinX, rdMinY}, Max: orb.Point{rdMaxX, rdMaxY}}
}

// WGS84Bound returns the lon/lat box of the Netherlands (degrees).
func WGS84Bound() orb.Bound {
	return orb.Bound{Min: orb.Point{nlMinLon, nlMinLat}, Max: orb.Point{nlMaxLon, nlMaxLat}}
}

// InNetherlandsRD reports whether an RD point lies in the RD New validity box
// of the Netherlands (with its territorial sea): x -7000..300000 and
// y 289000..629000 metres.
func InNetherlandsRD(p orb.Point) bool {
	return p[0] >= rdMinX && p[0] <= rdMaxX && p[1] >= rdMinY && p[1] <= rdMaxY
}

// InNetherlandsWGS84 reports whether a lon/lat point lies in the Netherlands'
// box: lon 3.2..7.3 and lat 50.7..53.7 degrees.
func InNetherlandsWGS84(p orb.Point) bool {
	return p[0] >= nlMinLon && p[0] <= nlMaxLon && p[1] >= nlMinLat && p[1] <= nlMaxLat
}

// DetectCRS guesses the CRS of a coordinate pair from its range: RD New for
// metres within the Dutch box, WGS84 (lon, lat) for degrees within it.
// It also recognises swapped lat/lon and reports it with swapped=true.
//
// The heuristic, in order:
//
//  1. p in the RD box (InNetherlandsRD): RDNew, not swapped.
//  2. p in the lon/lat box (InNetherlandsWGS84): WGS84, not swapped.
//  3. (p[1], p[0]) in the lon/lat box: WGS84, swapped (the data has lat
//     first). The Dutch latitude (50.7..53.7) and longitude (3.2..7.3)
//     ranges do not overlap, so this is never ambiguous.
//  4. (p[1], p[0]) in the RD box: RDNew, swapped (y before x).
//  5. otherwise ok=false.
//
// The RD box and the degree boxes cannot both match: an RD y is at least
// 289000. A point that fits the RD box both ways (x and y between 289000 and
// 300000, which lies in Germany) is taken as not swapped. Callers should
// decide per file or column rather than per point where they can.
func DetectCRS(p orb.Point) (crs CRS, swapped bool, ok bool) {
	q := orb.Point{p[1], p[0]}
	switch {
	case InNetherlandsRD(p):
		return RDNew, false, true
	case InNetherlandsWGS84(p):
		return WGS84, false, true
	case InNetherlandsWGS84(q):
		return WGS84, true, true
	case InNetherlandsRD(q):
		return RDNew, true, true
	}
	return "", false, false
}
