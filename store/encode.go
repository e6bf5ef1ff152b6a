package store

import (
	"encoding/json"
	"fmt"

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
