package importers

// The Esri Shapefile reader is hand-written: no Go shapefile module is
// available from this machine's module proxy, and the format is small
// (ESRI Shapefile Technical Description, July 1998; dBASE III for the .dbf).

import (
	"archive/zip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/paulmach/orb"
)

// Shape types of the .shp format.
const (
	shpNull        = 0
	shpPoint       = 1
	shpPolyLine    = 3
	shpPolygon     = 5
	shpMultiPoint  = 8
	shpPointZ      = 11
	shpPolyLineZ   = 13
	shpPolygonZ    = 15
	shpMultiPointZ = 18
	shpPointM      = 21
	shpPolyLineM   = 23
	shpPolygonM    = 25
	shpMultiPointM = 28
	shpMultiPatch  = 31
)

const shpHeaderLen = 100

// shapefileParts holds the files that make up one shapefile, read in memory.
type shapefileParts struct {
	shpName string // for messages: "gebouwen.shp" or "data.zip/map/gebouwen.shp"
	shp     []byte
	dbf     []byte // nil when absent
	prj     []byte
	cpg     []byte
}

// readShapefile reads an Esri Shapefile: path is the .shp (with .dbf, .prj,
// .cpg beside it) or a .zip holding them. Z and M are dropped. Owner: spatial readers.
//
// Row is the record number in the .dbf (1-based); deleted records are
// skipped but counted. A record whose shape cannot be read (MultiPatch,
// corrupt part indexes) is kept with a nil Geometry and reported as a
// *ReadError (joined with errors.Join) next to the Table; a truncated or
// foreign file is an error for the whole file. Polygons are assembled from rings by orientation
// (outer rings clockwise) and containment and returned with the OGC
// orientation (outer rings counter-clockwise). Table.CRS comes from the
// .prj; without a (recognised) .prj it is "".
func readShapefile(ctx context.Context, path string) (Table, error) {
	name := filepath.Base(path)
	var (
		parts shapefileParts
		err   error
	)
	if strings.EqualFold(filepath.Ext(path), ".zip") {
		parts, err = shapefileFromZip(path)
	} else {
		parts, err = shapefileFromDir(path)
	}
	if err != nil {
		return Table{File: name}, err
	}
	t, err := decodeShapefile(ctx, parts)
	t.File = name
	return t, err
}

// shapefileFromDir reads path (.shp) and its siblings, matching the
// extensions and base name case-insensitively.
func shapefileFromDir(p string) (shapefileParts, error) {
	name := filepath.Base(p)
	parts := shapefileParts{shpName: name}
	shp, err := os.ReadFile(p)
	if err != nil {
		return parts, fmt.Errorf("%s: %w", name, err)
	}
	parts.shp = shp
	dir := filepath.Dir(p)
	base := strings.TrimSuffix(name, filepath.Ext(name))
	entries, err := os.ReadDir(dir)
	if err != nil {
		return parts, fmt.Errorf("%s: %w", name, err)
	}
	for _, e := range entries {
		en := e.Name()
		ext := strings.ToLower(filepath.Ext(en))
		if e.IsDir() || !strings.EqualFold(strings.TrimSuffix(en, filepath.Ext(en)), base) {
			continue
		}
		dst := parts.sibling(ext)
		if dst == nil || (*dst != nil && strings.TrimSuffix(en, filepath.Ext(en)) != base) {
			continue // unknown extension, or an exact-case match already read
		}
		b, err := os.ReadFile(filepath.Join(dir, en))
		if err != nil {
			return parts, fmt.Errorf("%s: %w", en, err)
		}
		*dst = b
	}
	return parts, nil
}

// sibling returns where a part with extension ext (lower case) is kept.
func (p *shapefileParts) sibling(ext string) *[]byte {
	switch ext {
	case ".dbf":
		return &p.dbf
	case ".prj":
		return &p.prj
	case ".cpg":
		return &p.cpg
	}
	return nil
}

// shapefileFromZip finds the single .shp in a zip (in any folder) and its
// siblings in the same folder.
func shapefileFromZip(p string) (shapefileParts, error) {
	name := filepath.Base(p)
	var parts shapefileParts
	zr, err := zip.OpenReader(p)
	if err != nil {
		return parts, spatialError(name, ErrNoShapefile, "cannot open the zip archive (%v): is it a complete .zip file?", err)
	}
	defer zr.Close()
	var shps, all []*zip.File
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		base := path.Base(f.Name)
		if strings.HasPrefix(f.Name, "__MACOSX/") || strings.HasPrefix(base, "._") {
			continue
		}
		all = append(all, f)
		if strings.EqualFold(path.Ext(f.Name), ".shp") {
			shps = append(shps, f)
		}
	}
	switch len(shps) {
	case 0:
		names := make([]string, 0, len(all))
		for _, f := range all {
			names = append(names, f.Name)
		}
		held := "it is empty"
		if len(names) > 0 {
			held = "it holds " + strings.Join(names, ", ")
		}
		return parts, spatialError(name, ErrNoShapefile,
			"the zip archive contains no .shp file (%s); put the .shp, .shx, .dbf and .prj of one shapefile in the zip", held)
	case 1:
	default:
		names := make([]string, 0, len(shps))
		for _, f := range shps {
			names = append(names, f.Name)
		}
		sort.Strings(names)
		return parts, spatialError(name, ErrNoShapefile,
			"the zip archive contains %d shapefiles (%s); plekwijzer reads one at a time: put each in its own zip or unpack it and import the .shp",
			len(shps), strings.Join(names, ", "))
	}
	shp := shps[0]
	parts.shpName = name + "/" + shp.Name
	if parts.shp, err = readZipFile(shp); err != nil {
		return parts, spatialError(name, ErrCorrupt, "cannot read %s from the zip archive: %v", shp.Name, err)
	}
	dir, base := path.Dir(shp.Name), strings.TrimSuffix(path.Base(shp.Name), path.Ext(shp.Name))
	for _, f := range all {
		if path.Dir(f.Name) != dir || !strings.EqualFold(strings.TrimSuffix(path.Base(f.Name), path.Ext(f.Name)), base) {
			continue
		}
		dst := parts.sibling(strings.ToLower(path.Ext(f.Name)))
		if dst == nil {
			continue
		}
		if *dst, err = readZipFile(f); err != nil {
			return parts, spatialError(name, ErrCorrupt, "cannot read %s from the zip archive: %v", f.Name, err)
		}
	}
	return parts, nil
}

// maxZipEntry bounds one unpacked shapefile part (guards against zip bombs).
const maxZipEntry = 4 << 30

func readZipFile(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxZipEntry+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxZipEntry {
		return nil, fmt.Errorf("%s is larger than 4 GiB unpacked", f.Name)
	}
	return b, nil
}

// decodeShapefile parses the parts into a Table.
func decodeShapefile(ctx context.Context, parts shapefileParts) (Table, error) {
	var t Table
	shapes, bad, err := parseShp(ctx, parts.shp)
	if err != nil {
		return t, &FileError{File: parts.shpName, Msg: err.Error(), Err: ErrCorrupt}
	}
	var rowErrs []error
	badRow := func(row int) {
		if e, ok := bad[row]; ok {
			sentinel := ErrCorrupt
			if errors.Is(e, ErrUnsupportedGeometry) {
				sentinel = ErrUnsupportedGeometry
			}
			rowErrs = append(rowErrs, &ReadError{File: parts.shpName, Row: row, Column: "geometry", Err: sentinel,
				Msg: "unreadable shape: " + e.Error()})
		}
	}
	if parts.prj != nil {
		t.CRS, _ = crsFromPRJ(string(parts.prj))
	}
	if parts.dbf == nil {
		t.Records = make([]Record, 0, len(shapes))
		for i, g := range shapes {
			t.Records = append(t.Records, Record{Row: i + 1, Values: map[string]string{}, Geometry: g})
			badRow(i + 1)
		}
		return t, errors.Join(rowErrs...)
	}
	dbfName := strings.TrimSuffix(parts.shpName, path.Ext(parts.shpName)) + ".dbf"
	table, err := parseDBF(parts.dbf, string(parts.cpg))
	if err != nil {
		return t, &FileError{File: dbfName, Msg: err.Error(), Err: ErrCorrupt}
	}
	if table.Len() != len(shapes) {
		return t, &FileError{File: parts.shpName, Err: ErrCorrupt, Msg: fmt.Sprintf(
			"the .shp holds %d shapes but the .dbf holds %d records: the files do not belong together or one of them is truncated",
			len(shapes), table.Len())}
	}
	t.Columns = table.Columns()
	t.Records = make([]Record, 0, len(shapes))
	for i, g := range shapes {
		values, deleted := table.Record(i)
		if deleted {
			continue
		}
		t.Records = append(t.Records, Record{Row: i + 1, Values: values, Geometry: g})
		badRow(i + 1)
	}
	return t, errors.Join(rowErrs...)
}

// parseShp parses the main file into one geometry per record (nil for Null
// shapes, empty parts and unreadable records). bad holds, by 1-based record
// number, why a record could not be read; err is a problem with the whole
// file (not a shapefile, truncated).
func parseShp(ctx context.Context, b []byte) (shapes []orb.Geometry, bad map[int]error, err error) {
	if len(b) < shpHeaderLen {
		return nil, nil, fmt.Errorf("the file is %d bytes long, too short for a shapefile header (100 bytes)", len(b))
	}
	if code := binary.BigEndian.Uint32(b[0:4]); code != 9994 {
		return nil, nil, fmt.Errorf("not an Esri Shapefile (file code %d, expected 9994)", code)
	}
	pos := shpHeaderLen
	for n := 1; pos < len(b); n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
		}
		if len(b)-pos < 8 {
			return nil, nil, fmt.Errorf("shape %d is truncated: the file ends inside its record header", n)
		}
		length := int64(binary.BigEndian.Uint32(b[pos+4:pos+8])) * 2
		if length > int64(len(b)-pos-8) {
			return nil, nil, fmt.Errorf("shape %d is truncated: its record needs %d bytes but the file ends after %d", n, length, len(b)-pos-8)
		}
		content := b[pos+8 : pos+8+int(length)]
		g, err := parseShpRecord(content)
		if err != nil {
			if bad == nil {
				bad = map[int]error{}
			}
			bad[n] = err
		}
		shapes = append(shapes, g)
		pos += 8 + int(length)
	}
	return shapes, bad, nil
}

// parseShpRecord decodes the content of one record. Z and M are dropped.
func parseShpRecord(c []byte) (orb.Geometry, error) {
	if len(c) < 4 {
		return nil, fmt.Errorf("the record is %d bytes long, too short for a shape type", len(c))
	}
	typ := int32(binary.LittleEndian.Uint32(c[0:4]))
	c = c[4:]
	switch typ {
	case shpNull:
		return nil, nil
	case shpPoint, shpPointZ, shpPointM:
		if len(c) < 16 {
			return nil, fmt.Errorf("point record too short (%d bytes)", len(c))
		}
		p := shpPoint2(c)
		if math.IsNaN(p[0]) || math.IsNaN(p[1]) {
			return nil, nil
		}
		return p, nil
	case shpMultiPoint, shpMultiPointZ, shpMultiPointM:
		if len(c) < 36 {
			return nil, fmt.Errorf("multipoint record too short (%d bytes)", len(c))
		}
		np := int(binary.LittleEndian.Uint32(c[32:36]))
		if np < 0 || np > (len(c)-36)/16 {
			return nil, fmt.Errorf("multipoint claims %d points but the record holds at most %d", np, (len(c)-36)/16)
		}
		if np == 0 {
			return nil, nil
		}
		mp := make(orb.MultiPoint, np)
		for i := range mp {
			mp[i] = shpPoint2(c[36+16*i:])
		}
		return mp, nil
	case shpPolyLine, shpPolyLineZ, shpPolyLineM, shpPolygon, shpPolygonZ, shpPolygonM:
		if len(c) < 40 {
			return nil, fmt.Errorf("record too short (%d bytes) for a polyline or polygon", len(c))
		}
		nparts := int(binary.LittleEndian.Uint32(c[32:36]))
		npoints := int(binary.LittleEndian.Uint32(c[36:40]))
		rest := len(c) - 40
		if nparts < 0 || npoints < 0 || nparts > rest/4 || npoints > (rest-4*nparts)/16 {
			return nil, fmt.Errorf("record claims %d parts and %d points but holds only %d bytes", nparts, npoints, rest)
		}
		if nparts == 0 || npoints == 0 {
			return nil, nil
		}
		ptsAt := 40 + 4*nparts
		lines := make([][]orb.Point, 0, nparts)
		for i := 0; i < nparts; i++ {
			start := int(int32(binary.LittleEndian.Uint32(c[40+4*i:])))
			end := npoints
			if i+1 < nparts {
				end = int(int32(binary.LittleEndian.Uint32(c[40+4*(i+1):])))
			}
			if start < 0 || end > npoints || start > end {
				return nil, fmt.Errorf("part %d has invalid point indexes %d..%d (of %d points)", i+1, start, end, npoints)
			}
			pts := make([]orb.Point, end-start)
			for j := range pts {
				pts[j] = shpPoint2(c[ptsAt+16*(start+j):])
			}
			if len(pts) > 0 {
				lines = append(lines, pts)
			}
		}
		switch typ {
		case shpPolygon, shpPolygonZ, shpPolygonM:
			return assemblePolygons(lines), nil
		}
		if len(lines) == 1 {
			return orb.LineString(lines[0]), nil
		}
		mls := make(orb.MultiLineString, len(lines))
		for i, l := range lines {
			mls[i] = orb.LineString(l)
		}
		return mls, nil
	case shpMultiPatch:
		return nil, fmt.Errorf("%w: MultiPatch (3D surfaces); export the footprints as Polygon or PolygonZ", ErrUnsupportedGeometry)
	}
	return nil, fmt.Errorf("%w: shape type %d", ErrUnsupportedGeometry, typ)
}

func shpPoint2(b []byte) orb.Point {
	return orb.Point{
		math.Float64frombits(binary.LittleEndian.Uint64(b[0:8])),
		math.Float64frombits(binary.LittleEndian.Uint64(b[8:16])),
	}
}

// assemblePolygons groups shapefile rings into polygons: clockwise rings are
// outer rings, counter-clockwise rings holes, each hole going to the
// smallest outer ring containing it. A hole inside no outer ring becomes an
// outer ring itself (as GDAL does). When no ring is clockwise (a writer that
// ignored the orientation rule) nesting depth decides instead. The result
// has the OGC orientation: outer rings counter-clockwise, holes clockwise.
func assemblePolygons(lines [][]orb.Point) orb.Geometry {
	rings := make([]orb.Ring, 0, len(lines))
	for _, l := range lines {
		r := orb.Ring(l)
		if len(r) > 0 && r[0] != r[len(r)-1] {
			r = append(r, r[0])
		}
		rings = append(rings, r)
	}
	shell := make([]bool, len(rings))
	anyCW := false
	for i, r := range rings {
		shell[i] = ringSignedArea(r) < 0 // clockwise
		anyCW = anyCW || shell[i]
	}
	if !anyCW {
		for i, r := range rings {
			depth := 0
			for j, o := range rings {
				if i != j && ringInRing(r, o) {
					depth++
				}
			}
			shell[i] = depth%2 == 0
		}
	}
	var shells []int
	for i := range rings {
		if shell[i] {
			shells = append(shells, i)
		}
	}
	holes := make(map[int][]int)
	for i, r := range rings {
		if shell[i] {
			continue
		}
		best, bestArea := -1, math.Inf(1)
		for _, s := range shells {
			if a := math.Abs(ringSignedArea(rings[s])); a < bestArea && ringInRing(r, rings[s]) {
				best, bestArea = s, a
			}
		}
		if best < 0 {
			shells = append(shells, i) // orphan hole: keep it as an outer ring
			continue
		}
		holes[best] = append(holes[best], i)
	}
	sort.Ints(shells)
	mp := make(orb.MultiPolygon, 0, len(shells))
	for _, s := range shells {
		poly := orb.Polygon{orientRing(rings[s], true)}
		for _, h := range holes[s] {
			poly = append(poly, orientRing(rings[h], false))
		}
		mp = append(mp, poly)
	}
	if len(mp) == 1 {
		return mp[0]
	}
	return mp
}

// ringSignedArea is the shoelace area: positive for counter-clockwise rings.
func ringSignedArea(r orb.Ring) float64 {
	if len(r) < 3 {
		return 0
	}
	var a float64
	x0, y0 := r[0][0], r[0][1] // offset for precision with RD coordinates
	for i := 0; i+1 < len(r); i++ {
		a += (r[i][0]-x0)*(r[i+1][1]-y0) - (r[i+1][0]-x0)*(r[i][1]-y0)
	}
	return a / 2
}

// ringInRing reports whether inner lies inside outer, testing the inner
// ring's vertices until one is strictly inside or outside.
func ringInRing(inner, outer orb.Ring) bool {
	for _, p := range inner {
		switch pointInRing(p, outer) {
		case 1:
			return true
		case -1:
			return false
		}
	}
	return false
}

// pointInRing returns 1 inside, -1 outside, 0 on the boundary (even-odd rule).
func pointInRing(p orb.Point, r orb.Ring) int {
	in := false
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		a, b := r[i], r[j]
		if onSegment(p, a, b) {
			return 0
		}
		if (a[1] > p[1]) != (b[1] > p[1]) {
			x := a[0] + (p[1]-a[1])/(b[1]-a[1])*(b[0]-a[0])
			if p[0] < x {
				in = !in
			}
		}
	}
	if in {
		return 1
	}
	return -1
}

func onSegment(p, a, b orb.Point) bool {
	cross := (b[0]-a[0])*(p[1]-a[1]) - (b[1]-a[1])*(p[0]-a[0])
	if cross != 0 {
		return false
	}
	return math.Min(a[0], b[0]) <= p[0] && p[0] <= math.Max(a[0], b[0]) &&
		math.Min(a[1], b[1]) <= p[1] && p[1] <= math.Max(a[1], b[1])
}

// orientRing returns r counter-clockwise (ccw true) or clockwise.
func orientRing(r orb.Ring, ccw bool) orb.Ring {
	if (ringSignedArea(r) > 0) == ccw {
		return r
	}
	out := make(orb.Ring, len(r))
	for i, p := range r {
		out[len(r)-1-i] = p
	}
	return out
}
