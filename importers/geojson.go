package importers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/geo"
)

// readGeoJSON reads a GeoJSON FeatureCollection (RFC 7946, or with the legacy
// crs member naming EPSG:28992). Owner: spatial readers.
//
// A single Feature and a bare geometry are read too (one record). Properties
// become Values in first-seen order; the feature id is kept as "id" unless a
// property of that name exists. Features with a null geometry are kept with
// a nil Geometry. The CRS is the legacy crs member when present; without it
// RFC 7946 says WGS 84, which is reported unless the coordinates are clearly
// not degrees (then "" so that the converter detects RD from the values).
//
// Problems with single features (an invalid geometry, properties that are
// not an object) are returned as *ReadError values naming the feature
// (joined with errors.Join) next to a Table that holds every feature; any
// other error concerns the whole file. The document is held in memory
// once; features are decoded one at a time.
func readGeoJSON(ctx context.Context, name string, r io.Reader) (Table, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return Table{}, fmt.Errorf("%s: %w", name, err)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !json.Valid(data) {
		return Table{}, geojsonSyntaxError(name, data)
	}
	return decodeGeoJSON(ctx, name, data)
}

// geojsonSyntaxError locates the JSON syntax error in data by line and column.
func geojsonSyntaxError(name string, data []byte) error {
	var v json.RawMessage
	err := json.Unmarshal(data, &v)
	var se *json.SyntaxError
	if len(bytes.TrimSpace(data)) == 0 {
		return spatialError(name, ErrSyntax, "the file is empty; expected a GeoJSON FeatureCollection")
	}
	if !errors.As(err, &se) {
		return spatialError(name, ErrSyntax, "invalid JSON: %v", err)
	}
	line, col := lineColumn(data, se.Offset)
	return &FileError{
		File: fmt.Sprintf("%s, line %d, column %d", name, line, col),
		Msg:  "invalid JSON: " + strings.TrimPrefix(se.Error(), "invalid character ") + hintJSON(se.Error()),
		Err:  fmt.Errorf("%w: %w", ErrSyntax, se),
	}
}

// hintJSON adds advice for the most common hand-editing mistakes.
func hintJSON(msg string) string {
	switch {
	case strings.Contains(msg, "unexpected end"):
		return " (the file is cut off: a closing } or ] is missing)"
	case strings.Contains(msg, "looking for beginning of object key string"):
		return " (a comma before } or a key without double quotes)"
	case strings.Contains(msg, "after object key:value pair"), strings.Contains(msg, "after array element"):
		return " (a comma is missing)"
	}
	return ""
}

// lineColumn turns the byte offset reported by encoding/json (just past the
// offending byte) into a 1-based line and column (in characters).
func lineColumn(data []byte, offset int64) (line, col int) {
	off := int(offset)
	if off > len(data) {
		off = len(data)
	}
	if off < 0 {
		off = 0
	}
	before := data[:off]
	line = bytes.Count(before, []byte{'\n'}) + 1
	start := bytes.LastIndexByte(before, '\n') + 1
	col = utf8.RuneCount(before[start:])
	if col == 0 {
		col = 1
	}
	return line, col
}

// geojsonFeature is one feature as read from the file.
type geojsonFeature struct {
	Type       json.RawMessage `json:"type"`
	ID         json.RawMessage `json:"id"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties json.RawMessage `json:"properties"`
}

// geojsonCRS is the legacy (GeoJSON 2008) crs member.
type geojsonCRS struct {
	Type       string `json:"type"`
	Properties struct {
		Name string          `json:"name"`
		Code json.RawMessage `json:"code"`
		Href string          `json:"href"`
	} `json:"properties"`
}

// decodeGeoJSON decodes a syntactically valid document.
func decodeGeoJSON(ctx context.Context, name string, data []byte) (Table, error) {
	t := Table{File: name}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return t, spatialError(name, ErrSyntax, "invalid JSON: %v", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return t, spatialError(name, ErrSyntax,
			"the file holds %s, not a GeoJSON object; expected {\"type\": \"FeatureCollection\", \"features\": [...]}", jsonKind(tok))
	}

	var (
		typ         string
		crsRaw      json.RawMessage
		hasFeatures bool
		whole       geojsonFeature // the document itself when it is a Feature
		geomRaw     = map[string]json.RawMessage{}
	)
	b := &geojsonBuilder{name: name, seen: map[string]bool{}}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return t, spatialError(name, ErrSyntax, "invalid JSON: %v", err)
		}
		key, _ := tok.(string)
		switch key {
		case "type":
			var s json.RawMessage
			if err := dec.Decode(&s); err != nil {
				return t, spatialError(name, ErrSyntax, "invalid JSON: %v", err)
			}
			geomRaw[key] = s
			_ = json.Unmarshal(s, &typ)
		case "features":
			hasFeatures = true
			if err := b.features(ctx, dec); err != nil {
				return t, err
			}
		default:
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return t, spatialError(name, ErrSyntax, "invalid JSON: %v", err)
			}
			switch key {
			case "crs":
				crsRaw = raw
			case "id":
				whole.ID = raw
			case "geometry":
				whole.Geometry = raw
			case "properties":
				whole.Properties = raw
			case "coordinates", "geometries":
				geomRaw[key] = raw
			}
		}
	}

	switch {
	case typ == "FeatureCollection" || (typ == "" && hasFeatures):
		if !hasFeatures {
			return t, spatialError(name, ErrSyntax, "the FeatureCollection has no \"features\" member")
		}
	case typ == "Feature":
		whole.Type = geomRaw["type"]
		b.add(whole)
	case isGeoJSONGeometryType(typ):
		raw, err := json.Marshal(geomRaw)
		if err != nil {
			return t, spatialError(name, ErrSyntax, "invalid geometry: %v", err)
		}
		b.add(geojsonFeature{Geometry: raw})
	case typ == "":
		return t, spatialError(name, ErrSyntax,
			"the JSON object has no \"type\" member: this is not GeoJSON (expected \"type\": \"FeatureCollection\")")
	default:
		return t, spatialError(name, ErrSyntax,
			"\"type\": %q is not a GeoJSON type (expected FeatureCollection, Feature or a geometry type)", typ)
	}
	t.Columns, t.Records = b.cols, b.records
	rowErrs := errors.Join(b.errs...)

	crs, err := geojsonCRSOf(name, crsRaw)
	if err != nil {
		return t, err
	}
	if c := bytes.TrimSpace(crsRaw); crs == "" && (len(c) == 0 || string(c) == "null") && looksLikeDegrees(t.Records) {
		crs = geo.WGS84 // RFC 7946
	}
	t.CRS = crs
	return t, rowErrs
}

// jsonKind names the kind of a top-level JSON token for messages.
func jsonKind(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		if v == '[' {
			return "a JSON array"
		}
	case string:
		return "a JSON string"
	case json.Number, float64:
		return "a JSON number"
	case bool:
		return "a JSON boolean"
	case nil:
		return "JSON null"
	}
	return "a JSON value"
}

func isGeoJSONGeometryType(t string) bool {
	switch t {
	case "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection":
		return true
	}
	return false
}

// geojsonCRSOf interprets the legacy crs member ("" when absent or null).
func geojsonCRSOf(name string, raw json.RawMessage) (geo.CRS, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var c geojsonCRS
	if err := json.Unmarshal(raw, &c); err != nil {
		return "", spatialError(name, ErrSyntax,
			"the \"crs\" member is malformed (%v); expected {\"type\": \"name\", \"properties\": {\"name\": \"urn:ogc:def:crs:EPSG::28992\"}}", err)
	}
	var what string
	switch strings.ToLower(c.Type) {
	case "name":
		what = c.Properties.Name
	case "epsg":
		what = "EPSG:" + strings.Trim(string(c.Properties.Code), `"`)
	case "link":
		return "", spatialError(name, geo.ErrUnknownCRS, "%s", unsupportedCRSMsg(fmt.Sprintf("by link (%s)", c.Properties.Href)))
	default:
		what = c.Properties.Name
	}
	crs, err := crsFromName(what)
	if err != nil {
		return "", spatialError(name, geo.ErrUnknownCRS, "%s", unsupportedCRSMsg(strconv.Quote(what)))
	}
	return crs, nil
}

// geojsonBuilder collects records and columns feature by feature.
type geojsonBuilder struct {
	name    string
	cols    []string
	seen    map[string]bool
	records []Record
	errs    []error // *ReadError per bad feature
}

// features decodes the features array from dec, one feature at a time.
func (b *geojsonBuilder) features(ctx context.Context, dec *json.Decoder) error {
	tok, err := dec.Token()
	if err != nil {
		return spatialError(b.name, ErrSyntax, "invalid JSON: %v", err)
	}
	if tok == nil {
		return nil // "features": null
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return spatialError(b.name, ErrSyntax, "\"features\" must be an array of Feature objects, not %s", jsonKind(tok))
	}
	for dec.More() {
		if len(b.records)%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		var f geojsonFeature
		if err := dec.Decode(&f); err != nil {
			var ute *json.UnmarshalTypeError
			if !errors.As(err, &ute) {
				return spatialError(b.name, ErrSyntax, "invalid JSON: %v", err)
			}
			// A number, string or array among the features: keep its place.
			b.rowError(len(b.records)+1, "", "", ErrSyntax, "a member of \"features\" is not a Feature object")
			f = geojsonFeature{}
		}
		b.add(f)
	}
	_, err = dec.Token() // ']'
	if err != nil {
		return spatialError(b.name, ErrSyntax, "invalid JSON: %v", err)
	}
	return nil
}

// add converts one feature into a record. Problems with the feature
// (wrong type, properties that are no object, an invalid geometry) become
// row errors; the record is kept, with a nil Geometry when that is broken.
func (b *geojsonBuilder) add(f geojsonFeature) {
	row := len(b.records) + 1
	rec := Record{Row: row, Values: map[string]string{}}
	if typ := jsonValueString(f.Type); typ != "" && typ != "Feature" {
		b.rowError(row, "type", typ, ErrSyntax, "a member of \"features\" has the wrong \"type\"; every feature must be {\"type\": \"Feature\", ...}")
	}
	b.properties(&rec, f.Properties)
	if id := bytes.TrimSpace(f.ID); len(id) > 0 && string(id) != "null" {
		if _, taken := rec.Values["id"]; !taken {
			rec.Values["id"] = jsonValueString(id)
			b.cols = appendColumn(b.cols, b.seen, "id")
		}
	}
	g, err := geojsonGeometry(f.Geometry)
	if err != nil {
		b.rowError(row, "geometry", "", ErrSyntax, "invalid geometry: "+err.Error())
	}
	rec.Geometry = g
	b.records = append(b.records, rec)
}

// rowError records a problem with one feature.
func (b *geojsonBuilder) rowError(row int, column, value string, sentinel error, msg string) {
	b.errs = append(b.errs, &ReadError{File: b.name, Row: row, Column: column, Value: value, Msg: msg, Err: sentinel})
}

// properties reads the properties object keeping the key order.
func (b *geojsonBuilder) properties(rec *Record, raw json.RawMessage) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return
	}
	if raw[0] != '{' {
		b.rowError(rec.Row, "properties", "", ErrSyntax, "\"properties\" must be an object such as {\"naam\": \"...\"}")
		return
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		b.rowError(rec.Row, "properties", "", ErrSyntax, err.Error())
		return
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			b.rowError(rec.Row, "properties", "", ErrSyntax, err.Error())
			return
		}
		key, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			b.rowError(rec.Row, key, "", ErrSyntax, err.Error())
			return
		}
		rec.Values[key] = jsonValueString(v)
		b.cols = appendColumn(b.cols, b.seen, key)
	}
}

// jsonValueString renders a JSON value as a Record value: strings as is,
// numbers without exponent, booleans "true"/"false", null "", objects and
// arrays as compact JSON.
func jsonValueString(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	switch raw[0] {
	case 'n':
		return ""
	case 't':
		return "true"
	case 'f':
		return "false"
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return string(raw)
		}
		return s
	case '{', '[':
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			return string(raw)
		}
		return buf.String()
	}
	return formatJSONNumber(string(raw))
}

// formatJSONNumber keeps a number's text (trailing decimal zeros dropped)
// unless it has an exponent, which is written out.
func formatJSONNumber(s string) string {
	if !strings.ContainsAny(s, "eE") {
		return trimDecimalZeros(s)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	return formatFloat(v)
}

// geojsonGeometry decodes a geometry member; null or absent gives nil.
// Z (and further ordinates) are dropped. orb/geojson is not used here: it
// reads a position with a single number as (x, 0) without complaint, where a
// user must hear which feature has a broken position.
func geojsonGeometry(raw json.RawMessage) (orb.Geometry, error) {
	return geojsonGeometryDepth(raw, 0)
}

func geojsonGeometryDepth(raw json.RawMessage, depth int) (orb.Geometry, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] != '{' {
		return nil, errors.New("the geometry must be an object such as {\"type\": \"Polygon\", \"coordinates\": [...]}")
	}
	var g struct {
		Type        string            `json:"type"`
		Coordinates json.RawMessage   `json:"coordinates"`
		Geometries  []json.RawMessage `json:"geometries"`
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, err
	}
	c := g.Coordinates
	if g.Type != "GeometryCollection" && (len(c) == 0 || string(c) == "null") {
		if !isGeoJSONGeometryType(g.Type) {
			return nil, fmt.Errorf("unknown geometry type %q", g.Type)
		}
		return nil, fmt.Errorf("%s without \"coordinates\"", g.Type)
	}
	switch g.Type {
	case "Point":
		var v []float64
		if err := json.Unmarshal(c, &v); err != nil {
			return nil, geojsonCoordError(g.Type, err)
		}
		if len(v) == 0 {
			return nil, nil // empty point
		}
		return geojsonPoint(v)
	case "MultiPoint", "LineString":
		var v [][]float64
		if err := json.Unmarshal(c, &v); err != nil {
			return nil, geojsonCoordError(g.Type, err)
		}
		pts, err := geojsonPoints(v)
		if err != nil {
			return nil, err
		}
		if g.Type == "MultiPoint" {
			return orb.MultiPoint(pts), nil
		}
		return orb.LineString(pts), nil
	case "MultiLineString", "Polygon":
		var v [][][]float64
		if err := json.Unmarshal(c, &v); err != nil {
			return nil, geojsonCoordError(g.Type, err)
		}
		if g.Type == "Polygon" {
			return geojsonPolygon(v)
		}
		mls := make(orb.MultiLineString, 0, len(v))
		for _, l := range v {
			pts, err := geojsonPoints(l)
			if err != nil {
				return nil, err
			}
			mls = append(mls, orb.LineString(pts))
		}
		return mls, nil
	case "MultiPolygon":
		var v [][][][]float64
		if err := json.Unmarshal(c, &v); err != nil {
			return nil, geojsonCoordError(g.Type, err)
		}
		mp := make(orb.MultiPolygon, 0, len(v))
		for _, p := range v {
			poly, err := geojsonPolygon(p)
			if err != nil {
				return nil, err
			}
			mp = append(mp, poly)
		}
		return mp, nil
	case "GeometryCollection":
		if depth > 16 {
			return nil, errors.New("GeometryCollections nested too deeply")
		}
		coll := make(orb.Collection, 0, len(g.Geometries))
		for _, m := range g.Geometries {
			sub, err := geojsonGeometryDepth(m, depth+1)
			if err != nil {
				return nil, err
			}
			if sub != nil {
				coll = append(coll, sub)
			}
		}
		return coll, nil
	}
	return nil, fmt.Errorf("unknown geometry type %q (expected Point, LineString, Polygon, their Multi variants or GeometryCollection)", g.Type)
}

func geojsonCoordError(typ string, err error) error {
	var ute *json.UnmarshalTypeError
	if errors.As(err, &ute) {
		return fmt.Errorf("the coordinates of a %s are not nested as GeoJSON requires (found %s where a %s was expected)", typ, ute.Value, ute.Type)
	}
	return fmt.Errorf("the coordinates of a %s are invalid: %w", typ, err)
}

// geojsonPoint takes x and y of a position, dropping Z and M.
func geojsonPoint(v []float64) (orb.Point, error) {
	if len(v) < 2 {
		return orb.Point{}, fmt.Errorf("position %v has fewer than 2 coordinates", v)
	}
	return orb.Point{v[0], v[1]}, nil
}

func geojsonPoints(v [][]float64) ([]orb.Point, error) {
	pts := make([]orb.Point, 0, len(v))
	for _, p := range v {
		pt, err := geojsonPoint(p)
		if err != nil {
			return nil, err
		}
		pts = append(pts, pt)
	}
	return pts, nil
}

func geojsonPolygon(v [][][]float64) (orb.Polygon, error) {
	poly := make(orb.Polygon, 0, len(v))
	for _, r := range v {
		pts, err := geojsonPoints(r)
		if err != nil {
			return nil, err
		}
		poly = append(poly, orb.Ring(pts))
	}
	return poly, nil
}
