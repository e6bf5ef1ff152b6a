package cql2

import (
	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/geo"
)

// Intersects reports whether two planar geometries share at least one
// point (boundaries included): S_INTERSECTS. See geo.Intersects.
func Intersects(a, b orb.Geometry) bool { return geo.Intersects(a, b) }

// Bound returns a box that the geometry of every feature matching f must
// intersect, when f implies one: f is S_INTERSECTS(geometry, literal), or
// an AND of which one side implies a box (both: their intersection). A
// catalog uses it to answer spatial filters from its spatial index and
// evaluate the whole filter only on the features in the box.
func (f *Filter) Bound() (orb.Bound, bool) { return impliedBound(f.root) }

func impliedBound(n node) (orb.Bound, bool) {
	switch n := n.(type) {
	case andNode:
		l, lok := impliedBound(n.left)
		r, rok := impliedBound(n.right)
		switch {
		case lok && rok:
			if !l.Intersects(r) {
				return l, true // nothing matches; the filter itself says so
			}
			return orb.Bound{
				Min: orb.Point{max(l.Min[0], r.Min[0]), max(l.Min[1], r.Min[1])},
				Max: orb.Point{min(l.Max[0], r.Max[0]), min(l.Max[1], r.Max[1])},
			}, true
		case lok:
			return l, true
		case rok:
			return r, true
		}
	case spatialNode:
		if n.fn != "S_INTERSECTS" {
			return orb.Bound{}, false
		}
		_, aProp := n.a.(propRef)
		_, bProp := n.b.(propRef)
		switch {
		case aProp && !bProp:
			if g := n.b.geom(nil); g != nil {
				return g.Bound(), true
			}
		case bProp && !aProp:
			if g := n.a.geom(nil); g != nil {
				return g.Bound(), true
			}
		}
	}
	return orb.Bound{}, false
}
