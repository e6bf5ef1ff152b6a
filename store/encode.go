package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// geomValue is a geometry encoded for storage: WKB and its bounding box.
type geomValue struct {
	wkb   []byte
	bound orb.Bound
}

// encodeGeom encodes g as WKB. A nil geometry is an error: every stored
// site, feature and gemeente has one.
func encodeGeom(g orb.Geometry) (geomValue, error) {
	if g == nil {
		return geomValue{}, fmt.Errorf("%w: no geometry", ErrInvalid)
	}
	b, err := wkb.Marshal(g)
	if err != nil {
		return geomValue{}, fmt.Errorf("%w: encode %s geometry as WKB: %v", ErrInvalid, g.GeoJSONType(), err)
	}
	return geomValue{wkb: b, bound: g.Bound()}, nil
}

// decodeGeom decodes WKB as read from the database.
func decodeGeom(b []byte) (orb.Geometry, error) {
	if len(b) == 0 {
		return nil, nil
	}
	g, err := wkb.Unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("decode WKB geometry: %w", err)
	}
	return g, nil
}

// encodeAttrs encodes attributes as a JSON object; nil when there are none.
func encodeAttrs(m map[string]string) (any, error) {
	if len(m) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode attributes as JSON: %w", err)
	}
	return string(b), nil
}

// decodeAttrs decodes attributes read from the database.
func decodeAttrs(b []byte) (map[string]string, error) {
	if len(b) == 0 {
		return nil, nil
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("decode attributes JSON: %w", err)
	}
	if len(m) == 0 {
		return nil, nil
	}
	return m, nil
}

// DecodeGeometry decodes a geometry column as both backends store it
// (WKB; SELECT ST_AsBinary(geom) on PostGIS), for readers of the database
// outside this package such as the API's PostGIS catalog.
func DecodeGeometry(b []byte) (orb.Geometry, error) { return decodeWKB(b) }

// DecodeAttributes decodes an attributes column (a JSON object of text
// values; nil when empty).
func DecodeAttributes(b []byte) (map[string]string, error) { return decodeAttrs(b) }

// decodeWKB decodes little-endian 2D WKB, as both backends write it, into
// orb geometries with one allocation per geometry part, and falls back to
// wkb.Unmarshal for anything else (big-endian, Z/M, collections).
func decodeWKB(b []byte) (orb.Geometry, error) {
	if len(b) == 0 {
		return nil, nil
	}
	d := wkbReader{b: b}
	g := d.geometry(0)
	if d.bad || d.off != len(b) {
		return decodeGeom(b)
	}
	return g, nil
}

// wkbReader reads WKB; bad is set on anything it does not handle.
type wkbReader struct {
	b   []byte
	off int
	bad bool
}

func (d *wkbReader) uint32() uint32 {
	if d.bad || d.off+4 > len(d.b) {
		d.bad = true
		return 0
	}
	v := binary.LittleEndian.Uint32(d.b[d.off:])
	d.off += 4
	return v
}

// count reads an element count, refusing counts the rest of the input
// cannot hold (at least min bytes each).
func (d *wkbReader) count(min int) int {
	n := int(d.uint32())
	if d.bad || n > (len(d.b)-d.off)/min {
		d.bad = true
		return 0
	}
	return n
}

func (d *wkbReader) points(n int) []orb.Point {
	if d.bad || d.off+16*n > len(d.b) {
		d.bad = true
		return nil
	}
	ps := make([]orb.Point, n)
	for i := range ps {
		ps[i][0] = math.Float64frombits(binary.LittleEndian.Uint64(d.b[d.off:]))
		ps[i][1] = math.Float64frombits(binary.LittleEndian.Uint64(d.b[d.off+8:]))
		d.off += 16
	}
	return ps
}

func (d *wkbReader) polygon() orb.Polygon {
	nr := d.count(4)
	if d.bad {
		return nil
	}
	poly := make(orb.Polygon, nr)
	for i := range poly {
		poly[i] = orb.Ring(d.points(d.count(16)))
	}
	return poly
}

// geometry reads one geometry; depth guards the nesting of multi parts.
func (d *wkbReader) geometry(depth int) orb.Geometry {
	if d.bad || depth > 1 || d.off >= len(d.b) || d.b[d.off] != 1 {
		d.bad = true
		return nil
	}
	d.off++
	switch d.uint32() {
	case 1:
		p := d.points(1)
		if d.bad {
			return nil
		}
		return p[0]
	case 2:
		return orb.LineString(d.points(d.count(16)))
	case 3:
		return d.polygon()
	case 4:
		mp := make(orb.MultiPoint, d.count(21))
		for i := range mp {
			p, ok := d.geometry(depth + 1).(orb.Point)
			if !ok {
				d.bad = true
				return nil
			}
			mp[i] = p
		}
		return mp
	case 5:
		ml := make(orb.MultiLineString, d.count(9))
		for i := range ml {
			l, ok := d.geometry(depth + 1).(orb.LineString)
			if !ok {
				d.bad = true
				return nil
			}
			ml[i] = l
		}
		return ml
	case 6:
		mp := make(orb.MultiPolygon, d.count(9))
		for i := range mp {
			p, ok := d.geometry(depth + 1).(orb.Polygon)
			if !ok {
				d.bad = true
				return nil
			}
			mp[i] = p
		}
		return mp
	}
	d.bad = true
	return nil
}
