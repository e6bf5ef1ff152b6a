package cql2

import (
	"time"

	"github.com/paulmach/orb"
)

// Record is what a filter is evaluated against: one feature.
type Record interface {
	// Property returns the value of a property and whether it exists.
	// Values may be nil, bool, string, any integer or float type, or time.Time.
	Property(name string) (any, bool)
	// Geometry returns the feature's geometry, in the same CRS as the
	// filter's geometry literals (see Filter.TransformGeometries).
	Geometry() orb.Geometry
}

// tri is a truth value in three-valued (Kleene) logic.
type tri int8

const (
	triFalse tri = iota
	triUnknown
	triTrue
)

func triOf(b bool) tri {
	if b {
		return triTrue
	}
	return triFalse
}

// node is a boolean expression.
type node interface {
	eval(r Record) tri
}

// scalar is a property reference or a literal.
type scalar interface {
	value(r Record) any
}

type andNode struct{ left, right node }
type orNode struct{ left, right node }
type notNode struct{ inner node }
type boolLit struct{ v bool }

type cmpNode struct {
	op          string // = <> < > <= >=
	left, right scalar
}

type likeNode struct {
	expr    scalar
	pattern string
	not     bool
}

type inNode struct {
	expr scalar
	list []scalar
	not  bool
}

type betweenNode struct {
	expr, lo, hi scalar
	not          bool
}

type isNullNode struct {
	expr scalar
	not  bool
}

type spatialNode struct {
	fn   string // S_INTERSECTS or S_DISJOINT
	a, b geomArg
}

// geomArg is the geometry property or a geometry literal.
type geomArg interface{ geom(r Record) orb.Geometry }

type propRef struct{ name string }
type literal struct{ v any } // string, float64, bool or time.Time
type geomLit struct{ g orb.Geometry }

func (p propRef) value(r Record) any {
	v, ok := r.Property(p.name)
	if !ok {
		return nil
	}
	return v
}

func (p propRef) geom(r Record) orb.Geometry { return r.Geometry() }

func (l literal) value(Record) any { return l.v }

func (g *geomLit) geom(Record) orb.Geometry { return g.g }

// dateLit marks literals written as DATE('...') or TIMESTAMP('...').
type dateLit = time.Time
