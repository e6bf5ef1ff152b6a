package cql2

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
)

// GeometryProperty is the name filters use for a feature's geometry.
const GeometryProperty = "geometry"

// maxDepth bounds nesting so hostile filters cannot exhaust the stack.
const maxDepth = 200

// maxLikeWildcards bounds the wildcards (% and _) of one LIKE pattern:
// matching costs up to the pattern's length times the value's per row, so
// a pattern of a thousand underscores would cost seconds per request.
const maxLikeWildcards = 64

// Filter is a parsed CQL2 text filter, safe for concurrent Match calls
// once parsed and (optionally) transformed.
type Filter struct {
	text  string
	root  node
	props []string // referenced properties, in order of first use, without the geometry
	geoms []*geomLit
}

// Parse parses a CQL2 text filter. Errors are *SyntaxError.
func Parse(text string) (*Filter, error) {
	toks, err := lex(text)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks, f: &Filter{text: text}}
	root, err := p.parseOr(0)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, p.errorf(t, "unexpected %s after a complete expression", t)
	}
	p.f.root = root
	return p.f, nil
}

// String returns the filter text as given to Parse.
func (f *Filter) String() string { return f.text }

// Properties returns the names of the properties the filter uses, other
// than the geometry, in order of first use.
func (f *Filter) Properties() []string { return append([]string(nil), f.props...) }

// UsesGeometry reports whether the filter has a spatial function.
func (f *Filter) UsesGeometry() bool { return len(f.geoms) > 0 }

// TransformGeometries replaces every geometry literal g by fn(g), e.g. to
// bring literals from filter-crs into the storage CRS. A BBOX literal is
// passed as an orb.Bound. Call it before the filter is shared.
func (f *Filter) TransformGeometries(fn func(orb.Geometry) orb.Geometry) {
	for _, g := range f.geoms {
		g.g = fn(g.g)
	}
}

// Match reports whether the filter is true for r (unknown counts as no match).
func (f *Filter) Match(r Record) bool { return f.root.eval(r) == triTrue }

type parser struct {
	toks []token
	i    int
	f    *Filter
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) peekAt(n int) token {
	if p.i+n >= len(p.toks) {
		return p.toks[len(p.toks)-1]
	}
	return p.toks[p.i+n]
}

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

func (p *parser) errorf(t token, format string, args ...any) error {
	return &SyntaxError{Pos: t.pos, Msg: fmt.Sprintf(format, args...)}
}

func isKeyword(t token, kw string) bool {
	return t.kind == tokIdent && strings.EqualFold(t.text, kw)
}

var reserved = map[string]bool{
	"AND": true, "OR": true, "NOT": true, "LIKE": true, "IN": true, "BETWEEN": true,
	"IS": true, "NULL": true, "TRUE": true, "FALSE": true,
}

func (p *parser) expect(kind tokenKind, what string) (token, error) {
	t := p.next()
	if t.kind != kind {
		return t, p.errorf(t, "expected %s, found %s", what, t)
	}
	return t, nil
}

func (p *parser) parseOr(depth int) (node, error) {
	if depth > maxDepth {
		return nil, p.errorf(p.peek(), "filter is nested too deeply")
	}
	left, err := p.parseAnd(depth)
	if err != nil {
		return nil, err
	}
	for isKeyword(p.peek(), "OR") {
		p.next()
		right, err := p.parseAnd(depth)
		if err != nil {
			return nil, err
		}
		left = orNode{left, right}
	}
	return left, nil
}

func (p *parser) parseAnd(depth int) (node, error) {
	left, err := p.parseNot(depth)
	if err != nil {
		return nil, err
	}
	for isKeyword(p.peek(), "AND") {
		p.next()
		right, err := p.parseNot(depth)
		if err != nil {
			return nil, err
		}
		left = andNode{left, right}
	}
	return left, nil
}

func (p *parser) parseNot(depth int) (node, error) {
	if depth > maxDepth {
		return nil, p.errorf(p.peek(), "filter is nested too deeply")
	}
	if isKeyword(p.peek(), "NOT") {
		p.next()
		inner, err := p.parseNot(depth + 1)
		if err != nil {
			return nil, err
		}
		return notNode{inner}, nil
	}
	return p.parsePrimary(depth)
}

var spatialFuncs = map[string]string{
	"S_INTERSECTS": "S_INTERSECTS", "INTERSECTS": "S_INTERSECTS",
	"S_DISJOINT": "S_DISJOINT", "DISJOINT": "S_DISJOINT",
}

func (p *parser) parsePrimary(depth int) (node, error) {
	t := p.peek()
	if t.kind == tokLParen {
		p.next()
		inner, err := p.parseOr(depth + 1)
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(tokRParen, "')'"); err != nil {
			return nil, err
		}
		return inner, nil
	}
	if t.kind == tokIdent && p.peekAt(1).kind == tokLParen {
		if fn, ok := spatialFuncs[strings.ToUpper(t.text)]; ok {
			return p.parseSpatial(fn)
		}
	}
	left, err := p.parseScalar()
	if err != nil {
		return nil, err
	}
	op := p.peek()
	switch {
	case op.kind == tokOp:
		p.next()
		right, err := p.parseScalar()
		if err != nil {
			return nil, err
		}
		return cmpNode{op: op.text, left: left, right: right}, nil
	case isKeyword(op, "IS"):
		p.next()
		not := false
		if isKeyword(p.peek(), "NOT") {
			p.next()
			not = true
		}
		if t := p.next(); !isKeyword(t, "NULL") {
			return nil, p.errorf(t, "expected NULL after IS, found %s", t)
		}
		return isNullNode{expr: left, not: not}, nil
	case isKeyword(op, "NOT") || isKeyword(op, "LIKE") || isKeyword(op, "IN") || isKeyword(op, "BETWEEN"):
		not := false
		if isKeyword(op, "NOT") {
			p.next()
			not = true
			op = p.peek()
		}
		switch {
		case isKeyword(op, "LIKE"):
			p.next()
			pt, err := p.expect(tokString, "a quoted pattern after LIKE")
			if err != nil {
				return nil, err
			}
			if n := strings.Count(pt.text, "%") + strings.Count(pt.text, "_"); n > maxLikeWildcards {
				return nil, p.errorf(pt, "the LIKE pattern has %d wildcards (%% and _); at most %d are allowed", n, maxLikeWildcards)
			}
			return likeNode{expr: left, pattern: pt.text, not: not}, nil
		case isKeyword(op, "IN"):
			p.next()
			if _, err := p.expect(tokLParen, "'(' after IN"); err != nil {
				return nil, err
			}
			var list []scalar
			for {
				s, err := p.parseScalar()
				if err != nil {
					return nil, err
				}
				list = append(list, s)
				t := p.next()
				if t.kind == tokRParen {
					break
				}
				if t.kind != tokComma {
					return nil, p.errorf(t, "expected ',' or ')' in IN list, found %s", t)
				}
			}
			return inNode{expr: left, list: list, not: not}, nil
		case isKeyword(op, "BETWEEN"):
			p.next()
			lo, err := p.parseScalar()
			if err != nil {
				return nil, err
			}
			if t := p.next(); !isKeyword(t, "AND") {
				return nil, p.errorf(t, "expected AND in BETWEEN, found %s", t)
			}
			hi, err := p.parseScalar()
			if err != nil {
				return nil, err
			}
			return betweenNode{expr: left, lo: lo, hi: hi, not: not}, nil
		}
		return nil, p.errorf(op, "expected LIKE, IN or BETWEEN after NOT, found %s", op)
	}
	if l, ok := left.(literal); ok {
		if b, ok := l.v.(bool); ok {
			return boolLit{b}, nil
		}
	}
	return nil, p.errorf(op, "expected a comparison operator (=, <>, <, >, <=, >=, LIKE, IN, BETWEEN, IS NULL) after %s, found %s", p.toks[p.i-1], op)
}

func (p *parser) parseScalar() (scalar, error) {
	t := p.next()
	switch t.kind {
	case tokString:
		return literal{t.text}, nil
	case tokNumber:
		v, err := strconv.ParseFloat(t.text, 64)
		if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
			return nil, p.errorf(t, "%s is not a valid number", t.text)
		}
		return literal{v}, nil
	case tokQuotedIdent:
		return p.prop(t.text), nil
	case tokIdent:
		up := strings.ToUpper(t.text)
		switch up {
		case "TRUE":
			return literal{true}, nil
		case "FALSE":
			return literal{false}, nil
		case "DATE", "TIMESTAMP":
			if p.peek().kind == tokLParen {
				p.next()
				s, err := p.expect(tokString, "a quoted "+strings.ToLower(up))
				if err != nil {
					return nil, err
				}
				if _, err := p.expect(tokRParen, "')'"); err != nil {
					return nil, err
				}
				v, ok := parseTime(s.text)
				if !ok {
					return nil, p.errorf(s, "%s is not a valid %s (use 2024-01-31 or 2024-01-31T12:00:00Z)", s, strings.ToLower(up))
				}
				return literal{dateLit(v)}, nil
			}
		}
		if reserved[up] {
			return nil, p.errorf(t, "expected a property name or a value, found the keyword %s", up)
		}
		if p.peek().kind == tokLParen {
			return nil, p.errorf(t, "unknown function %s", t.text)
		}
		return p.prop(t.text), nil
	}
	return nil, p.errorf(t, "expected a property name or a value, found %s", t)
}

func (p *parser) prop(name string) propRef {
	if name != GeometryProperty {
		for _, q := range p.f.props {
			if q == name {
				return propRef{name}
			}
		}
		p.f.props = append(p.f.props, name)
	}
	return propRef{name}
}

func parseTime(s string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02", time.RFC3339Nano, "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func (p *parser) parseSpatial(fn string) (node, error) {
	p.next() // function name
	p.next() // (
	a, err := p.parseGeomArg()
	if err != nil {
		return nil, err
	}
	if _, err := p.expect(tokComma, "',' between the two geometries"); err != nil {
		return nil, err
	}
	b, err := p.parseGeomArg()
	if err != nil {
		return nil, err
	}
	if _, err := p.expect(tokRParen, "')'"); err != nil {
		return nil, err
	}
	return spatialNode{fn: fn, a: a, b: b}, nil
}

func (p *parser) parseGeomArg() (geomArg, error) {
	t := p.peek()
	if t.kind == tokQuotedIdent || (t.kind == tokIdent && p.peekAt(1).kind != tokLParen) {
		p.next()
		if t.text != GeometryProperty {
			return nil, p.errorf(t, "%q is not a geometry; use %q or a geometry literal such as BBOX(...) or POLYGON((...))", t.text, GeometryProperty)
		}
		return propRef{t.text}, nil
	}
	g, err := p.parseGeometry()
	if err != nil {
		return nil, err
	}
	gl := &geomLit{g: g}
	p.f.geoms = append(p.f.geoms, gl)
	return gl, nil
}

func (p *parser) parseGeometry() (orb.Geometry, error) {
	t := p.next()
	if t.kind != tokIdent {
		return nil, p.errorf(t, "expected a geometry (POINT, LINESTRING, POLYGON, MULTI..., BBOX) or %q, found %s", GeometryProperty, t)
	}
	kind := strings.ToUpper(t.text)
	if kind == "BBOX" || kind == "ENVELOPE" {
		if _, err := p.expect(tokLParen, "'('"); err != nil {
			return nil, err
		}
		var nums []float64
		for {
			v, err := p.number()
			if err != nil {
				return nil, err
			}
			nums = append(nums, v)
			t := p.next()
			if t.kind == tokRParen {
				break
			}
			if t.kind != tokComma {
				return nil, p.errorf(t, "expected ',' or ')' in BBOX, found %s", t)
			}
		}
		switch len(nums) {
		case 4:
		case 6:
			nums = []float64{nums[0], nums[1], nums[3], nums[4]}
		default:
			return nil, p.errorf(t, "BBOX needs 4 numbers (minx, miny, maxx, maxy), found %d", len(nums))
		}
		if kind == "ENVELOPE" { // ENVELOPE(minx, maxx, maxy, miny) in older CQL
			nums = []float64{nums[0], nums[3], nums[1], nums[2]}
		}
		if nums[0] > nums[2] || nums[1] > nums[3] {
			return nil, p.errorf(t, "BBOX minimum is larger than its maximum")
		}
		return orb.Bound{Min: orb.Point{nums[0], nums[1]}, Max: orb.Point{nums[2], nums[3]}}, nil
	}
	if _, err := p.expect(tokLParen, "'(' after "+kind); err != nil {
		return nil, err
	}
	var g orb.Geometry
	var err error
	switch kind {
	case "POINT":
		g, err = p.coord()
	case "LINESTRING":
		var ls []orb.Point
		ls, err = p.coords()
		if err == nil && len(ls) < 2 {
			err = p.errorf(t, "a LINESTRING needs at least 2 points")
		}
		g = orb.LineString(ls)
	case "POLYGON":
		g, err = p.polygonBody(t)
	case "MULTIPOINT":
		var mp orb.MultiPoint
		for {
			var pt orb.Point
			if p.peek().kind == tokLParen {
				p.next()
				pt, err = p.coord()
				if err == nil {
					_, err = p.expect(tokRParen, "')'")
				}
			} else {
				pt, err = p.coord()
			}
			if err != nil {
				return nil, err
			}
			mp = append(mp, pt)
			if p.peek().kind != tokComma {
				break
			}
			p.next()
		}
		g = mp
	case "MULTILINESTRING":
		var mls orb.MultiLineString
		for {
			if _, err := p.expect(tokLParen, "'('"); err != nil {
				return nil, err
			}
			ls, err := p.coords()
			if err != nil {
				return nil, err
			}
			if _, err := p.expect(tokRParen, "')'"); err != nil {
				return nil, err
			}
			mls = append(mls, ls)
			if p.peek().kind != tokComma {
				break
			}
			p.next()
		}
		g = mls
	case "MULTIPOLYGON":
		var mp orb.MultiPolygon
		for {
			if _, err := p.expect(tokLParen, "'('"); err != nil {
				return nil, err
			}
			poly, err := p.polygonBody(t)
			if err != nil {
				return nil, err
			}
			mp = append(mp, poly)
			if p.peek().kind != tokComma {
				break
			}
			p.next()
		}
		g = mp
	default:
		return nil, p.errorf(t, "unsupported geometry type %s (use POINT, LINESTRING, POLYGON, MULTIPOINT, MULTILINESTRING, MULTIPOLYGON or BBOX)", t.text)
	}
	if err != nil {
		return nil, err
	}
	if _, err := p.expect(tokRParen, "')' to close "+kind); err != nil {
		return nil, err
	}
	return g, nil
}

// polygonBody parses "(ring), (ring)" followed by the closing ")" of the polygon
// (left for the caller when called from parseGeometry).
func (p *parser) polygonBody(t token) (orb.Polygon, error) {
	var poly orb.Polygon
	for {
		if _, err := p.expect(tokLParen, "'(' to open a ring"); err != nil {
			return nil, err
		}
		ring, err := p.coords()
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(tokRParen, "')' to close a ring"); err != nil {
			return nil, err
		}
		if len(ring) < 4 || ring[0] != ring[len(ring)-1] {
			return nil, p.errorf(t, "a polygon ring needs at least 4 points and must end with its first point")
		}
		poly = append(poly, orb.Ring(ring))
		if p.peek().kind != tokComma {
			break
		}
		p.next()
	}
	if t.kind == tokIdent && strings.EqualFold(t.text, "MULTIPOLYGON") {
		if _, err := p.expect(tokRParen, "')' to close a polygon"); err != nil {
			return nil, err
		}
	}
	return poly, nil
}

func (p *parser) coords() ([]orb.Point, error) {
	var pts []orb.Point
	for {
		pt, err := p.coord()
		if err != nil {
			return nil, err
		}
		pts = append(pts, pt)
		if p.peek().kind != tokComma {
			return pts, nil
		}
		p.next()
	}
}

func (p *parser) coord() (orb.Point, error) {
	x, err := p.number()
	if err != nil {
		return orb.Point{}, err
	}
	y, err := p.number()
	if err != nil {
		return orb.Point{}, err
	}
	if p.peek().kind == tokNumber { // ignore Z
		p.next()
	}
	return orb.Point{x, y}, nil
}

func (p *parser) number() (float64, error) {
	t := p.next()
	if t.kind != tokNumber {
		return 0, p.errorf(t, "expected a coordinate number, found %s", t)
	}
	v, err := strconv.ParseFloat(t.text, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, p.errorf(t, "%s is not a valid number", t.text)
	}
	return v, nil
}
