package geo

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/paulmach/orb"
)

// ErrInvalidGeometry wraps every reason Repair gives up on a geometry.
var ErrInvalidGeometry = errors.New("invalid geometry")

// GeometryError says why a geometry is invalid and, where it helps, where.
// It wraps ErrInvalidGeometry.
type GeometryError struct {
	Part   string     // "polygon 2, hole 1"; empty for the geometry as a whole
	Reason string     // "intersects itself", "has only 2 distinct points", ...
	At     *orb.Point // location of the problem, when known
}

func (e *GeometryError) Error() string {
	var b strings.Builder
	b.WriteString(ErrInvalidGeometry.Error())
	b.WriteString(": ")
	if e.Part != "" {
		b.WriteString(e.Part)
		b.WriteByte(' ')
	}
	b.WriteString(e.Reason)
	if e.At != nil {
		fmt.Fprintf(&b, " near (%s, %s)", fmtCoord(e.At[0]), fmtCoord(e.At[1]))
	}
	return b.String()
}

// Unwrap makes errors.Is(err, ErrInvalidGeometry) true.
func (e *GeometryError) Unwrap() error { return ErrInvalidGeometry }

// fmtCoord prints a coordinate with one decimal for metres and up to seven
// for degrees.
func fmtCoord(v float64) string {
	if math.Abs(v) < 1000 {
		return fmt.Sprintf("%.7g", v)
	}
	return fmt.Sprintf("%.1f", v)
}

func invalid(part, reason string, at *orb.Point) error {
	return &GeometryError{Part: part, Reason: reason, At: at}
}

// join builds a part label like "polygon 2, hole 1".
func join(prefix, part string) string {
	switch {
	case prefix == "":
		return part
	case part == "":
		return prefix
	}
	return prefix + ", " + part
}

// Repair validates g and repairs what is safe to repair (unclosed rings,
// repeated points, ring orientation). It returns the repaired geometry and a
// list of what it changed, or an error wrapping ErrInvalidGeometry saying why
// (too few points, NaN, self-intersection, ...).
//
// Repairs (each reported in the change list):
//   - consecutive repeated points are removed;
//   - unclosed polygon rings are closed;
//   - rings are oriented by the GeoJSON (RFC 7946) right-hand rule: outer
//     rings counter-clockwise, holes clockwise;
//   - holes without area are dropped.
//
// Errors (the geometry is rejected): nil or empty geometries, NaN or
// infinite coordinates, lines with fewer than 2 distinct points, rings with
// fewer than 4 points after closing, rings that cross or touch themselves
// (including spikes), outer rings without area, and holes that lie (partly)
// outside their outer ring. Crossings between two different rings of one
// polygon and overlaps between the polygons of a MultiPolygon are not
// checked.
//
// The input is never modified; the result shares no memory with it.
func Repair(g orb.Geometry) (orb.Geometry, []string, error) {
	r := repairer{}
	out, err := r.geometry(g, "")
	if err != nil {
		return nil, nil, err
	}
	return out, r.changes, nil
}

type repairer struct {
	changes []string
}

func (r *repairer) note(part, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if part != "" {
		msg = part + ": " + msg
	}
	r.changes = append(r.changes, msg)
}

func (r *repairer) geometry(g orb.Geometry, part string) (orb.Geometry, error) {
	switch g := g.(type) {
	case nil:
		return nil, invalid(part, "has no geometry", nil)
	case orb.Point:
		if err := checkFinite(part, g); err != nil {
			return nil, err
		}
		return g, nil
	case orb.MultiPoint:
		if len(g) == 0 {
			return nil, invalid(part, "has no points", nil)
		}
		for i, p := range g {
			if err := checkFinite(join(part, fmt.Sprintf("point %d", i+1)), p); err != nil {
				return nil, err
			}
		}
		return append(orb.MultiPoint(nil), g...), nil
	case orb.LineString:
		return r.line(g, part)
	case orb.MultiLineString:
		if len(g) == 0 {
			return nil, invalid(part, "has no lines", nil)
		}
		out := make(orb.MultiLineString, len(g))
		for i, ls := range g {
			l, err := r.line(ls, join(part, fmt.Sprintf("line %d", i+1)))
			if err != nil {
				return nil, err
			}
			out[i] = l
		}
		return out, nil
	case orb.Ring:
		ring, _, err := r.ring(g, part, "ring", true)
		if err != nil {
			return nil, err
		}
		return ring, nil
	case orb.Polygon:
		return r.polygon(g, part)
	case orb.MultiPolygon:
		if len(g) == 0 {
			return nil, invalid(part, "has no polygons", nil)
		}
		out := make(orb.MultiPolygon, len(g))
		for i, p := range g {
			poly, err := r.polygon(p, join(part, fmt.Sprintf("polygon %d", i+1)))
			if err != nil {
				return nil, err
			}
			out[i] = poly.(orb.Polygon)
		}
		return out, nil
	case orb.Collection:
		if len(g) == 0 {
			return nil, invalid(part, "has no parts", nil)
		}
		out := make(orb.Collection, len(g))
		for i, c := range g {
			rc, err := r.geometry(c, join(part, fmt.Sprintf("part %d", i+1)))
			if err != nil {
				return nil, err
			}
			out[i] = rc
		}
		return out, nil
	case orb.Bound:
		if err := checkFinite(part, g.Min); err != nil {
			return nil, err
		}
		if err := checkFinite(part, g.Max); err != nil {
			return nil, err
		}
		return g, nil
	}
	return nil, invalid(part, fmt.Sprintf("has unsupported type %T", g), nil)
}

func checkFinite(part string, p orb.Point) error {
	for _, v := range p {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return invalid(part, fmt.Sprintf("has an invalid coordinate (%v, %v)", p[0], p[1]), nil)
		}
	}
	return nil
}

// dedupe checks all points and returns a copy without consecutive repeats
// and the number removed.
func dedupe(ps []orb.Point, part string) ([]orb.Point, int, error) {
	out := make([]orb.Point, 0, len(ps))
	for i, p := range ps {
		if err := checkFinite(join(part, fmt.Sprintf("point %d", i+1)), p); err != nil {
			return nil, 0, err
		}
		if len(out) > 0 && out[len(out)-1] == p {
			continue
		}
		out = append(out, p)
	}
	return out, len(ps) - len(out), nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

func (r *repairer) line(ls orb.LineString, part string) (orb.LineString, error) {
	label := part
	if label == "" {
		label = "line"
	}
	out, removed, err := dedupe(ls, label)
	if err != nil {
		return nil, err
	}
	if len(out) < 2 {
		return nil, invalid(label, fmt.Sprintf("has %s, a line needs at least 2", plural(len(out), "distinct point", "distinct points")), nil)
	}
	if removed > 0 {
		r.note(part, "removed %s", plural(removed, "repeated point", "repeated points"))
	}
	return out, nil
}

// ring repairs one ring. label is "outer ring", "hole 2" or "ring"; ccw is
// the wanted orientation. zero reports a ring without area (only returned
// for holes; an outer ring without area is an error).
func (r *repairer) ring(in orb.Ring, part, label string, ccw bool) (out orb.Ring, zero bool, err error) {
	where := join(part, label)
	pts, removed, err := dedupe(in, where)
	if err != nil {
		return nil, false, err
	}
	closed := false
	if len(pts) > 1 && pts[0] != pts[len(pts)-1] {
		pts = append(pts, pts[0])
		closed = true
	}
	if len(pts) < 4 {
		distinct := len(pts)
		if distinct > 1 {
			distinct-- // the closing point
		}
		return nil, false, invalid(where, fmt.Sprintf("has %s, a ring needs at least 3", plural(distinct, "distinct point", "distinct points")), nil)
	}
	if at, ok := selfIntersection(pts); ok {
		return nil, false, invalid(where, "intersects itself", &at)
	}
	if removed > 0 {
		r.note(where, "removed %s", plural(removed, "repeated point", "repeated points"))
	}
	if closed {
		r.note(where, "closed the ring")
	}
	a := ringArea(pts)
	if a == 0 {
		if label == "outer ring" || label == "ring" {
			return nil, false, invalid(where, "has no area (all points on one line)", &pts[0])
		}
		return nil, true, nil
	}
	if (a > 0) != ccw {
		for i, j := 0, len(pts)-1; i < j; i, j = i+1, j-1 {
			pts[i], pts[j] = pts[j], pts[i]
		}
		if ccw {
			r.note(where, "reversed to counter-clockwise")
		} else {
			r.note(where, "reversed to clockwise")
		}
	}
	return pts, false, nil
}

func (r *repairer) polygon(p orb.Polygon, part string) (orb.Geometry, error) {
	if len(p) == 0 {
		return nil, invalid(part, "has no rings", nil)
	}
	shell, _, err := r.ring(p[0], part, "outer ring", true)
	if err != nil {
		return nil, err
	}
	out := orb.Polygon{shell}
	sb := shell.Bound()
	for i, h := range p[1:] {
		label := fmt.Sprintf("hole %d", i+1)
		hole, zero, err := r.ring(h, part, label, false)
		if err != nil {
			return nil, err
		}
		if zero {
			r.note(join(part, label), "dropped, it has no area")
			continue
		}
		if at, outside := holeOutside(shell, sb, hole); outside {
			return nil, invalid(join(part, label), "lies (partly) outside the outer ring", &at)
		}
		out = append(out, hole)
	}
	return out, nil
}

// holeOutside reports a vertex of hole strictly outside shell.
func holeOutside(shell orb.Ring, sb orb.Bound, hole orb.Ring) (orb.Point, bool) {
	for _, v := range hole[:len(hole)-1] {
		if !sb.Contains(v) || !ringContains(shell, v) {
			return v, true
		}
	}
	return orb.Point{}, false
}
