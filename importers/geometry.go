package importers

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"github.com/plekwijzer/plekwijzer/geo"
	"github.com/plekwijzer/plekwijzer/store"
)

// geomSource says where a row's geometry came from.
type geomSource int

const (
	srcNone   geomSource = iota
	srcReader            // the spatial format's own geometry
	srcWKT               // a WKT column
	srcXY                // x and y columns
	srcLatLon            // lat and lon columns
)

// crsChoice is the CRS of one geometry source of a file.
type crsChoice struct {
	crs     geo.CRS
	swapped bool // coordinates come (y, x) / (lat, lon)
	ok      bool
}

// locator turns the geometry of a record (reader geometry, WKT, x/y or
// lat/lon) into a valid RD New geometry. The CRS of each source is decided
// once per file: the explicit CRS if given, else the file's declared CRS
// (spatial formats), else detected from the first usable coordinates.
type locator struct {
	cols     columns
	decimal  map[string]string // column -> decimal mode
	explicit geo.CRS
	table    geo.CRS
	crs      map[geomSource]crsChoice
}

func newLocator(t *Table, cols columns, explicit geo.CRS, decimal map[string]string) *locator {
	l := &locator{cols: cols, decimal: decimal, explicit: explicit, table: t.CRS, crs: map[geomSource]crsChoice{}}
	for _, src := range []geomSource{srcReader, srcWKT, srcXY, srcLatLon} {
		l.crs[src] = l.decide(t, src)
	}
	return l
}

// hasSource reports whether the file offers a geometry source at all.
func (l *locator) hasSource(t *Table) bool {
	if l.cols[FieldWKT] != "" || (l.cols[FieldX] != "" && l.cols[FieldY] != "") ||
		(l.cols[FieldLat] != "" && l.cols[FieldLon] != "") {
		return true
	}
	for _, r := range t.Records {
		if r.Geometry != nil {
			return true
		}
	}
	return false
}

// decide picks the CRS of one source for the whole file.
func (l *locator) decide(t *Table, src geomSource) crsChoice {
	if l.explicit != "" {
		return crsChoice{crs: l.explicit, ok: true}
	}
	if src == srcReader && t.CRS != "" {
		return crsChoice{crs: t.CRS, ok: true}
	}
	for _, r := range t.Records {
		g, _, _, err := l.raw(r, src)
		if err != nil || g == nil {
			continue
		}
		p, ok := firstPoint(g)
		if !ok {
			continue
		}
		if c, sw, ok := geo.DetectCRS(p); ok {
			return crsChoice{crs: c, swapped: sw, ok: true}
		}
	}
	if src == srcLatLon {
		return crsChoice{crs: geo.WGS84, ok: true}
	}
	return crsChoice{}
}

// raw returns the record's geometry from src in the source's own axis
// order, the column to blame and a description of the coordinates for
// messages. nil geometry means the source is empty on this row.
func (l *locator) raw(r Record, src geomSource) (g orb.Geometry, col, desc string, err error) {
	switch src {
	case srcReader:
		if r.Geometry == nil {
			return nil, "", "", nil
		}
		return r.Geometry, "geometrie", "", nil
	case srcWKT:
		col = l.cols[FieldWKT]
		s := strings.TrimSpace(r.Values[col])
		if col == "" || s == "" {
			return nil, "", "", nil
		}
		if i := strings.IndexByte(s, ';'); i > 0 && strings.HasPrefix(strings.ToUpper(s), "SRID=") {
			s = s[i+1:]
		}
		g, err := wkt.Unmarshal(s)
		if err != nil {
			return nil, col, "", fmt.Errorf("%q is not WKT (e.g. POINT(136000 456000)): %v", clip(s), err)
		}
		return g, col, "", nil
	case srcXY, srcLatLon:
		a, b := FieldX, FieldY
		if src == srcLatLon {
			a, b = FieldLon, FieldLat
		}
		ca, cb := l.cols[a], l.cols[b]
		if ca == "" || cb == "" {
			return nil, "", "", nil
		}
		va, vb := strings.TrimSpace(r.Values[ca]), strings.TrimSpace(r.Values[cb])
		if va == "" && vb == "" {
			return nil, "", "", nil
		}
		if va == "" {
			return nil, ca, "", fmt.Errorf("%s is empty while %s is %s", ca, cb, vb)
		}
		if vb == "" {
			return nil, cb, "", fmt.Errorf("%s is empty while %s is %s", cb, ca, va)
		}
		x, err := parseDecimal(va, l.decimal[ca])
		if err != nil {
			return nil, ca, "", fmt.Errorf("%s is not a coordinate: %v", ca, err)
		}
		y, err := parseDecimal(vb, l.decimal[cb])
		if err != nil {
			return nil, cb, "", fmt.Errorf("%s is not a coordinate: %v", cb, err)
		}
		desc = fmt.Sprintf("%s=%s, %s=%s", ca, va, cb, vb)
		return orb.Point{x, y}, ca, desc, nil
	}
	return nil, "", "", nil
}

// locate returns the RD New geometry of a record, the repairs made, or a
// row error, and the source used: srcNone (with a nil error) when no
// source holds a geometry on this row.
func (l *locator) locate(r Record) (orb.Geometry, []string, *store.RowError, geomSource) {
	for _, src := range []geomSource{srcReader, srcWKT, srcXY, srcLatLon} {
		g, col, desc, err := l.raw(r, src)
		if err != nil {
			return nil, nil, &store.RowError{Row: r.Row, Column: col, Value: r.Values[col], Message: err.Error()}, src
		}
		if g == nil {
			continue
		}
		rg, fixes, rerr := l.toRD(r, g, src, col, desc)
		return rg, fixes, rerr, src
	}
	return nil, nil, nil, srcNone
}

func (l *locator) toRD(r Record, g orb.Geometry, src geomSource, col, desc string) (orb.Geometry, []string, *store.RowError) {
	value := r.Values[col]
	if src == srcXY || src == srcLatLon {
		value = desc
	}
	ch := l.crs[src]
	p, ok := firstPoint(g)
	if !ok {
		return nil, nil, &store.RowError{Row: r.Row, Column: col, Value: clip(value), Message: "the geometry is empty"}
	}
	if desc == "" {
		desc = fmt.Sprintf("x=%s, y=%s", fmtNum(p[0]), fmtNum(p[1]))
	}
	outside := &store.RowError{Row: r.Row, Column: col, Value: clip(value),
		Message: desc + " lies outside the Netherlands; is the CRS right? use --crs EPSG:28992 or EPSG:4326"}
	if src == srcLatLon && !ch.swapped {
		// lon/lat columns: message in the user's own column order.
		outside.Message = fmt.Sprintf("%s=%s, %s=%s lies outside the Netherlands; is the CRS right? use --crs EPSG:28992 or EPSG:4326",
			l.cols[FieldLat], strings.TrimSpace(r.Values[l.cols[FieldLat]]), l.cols[FieldLon], strings.TrimSpace(r.Values[l.cols[FieldLon]]))
	}
	if !ch.ok {
		return nil, nil, outside
	}
	if ch.swapped {
		g = geo.Project(g, func(p orb.Point) orb.Point { return orb.Point{p[1], p[0]} })
	}
	b := g.Bound()
	in := geo.InNetherlandsRD
	if ch.crs != geo.RDNew {
		in = geo.InNetherlandsWGS84
	}
	if !in(b.Min) || !in(b.Max) {
		// Say so when the row's own coordinates fit another CRS than the
		// file's: a row in degrees among rows in metres, or the reverse.
		if other, swapped, ok := geo.DetectCRS(p); ok && other != ch.crs && !swapped {
			outside.Message = fmt.Sprintf("%s lies outside the Netherlands in %s, the coordinate system of this file's other rows; it looks like %s: give every row in the same system",
				desc, crsName(ch.crs), crsName(other))
		}
		return nil, nil, outside
	}
	rd := geo.ToRD(g, ch.crs)
	fixed, fixes, err := geo.Repair(rd)
	if err != nil {
		return nil, nil, &store.RowError{Row: r.Row, Column: col, Value: clip(value), Message: err.Error()}
	}
	return fixed, fixes, nil
}

// firstPoint returns the first vertex of g.
func firstPoint(g orb.Geometry) (orb.Point, bool) {
	switch g := g.(type) {
	case orb.Point:
		return g, true
	case orb.MultiPoint:
		if len(g) > 0 {
			return g[0], true
		}
	case orb.LineString:
		if len(g) > 0 {
			return g[0], true
		}
	case orb.MultiLineString:
		for _, ls := range g {
			if len(ls) > 0 {
				return ls[0], true
			}
		}
	case orb.Ring:
		if len(g) > 0 {
			return g[0], true
		}
	case orb.Polygon:
		if len(g) > 0 && len(g[0]) > 0 {
			return g[0][0], true
		}
	case orb.MultiPolygon:
		for _, p := range g {
			if len(p) > 0 && len(p[0]) > 0 {
				return p[0][0], true
			}
		}
	case orb.Collection:
		for _, c := range g {
			if p, ok := firstPoint(c); ok {
				return p, true
			}
		}
	}
	return orb.Point{}, false
}

// representativePoint returns a point of g to assign it to a gemeente: the
// point itself, the middle vertex of a line, or for polygons the centroid
// when it lies inside and otherwise a point guaranteed inside (the middle of
// the widest interior span on the horizontal line through the centroid).
func representativePoint(g orb.Geometry) orb.Point {
	switch g := g.(type) {
	case orb.Point:
		return g
	case orb.MultiPoint:
		if len(g) > 0 {
			return g[0]
		}
	case orb.LineString:
		if len(g) > 0 {
			return g[len(g)/2]
		}
	case orb.MultiLineString:
		if len(g) > 0 {
			return representativePoint(g[0])
		}
	case orb.Polygon, orb.MultiPolygon:
		c := geo.Centroid(g)
		if geo.Contains(g, c) {
			return c
		}
		if p, ok := interiorPoint(g, c[1]); ok {
			return p
		}
		b := g.Bound()
		if p, ok := interiorPoint(g, (b.Min[1]+b.Max[1])/2); ok {
			return p
		}
		return c
	case orb.Collection:
		if len(g) > 0 {
			return representativePoint(g[0])
		}
	}
	p, _ := firstPoint(g)
	return p
}

// interiorPoint intersects the horizontal line at y with every ring of g
// and returns the middle of the widest span that lies inside.
func interiorPoint(g orb.Geometry, y float64) (orb.Point, bool) {
	var xs []float64
	var rings []orb.Ring
	switch g := g.(type) {
	case orb.Polygon:
		rings = g
	case orb.MultiPolygon:
		for _, p := range g {
			rings = append(rings, p...)
		}
	}
	for _, r := range rings {
		for i := 0; i+1 < len(r); i++ {
			a, b := r[i], r[i+1]
			if (a[1] > y) != (b[1] > y) {
				xs = append(xs, a[0]+(y-a[1])*(b[0]-a[0])/(b[1]-a[1]))
			}
		}
	}
	sort.Float64s(xs)
	best, bestW := orb.Point{}, -1.0
	for i := 0; i+1 < len(xs); i++ {
		w := xs[i+1] - xs[i]
		mid := orb.Point{(xs[i] + xs[i+1]) / 2, y}
		if w > bestW && geo.Contains(g, mid) {
			best, bestW = mid, w
		}
	}
	return best, bestW > 0
}

// bufferLine turns a line (or lines) into a MultiPolygon of capsules, one per
// segment, each reaching dist metres from the segment. The capsules overlap
// at the vertices; their union is the buffer, so point-in-polygon tests on
// the result are exact.
func bufferLine(g orb.Geometry, dist float64) orb.MultiPolygon {
	var lines []orb.LineString
	switch g := g.(type) {
	case orb.LineString:
		lines = []orb.LineString{g}
	case orb.MultiLineString:
		lines = g
	}
	const arc = 8 // segments per half circle
	var out orb.MultiPolygon
	for _, ls := range lines {
		for i := 0; i+1 < len(ls); i++ {
			a, b := ls[i], ls[i+1]
			dx, dy := b[0]-a[0], b[1]-a[1]
			if dx == 0 && dy == 0 {
				continue
			}
			ang := math.Atan2(dy, dx)
			var ring orb.Ring
			// Half circle around b from the right side (ang-90°) to the left (ang+90°), then around a.
			for k := 0; k <= arc; k++ {
				t := ang - math.Pi/2 + math.Pi*float64(k)/arc
				ring = append(ring, orb.Point{b[0] + dist*math.Cos(t), b[1] + dist*math.Sin(t)})
			}
			for k := 0; k <= arc; k++ {
				t := ang + math.Pi/2 + math.Pi*float64(k)/arc
				ring = append(ring, orb.Point{a[0] + dist*math.Cos(t), a[1] + dist*math.Sin(t)})
			}
			ring = append(ring, ring[0])
			out = append(out, orb.Polygon{ring})
		}
	}
	return out
}

func fmtNum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// clip shortens long cell values for messages.
func clip(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}

// crsName names a CRS as users know it.
func crsName(c geo.CRS) string {
	if c == geo.RDNew {
		return "RD New (EPSG:28992, metres)"
	}
	return "WGS84 (EPSG:4326, degrees)"
}
