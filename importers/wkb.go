package importers

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// WKB geometry type codes (OGC Simple Features).
const (
	wkbPoint              = 1
	wkbLineString         = 2
	wkbPolygon            = 3
	wkbMultiPoint         = 4
	wkbMultiLineString    = 5
	wkbMultiPolygon       = 6
	wkbGeometryCollection = 7
)

// EWKB (PostGIS) flags in the high bits of the type.
const (
	ewkbZ    = 0x80000000
	ewkbM    = 0x40000000
	ewkbSRID = 0x20000000
)

// wkbMaxDepth bounds nested collections.
const wkbMaxDepth = 32

var errWKBShort = errors.New("WKB geometry is truncated")

// decodeWKB decodes ISO WKB (types 1-7 plus 1000/2000/3000 for Z, M, ZM),
// EWKB (Z/M/SRID flags) and OGC 2.1 WKB, dropping Z and M. Curves, surfaces
// and TINs give ErrUnsupportedGeometry. Empty points (NaN) decode as nil.
// Trailing bytes after the geometry are an error.
func decodeWKB(b []byte) (orb.Geometry, error) {
	r := wkbReader{b: b}
	g, err := r.geometry(0, 0)
	if err != nil {
		return nil, err
	}
	if r.pos != len(b) {
		return nil, fmt.Errorf("WKB geometry has %d unexpected trailing bytes", len(b)-r.pos)
	}
	return g, nil
}

type wkbReader struct {
	b     []byte
	pos   int
	order binary.ByteOrder
}

func (r *wkbReader) uint32() (uint32, error) {
	if len(r.b)-r.pos < 4 {
		return 0, errWKBShort
	}
	v := r.order.Uint32(r.b[r.pos:])
	r.pos += 4
	return v, nil
}

// count reads an element count and checks that count elements of at least
// minSize bytes fit in what is left (no huge allocations on corrupt input).
func (r *wkbReader) count(minSize int) (int, error) {
	n, err := r.uint32()
	if err != nil {
		return 0, err
	}
	if uint64(n)*uint64(minSize) > uint64(len(r.b)-r.pos) {
		return 0, fmt.Errorf("WKB geometry claims %d elements but holds only %d bytes", n, len(r.b)-r.pos)
	}
	return int(n), nil
}

// point reads one coordinate of dims ordinates, keeping x and y.
func (r *wkbReader) point(dims int) (orb.Point, error) {
	if len(r.b)-r.pos < 8*dims {
		return orb.Point{}, errWKBShort
	}
	x := math.Float64frombits(r.order.Uint64(r.b[r.pos:]))
	y := math.Float64frombits(r.order.Uint64(r.b[r.pos+8:]))
	r.pos += 8 * dims
	return orb.Point{x, y}, nil
}

func (r *wkbReader) points(dims int) ([]orb.Point, error) {
	n, err := r.count(8 * dims)
	if err != nil {
		return nil, err
	}
	pts := make([]orb.Point, n)
	for i := range pts {
		if pts[i], err = r.point(dims); err != nil {
			return nil, err
		}
	}
	return pts, nil
}

func (r *wkbReader) polygon(dims int) (orb.Polygon, error) {
	n, err := r.count(4)
	if err != nil {
		return nil, err
	}
	poly := make(orb.Polygon, 0, n)
	for i := 0; i < n; i++ {
		pts, err := r.points(dims)
		if err != nil {
			return nil, err
		}
		poly = append(poly, orb.Ring(pts))
	}
	return poly, nil
}

// header reads byte order and type; it returns the base type (1-7...) and
// the number of ordinates per point.
func (r *wkbReader) header() (typ uint32, dims int, err error) {
	if r.pos >= len(r.b) {
		return 0, 0, errWKBShort
	}
	switch r.b[r.pos] {
	case 0:
		r.order = binary.BigEndian
	case 1:
		r.order = binary.LittleEndian
	default:
		return 0, 0, fmt.Errorf("WKB byte order %d is invalid (expected 0 or 1)", r.b[r.pos])
	}
	r.pos++
	t, err := r.uint32()
	if err != nil {
		return 0, 0, err
	}
	hasZ, hasM := t&ewkbZ != 0, t&ewkbM != 0
	if t&ewkbSRID != 0 {
		if _, err := r.uint32(); err != nil {
			return 0, 0, err
		}
	}
	t &^= ewkbZ | ewkbM | ewkbSRID
	switch t / 1000 {
	case 0:
	case 1:
		hasZ = true
	case 2:
		hasM = true
	case 3:
		hasZ, hasM = true, true
	default:
		return 0, 0, fmt.Errorf("%w: WKB type %d", ErrUnsupportedGeometry, t)
	}
	dims = 2
	if hasZ {
		dims++
	}
	if hasM {
		dims++
	}
	return t % 1000, dims, nil
}

// geometry reads one geometry; want restricts the type inside Multi* (0 = any).
func (r *wkbReader) geometry(depth int, want uint32) (orb.Geometry, error) {
	if depth > wkbMaxDepth {
		return nil, errors.New("WKB collections nested too deeply")
	}
	typ, dims, err := r.header()
	if err != nil {
		return nil, err
	}
	if want != 0 && typ != want {
		return nil, fmt.Errorf("WKB multi-geometry holds type %d where type %d is required", typ, want)
	}
	switch typ {
	case wkbPoint:
		p, err := r.point(dims)
		if err != nil {
			return nil, err
		}
		if math.IsNaN(p[0]) || math.IsNaN(p[1]) {
			return nil, nil // POINT EMPTY
		}
		return p, nil
	case wkbLineString:
		pts, err := r.points(dims)
		return orb.LineString(pts), err
	case wkbPolygon:
		return r.polygon(dims)
	case wkbMultiPoint, wkbMultiLineString, wkbMultiPolygon, wkbGeometryCollection:
		n, err := r.count(5) // every member has at least byte order and type
		if err != nil {
			return nil, err
		}
		var member uint32
		switch typ {
		case wkbMultiPoint:
			member = wkbPoint
		case wkbMultiLineString:
			member = wkbLineString
		case wkbMultiPolygon:
			member = wkbPolygon
		}
		var (
			mp   orb.MultiPoint
			mls  orb.MultiLineString
			mpol orb.MultiPolygon
			coll orb.Collection
		)
		for i := 0; i < n; i++ {
			g, err := r.geometry(depth+1, member)
			if err != nil {
				return nil, err
			}
			switch g := g.(type) {
			case nil:
				// empty point: skipped
			case orb.Point:
				mp = append(mp, g)
			case orb.LineString:
				mls = append(mls, g)
			case orb.Polygon:
				mpol = append(mpol, g)
			}
			if typ == wkbGeometryCollection && g != nil {
				coll = append(coll, g)
			}
		}
		switch typ {
		case wkbMultiPoint:
			if mp == nil {
				mp = orb.MultiPoint{}
			}
			return mp, nil
		case wkbMultiLineString:
			if mls == nil {
				mls = orb.MultiLineString{}
			}
			return mls, nil
		case wkbMultiPolygon:
			if mpol == nil {
				mpol = orb.MultiPolygon{}
			}
			return mpol, nil
		}
		if coll == nil {
			coll = orb.Collection{}
		}
		return coll, nil
	}
	return nil, fmt.Errorf("%w: WKB type %d (curves, surfaces and TINs are not supported; convert them to linear geometries)", ErrUnsupportedGeometry, typ)
}
