package bench

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"github.com/plekwijzer/plekwijzer/data"
	"github.com/plekwijzer/plekwijzer/geo"
	"github.com/plekwijzer/plekwijzer/store"
)

// Layer kinds of the generated context layers, as `import laag --soort` takes them.
const (
	LayerOV         = "ov_halte"
	LayerSupermarkt = "supermarkt"
	LayerHuisarts   = "huisarts"
	LayerNatura     = "natura2000"
)

// SceneOptions size a generated scene. Zero counts take the defaults of
// issue 8: 60,000 OV stops, 30,000 amenities (half supermarkt, half
// huisarts) and 2,000 exclusion polygons.
type SceneOptions struct {
	Seed      uint64
	Sites     int
	Stops     int
	Amenities int
	Zones     int
}

func (o SceneOptions) withDefaults() SceneOptions {
	if o.Stops == 0 {
		o.Stops = 60_000
	}
	if o.Amenities == 0 {
		o.Amenities = 30_000
	}
	if o.Zones == 0 {
		o.Zones = 2_000
	}
	return o
}

// Gemeente is a municipality of the scene: its CBS code and its polygon in
// RD New, exactly as both the engine and PostGIS see it.
type Gemeente struct {
	Code     string
	Name     string
	Geometry orb.Geometry
}

// Site is one generated site: a point in RD New (centimetre precision, so
// that the CSV text round-trips to the same float64) in Gemeente, the
// lowest code among the municipalities containing the point (what
// ST_Contains ... ORDER BY code LIMIT 1 gives).
type Site struct {
	Ref      string // source reference, e.g. K0000001 or G0000002
	Kind     store.SiteKind
	X, Y     float64
	Gemeente string
	Area     float64 // plot area (kavel) or BVO (gebouw), m²
}

// Amenity is a point of an amenity layer.
type Amenity struct {
	Layer string
	P     orb.Point
}

// Scene is a deterministic synthetic national inventory: sites clustered in
// real municipalities and the context layers the reference workload uses.
type Scene struct {
	Seed      uint64
	Gemeenten []Gemeente
	Sites     []Site
	Stops     []orb.Point
	Amenities []Amenity
	Zones     []orb.Polygon
}

// EmbeddedGemeenten reads the municipalities embedded in package data,
// projected to RD New, sorted by code.
func EmbeddedGemeenten() ([]Gemeente, error) {
	b, err := fs.ReadFile(data.Files, "gemeenten.geojson")
	if err != nil {
		return nil, fmt.Errorf("read embedded gemeenten: %w", err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		return nil, fmt.Errorf("decode embedded gemeenten: %w", err)
	}
	out := make([]Gemeente, 0, len(fc.Features))
	for _, f := range fc.Features {
		out = append(out, Gemeente{
			Code:     f.Properties.MustString("statcode", ""),
			Name:     f.Properties.MustString("statnaam", ""),
			Geometry: geo.ToRD(f.Geometry, geo.WGS84),
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, nil
}

// place is a municipality with the core its points cluster around.
type place struct {
	idx    int
	core   orb.Point
	spread float64
	bound  orb.Bound
}

type generator struct {
	rnd    *rand.Rand
	gs     []Gemeente
	index  *geo.Index[int]
	places []place
	cum    []float64 // cumulative weights of places
}

// Generate builds the scene for o from the municipalities gs (RD New).
// The same options and municipalities always give the same scene.
// Municipalities are drawn with weights proportional to their area (at 10k
// sites some hold more than 100, so the top-100 cut is exercised); within one, 70% of the points follow a normal distribution
// around its centroid (sigma: a fifth of the square root of its area, at
// least 800 m) and 30% are uniform over it.
func Generate(ctx context.Context, gs []Gemeente, o SceneOptions) (*Scene, error) {
	o = o.withDefaults()
	if len(gs) == 0 {
		return nil, fmt.Errorf("generate scene: no municipalities")
	}
	g := &generator{rnd: rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15)), gs: gs}
	items := make([]geo.Item[int], len(gs))
	var total float64
	for i, gm := range gs {
		items[i] = geo.Item[int]{Geometry: gm.Geometry, Value: i}
		c, area := planar.CentroidArea(gm.Geometry)
		p := place{idx: i, core: c, bound: gm.Geometry.Bound(), spread: math.Max(800, math.Sqrt(area)/5)}
		if !geo.Contains(gm.Geometry, c) {
			p.core = p.bound.Center()
		}
		g.places = append(g.places, p)
		total += area
		g.cum = append(g.cum, total)
	}
	g.index = geo.NewIndex(items)
	sc := &Scene{Seed: o.Seed, Gemeenten: gs}

	sc.Stops = make([]orb.Point, o.Stops)
	for i := range sc.Stops {
		sc.Stops[i], _ = g.point(1.2)
	}
	sc.Amenities = make([]Amenity, o.Amenities)
	for i := range sc.Amenities {
		l := LayerSupermarkt
		if i%2 == 1 {
			l = LayerHuisarts
		}
		p, _ := g.point(0.8)
		sc.Amenities[i] = Amenity{Layer: l, P: p}
	}
	sc.Zones = make([]orb.Polygon, o.Zones)
	for i := range sc.Zones {
		c, _ := g.point(3)
		sc.Zones[i] = blob(g.rnd, c, 200+g.rnd.Float64()*1800)
	}
	sc.Sites = make([]Site, o.Sites)
	for i := range sc.Sites {
		if i%65536 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("generate scene: %w", err)
			}
		}
		p, code := g.point(1)
		s := Site{X: p[0], Y: p[1], Gemeente: code}
		if i%2 == 0 {
			s.Kind, s.Ref = store.Kavel, fmt.Sprintf("K%07d", i+1)
			s.Area = round2(500 + g.rnd.Float64()*20000)
		} else {
			s.Kind, s.Ref = store.Gebouw, fmt.Sprintf("G%07d", i+1)
			s.Area = round2(100 + g.rnd.Float64()*10000)
		}
		sc.Sites[i] = s
	}
	return sc, nil
}

// point draws a point inside a municipality (see Generate; factor scales
// the spread) rounded to centimetres, and returns it with the lowest code
// of the municipalities containing it.
func (g *generator) point(factor float64) (orb.Point, string) {
	for {
		r := g.rnd.Float64() * g.cum[len(g.cum)-1]
		pl := g.places[sort.SearchFloat64s(g.cum, r)]
		gm := g.gs[pl.idx]
		var q orb.Point
		for try := 0; ; try++ {
			if try < 20 && g.rnd.Float64() < 0.7 {
				q = orb.Point{pl.core[0] + g.rnd.NormFloat64()*pl.spread*factor, pl.core[1] + g.rnd.NormFloat64()*pl.spread*factor}
			} else {
				b := pl.bound
				q = orb.Point{b.Min[0] + g.rnd.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + g.rnd.Float64()*(b.Max[1]-b.Min[1])}
			}
			q = orb.Point{round2(q[0]), round2(q[1])}
			if geo.Contains(gm.Geometry, q) || try > 200 {
				break
			}
		}
		if code := g.gemeenteOf(q); code != "" {
			return q, code
		}
	}
}

// gemeenteOf is the lowest code among the municipalities containing p.
func (g *generator) gemeenteOf(p orb.Point) string {
	best := ""
	g.index.Containing(p, func(it geo.Item[int]) bool {
		if c := g.gs[it.Value].Code; best == "" || c < best {
			best = c
		}
		return true
	})
	return best
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// blob is a star-shaped polygon of about radius r around c, counter-clockwise
// (angles strictly increase, so it never self-intersects).
func blob(rnd *rand.Rand, c orb.Point, r float64) orb.Polygon {
	n := 8 + rnd.IntN(9)
	ring := make(orb.Ring, 0, n+1)
	for i := range n {
		a := 2 * math.Pi * float64(i) / float64(n)
		rr := r * (0.6 + 0.4*rnd.Float64())
		ring = append(ring, orb.Point{round2(c[0] + rr*math.Cos(a)), round2(c[1] + rr*math.Sin(a))})
	}
	return orb.Polygon{append(ring, ring[0])}
}

// File is one written CSV file and how `plekwijzer import` takes it.
type File struct {
	Path  string
	Kind  string // import kind: gebouwen, kavels, laag
	Layer string // for laag: --soort
	Rows  int
}

// WriteCSV writes the scene as CSV files in dir, in the layouts `plekwijzer
// import` reads (";" separated, decimal comma, RD New X/Y or WKT, as the
// demo sample and RVB exports do), and returns them in import order:
// layers first, then sites.
func (sc *Scene) WriteCSV(ctx context.Context, dir string) ([]File, error) {
	var files []File
	write := func(name, kind, layer string, n int, fn func(w *bufio.Writer) error) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		p := filepath.Join(dir, name)
		f, err := os.Create(p)
		if err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
		w := bufio.NewWriterSize(f, 1<<16)
		if err := fn(w); err != nil {
			f.Close()
			return fmt.Errorf("write %s: %w", name, err)
		}
		if err := w.Flush(); err != nil {
			f.Close()
			return fmt.Errorf("write %s: %w", name, err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
		files = append(files, File{Path: p, Kind: kind, Layer: layer, Rows: n})
		return nil
	}
	if err := write(LayerOV+".csv", "laag", LayerOV, len(sc.Stops), func(w *bufio.Writer) error {
		return sc.writeStops(w)
	}); err != nil {
		return nil, err
	}
	for _, l := range []string{LayerSupermarkt, LayerHuisarts} {
		n := 0
		for _, a := range sc.Amenities {
			if a.Layer == l {
				n++
			}
		}
		if err := write(l+".csv", "laag", l, n, func(w *bufio.Writer) error { return sc.writeAmenities(w, l) }); err != nil {
			return nil, err
		}
	}
	if err := write(LayerNatura+".csv", "laag", LayerNatura, len(sc.Zones), sc.writeZones); err != nil {
		return nil, err
	}
	for _, k := range []store.SiteKind{store.Kavel, store.Gebouw} {
		n := 0
		for i := range sc.Sites {
			if sc.Sites[i].Kind == k {
				n++
			}
		}
		name, kind := "kavels.csv", "kavels"
		if k == store.Gebouw {
			name, kind = "gebouwen.csv", "gebouwen"
		}
		if err := write(name, kind, "", n, func(w *bufio.Writer) error { return sc.writeSites(w, k) }); err != nil {
			return nil, err
		}
	}
	return files, nil
}

// dutch formats v with two decimals and a decimal comma.
func dutch(b []byte, v float64) []byte {
	b = strconv.AppendFloat(b, v, 'f', 2, 64)
	b[len(b)-3] = ','
	return b
}

func (sc *Scene) writeStops(w *bufio.Writer) error {
	w.WriteString("naam;x;y\n")
	var b []byte
	for i, p := range sc.Stops {
		b = fmt.Appendf(b[:0], "Halte %d;", i+1)
		b = dutch(b, p[0])
		b = append(b, ';')
		b = dutch(b, p[1])
		b = append(b, '\n')
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

func (sc *Scene) writeAmenities(w *bufio.Writer, layer string) error {
	w.WriteString("naam;x;y\n")
	var b []byte
	for i, a := range sc.Amenities {
		if a.Layer != layer {
			continue
		}
		b = fmt.Appendf(b[:0], "%s %d;", layer, i+1)
		b = dutch(b, a.P[0])
		b = append(b, ';')
		b = dutch(b, a.P[1])
		b = append(b, '\n')
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

func (sc *Scene) writeZones(w *bufio.Writer) error {
	w.WriteString("naam;wkt\n")
	for i, z := range sc.Zones {
		if _, err := fmt.Fprintf(w, "Natuurgebied %d;%s\n", i+1, wkt.MarshalString(z)); err != nil {
			return err
		}
	}
	return nil
}

var (
	kavelHeader  = "Objectnummer;Naam;X;Y;Oppervlakte perceel (m2);Status\n"
	gebouwHeader = "Bouwwerkcode;Naam;X;Y;BVO (m2);Gebruiksdoel;Bouwjaar\n"
	functions    = []string{"kantoor", "onderwijs", "zorg", "logies", "industrie"}
)

func (sc *Scene) writeSites(w *bufio.Writer, kind store.SiteKind) error {
	if kind == store.Kavel {
		w.WriteString(kavelHeader)
	} else {
		w.WriteString(gebouwHeader)
	}
	var b []byte
	for i := range sc.Sites {
		s := &sc.Sites[i]
		if s.Kind != kind {
			continue
		}
		b = append(b[:0], s.Ref...)
		b = append(b, ";Locatie "...)
		b = append(b, s.Ref...)
		b = append(b, ';')
		b = dutch(b, s.X)
		b = append(b, ';')
		b = dutch(b, s.Y)
		b = append(b, ';')
		b = dutch(b, s.Area)
		if kind == store.Kavel {
			b = append(b, ";beschikbaar\n"...)
		} else {
			b = append(b, ';')
			b = append(b, functions[i%len(functions)]...)
			b = strconv.AppendInt(append(b, ';'), int64(1900+i%125), 10)
			b = append(b, '\n')
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

// HashFiles returns the SHA-256 over the names and contents of files, in
// order: the fingerprint of a generated scene.
func HashFiles(files []File) (string, error) {
	h := sha256.New()
	for _, f := range files {
		fmt.Fprintf(h, "%s\x00", filepath.Base(f.Path))
		r, err := os.Open(f.Path)
		if err != nil {
			return "", err
		}
		_, err = io.Copy(h, r)
		r.Close()
		if err != nil {
			return "", fmt.Errorf("hash %s: %w", f.Path, err)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
