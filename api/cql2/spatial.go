package cql2

import (
	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/geo"
)

// Intersects reports whether two planar geometries share at least one
// point (boundaries included): S_INTERSECTS. See geo.Intersects.
func Intersects(a, b orb.Geometry) bool { return geo.Intersects(a, b) }
