// Package sample generates the SYNTHETIC demo inventory: vacant buildings
// (gebouwen), vacant plots (kavels) and context layers spread over every
// municipality, so the demo shows all centrumgemeente regions at work.
//
// Nothing here describes real property. Every row says so: names start with
// "[SYNTHETISCH]", a column "synthetisch" holds "ja", and the source is
// "synthetisch". The generator writes CSV files in the conventions real
// offices use (";" separated, decimal comma, RD New coordinates or WKT), so
// the demo runs through the same importers as real data.
//
// Output is deterministic for a seed.
package sample

import (
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/paulmach/orb/planar"

	"github.com/plekwijzer/plekwijzer/store"
)

// Marker is the prefix of every synthetic name and the value of the
// "synthetisch" column.
const Marker = "[SYNTHETISCH]"

// Source is the source name of the synthetic inventories.
const Source = "synthetisch"

// File is one generated file and what it should be imported as.
type File struct {
	Path  string
	Kind  store.RunKind
	Layer string // for store.RunLaag
}

// Options tune the generator. The zero value gives the demo's defaults.
type Options struct {
	Seed uint64
	// Scale multiplies the number of sites and context features (default 1:
	// about 2,500 gebouwen and 1,750 kavels).
	Scale float64
}

// Generate writes the synthetic inventory and layers for the given
// municipalities (geometries in RD New) into dir and returns the files in
// the order they should be imported (layers first, then sites).
func Generate(ctx context.Context, dir string, gemeenten []store.Gemeente, centra map[string]bool, opt Options) ([]File, error) {
	if len(gemeenten) == 0 {
		return nil, fmt.Errorf("generate sample: no municipalities loaded")
	}
	if opt.Scale <= 0 {
		opt.Scale = 1
	}
	g := &generator{
		rnd:    rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15)),
		scale:  opt.Scale,
		centra: centra,
	}
	for _, gm := range gemeenten {
		g.places = append(g.places, newPlace(gm, g.rnd))
	}
	var files []File
	write := func(name string, kind store.RunKind, layer string, header []string, rows [][]string) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		p := filepath.Join(dir, name)
		if err := writeCSV(p, header, rows); err != nil {
			return fmt.Errorf("generate sample: %w", err)
		}
		files = append(files, File{Path: p, Kind: kind, Layer: layer})
		return nil
	}
	for _, l := range g.pointLayers() {
		if err := write(l.kind+".csv", store.RunLaag, l.kind, []string{"naam", "x", "y", "synthetisch"}, l.rows); err != nil {
			return nil, err
		}
	}
	for _, l := range g.areaLayers() {
		if err := write(l.kind+".csv", store.RunLaag, l.kind, l.header, l.rows); err != nil {
			return nil, err
		}
	}
	if err := write("gebouwen.csv", store.RunGebouwen, "", gebouwHeader, g.gebouwen()); err != nil {
		return nil, err
	}
	if err := write("kavels.csv", store.RunKavels, "", kavelHeader, g.kavels()); err != nil {
		return nil, err
	}
	return files, nil
}

type generator struct {
	rnd    *rand.Rand
	scale  float64
	places []place
	centra map[string]bool
}

// place is a municipality with its "core": a point inside it around which
// amenities and sites cluster, and a spread that grows with its size.
type place struct {
	gm     store.Gemeente
	core   orb.Point
	spread float64 // metres
	bound  orb.Bound
}

func newPlace(gm store.Gemeente, rnd *rand.Rand) place {
	b := gm.Geometry.Bound()
	c, area := planar.CentroidArea(gm.Geometry)
	p := place{gm: gm, core: c, bound: b, spread: math.Max(800, math.Sqrt(area)/5)}
	if !contains(gm.Geometry, c) {
		p.core = p.randomInside(rnd, b.Center(), math.Max(b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]))
	}
	return p
}

// randomInside draws a point from a normal distribution around centre and
// keeps it when it falls inside the municipality; after 50 tries it uses the core.
func (p place) randomInside(rnd *rand.Rand, centre orb.Point, sigma float64) orb.Point {
	for range 50 {
		q := orb.Point{centre[0] + rnd.NormFloat64()*sigma, centre[1] + rnd.NormFloat64()*sigma}
		if contains(p.gm.Geometry, q) {
			return q
		}
	}
	return p.core
}

func (p place) near(rnd *rand.Rand, factor float64) orb.Point {
	return p.randomInside(rnd, p.core, p.spread*factor)
}

func contains(g orb.Geometry, pt orb.Point) bool {
	switch g := g.(type) {
	case orb.Polygon:
		return planar.PolygonContains(g, pt)
	case orb.MultiPolygon:
		return planar.MultiPolygonContains(g, pt)
	}
	return false
}

func (g *generator) count(n float64) int {
	return int(math.Round(n * g.scale))
}

func (g *generator) between(lo, hi int) int { return lo + g.rnd.IntN(hi-lo+1) }

type layerRows struct {
	kind   string
	header []string
	rows   [][]string
}

func (g *generator) pointLayers() []layerRows {
	specs := []struct {
		kind, label string
		lo, hi      int
		factor      float64
	}{
		{"ov_halte", "Halte", 6, 24, 1.2},
		{"supermarkt", "Supermarkt", 2, 8, 0.8},
		{"huisarts", "Huisartsenpraktijk", 2, 6, 0.8},
		{"school", "Basisschool", 2, 7, 0.9},
		{"voorziening", "Buurthuis", 1, 4, 0.7},
	}
	var out []layerRows
	for _, s := range specs {
		l := layerRows{kind: s.kind}
		for _, p := range g.places {
			n := g.count(float64(g.between(s.lo, s.hi)))
			for i := range n {
				pt := p.near(g.rnd, s.factor)
				name := fmt.Sprintf("%s %s %s %d", Marker, s.label, p.gm.Name, i+1)
				l.rows = append(l.rows, []string{name, rd(pt[0]), rd(pt[1]), "ja"})
			}
		}
		out = append(out, l)
	}
	return out
}

func (g *generator) areaLayers() []layerRows {
	header := []string{"naam", "wkt", "klasse", "synthetisch"}
	var out []layerRows

	natura := layerRows{kind: "natura2000", header: header}
	for i := range g.count(70) {
		p := g.places[g.rnd.IntN(len(g.places))]
		c := p.randomInside(g.rnd, p.core, p.spread*3)
		poly := blob(g.rnd, c, 800+g.rnd.Float64()*3500)
		natura.rows = append(natura.rows, []string{fmt.Sprintf("%s Natuurgebied %d", Marker, i+1), wkt.MarshalString(poly), "natura2000", "ja"})
	}
	out = append(out, natura)

	geluid := layerRows{kind: "geluid", header: header}
	for _, p := range g.places {
		if g.rnd.Float64() > 0.6 {
			continue
		}
		c := p.near(g.rnd, 0.8)
		band := strip(c, g.rnd.Float64()*math.Pi, 3000+g.rnd.Float64()*3000, 150+g.rnd.Float64()*150)
		lden := 55 + g.rnd.IntN(14)
		geluid.rows = append(geluid.rows, []string{fmt.Sprintf("%s Geluidszone weg %s", Marker, p.gm.Name), wkt.MarshalString(band), fmt.Sprintf("Lden %d dB", lden), "ja"})
	}
	out = append(out, geluid)

	flood := layerRows{kind: "overstroming", header: header}
	for i := range g.count(25) {
		p := g.places[g.rnd.IntN(len(g.places))]
		poly := blob(g.rnd, p.near(g.rnd, 2), 2000+g.rnd.Float64()*5000)
		flood.rows = append(flood.rows, []string{fmt.Sprintf("%s Overstromingsgebied %d", Marker, i+1), wkt.MarshalString(poly), "waterdiepte > 0,5 m", "ja"})
	}
	out = append(out, flood)

	hs := layerRows{kind: "hoogspanning", header: header}
	for i := range g.count(35) {
		p := g.places[g.rnd.IntN(len(g.places))]
		a := p.near(g.rnd, 3)
		ang := g.rnd.Float64() * 2 * math.Pi
		length := 8000 + g.rnd.Float64()*20000
		line := orb.LineString{a, {a[0] + math.Cos(ang)*length/2, a[1] + math.Sin(ang)*length/2}, {a[0] + math.Cos(ang)*length, a[1] + math.Sin(ang)*length + 1500}}
		hs.rows = append(hs.rows, []string{fmt.Sprintf("%s Hoogspanningslijn %d (380 kV)", Marker, i+1), wkt.MarshalString(roundGeom(line)), "380 kV", "ja"})
	}
	out = append(out, hs)

	bodem := layerRows{kind: "bodem", header: header}
	industrie := layerRows{kind: "industrie", header: header}
	for _, p := range g.places {
		if g.rnd.Float64() < 0.5 {
			poly := blob(g.rnd, p.near(g.rnd, 0.7), 60+g.rnd.Float64()*160)
			bodem.rows = append(bodem.rows, []string{fmt.Sprintf("%s Bodemverontreiniging %s", Marker, p.gm.Name), wkt.MarshalString(poly), "sanering nodig", "ja"})
		}
		if g.rnd.Float64() < 0.45 {
			poly := blob(g.rnd, p.near(g.rnd, 1.1), 250+g.rnd.Float64()*500)
			industrie.rows = append(industrie.rows, []string{fmt.Sprintf("%s Bedrijventerrein %s", Marker, p.gm.Name), wkt.MarshalString(poly), "milieucategorie 4.1", "ja"})
		}
	}
	out = append(out, bodem, industrie)

	net := layerRows{kind: "netcongestie", header: header}
	for i := range g.count(30) {
		p := g.places[g.rnd.IntN(len(g.places))]
		c := p.core
		w, h := 6000+g.rnd.Float64()*12000, 6000+g.rnd.Float64()*12000
		rect := rectangle(c, w, h, 0)
		status := []string{"rood: wachtrij afname", "oranje: beperkte capaciteit"}[g.rnd.IntN(2)]
		net.rows = append(net.rows, []string{fmt.Sprintf("%s Netcongestiegebied %d", Marker, i+1), wkt.MarshalString(rect), status, "ja"})
	}
	out = append(out, net)
	return out
}

var gebouwHeader = []string{
	"Bouwwerkcode", "Naam", "Adres", "Postcode", "Plaats", "X", "Y", "Geometrie",
	"BVO (m2)", "Gebruiksdoel", "Bouwjaar", "Monument", "Afstootstatus", "Eigenaar",
	"Beschikbaar vanaf", "Beschikbaar tot", "synthetisch",
}

var kavelHeader = []string{
	"Objectnummer", "Naam", "Plaats", "Geometrie", "Oppervlakte perceel (m2)", "Huidig gebruik",
	"Status", "Eigenaar", "Beschikbaar vanaf", "Beschikbaar tot", "synthetisch",
}

var (
	functions     = []string{"kantoor", "kantoor", "kantoor", "onderwijs", "zorg", "logies", "cel", "bijeenkomst", "sport", "industrie", "winkel"}
	plotUses      = []string{"braakliggend terrein", "sportveld", "groenstrook", "voormalig schoolterrein", "bedrijfsterrein", "agrarisch"}
	statuses      = []string{"afstoten", "in afstoting", "leeg, tijdelijk beheer", "beschikbaar voor maatschappelijk doel"}
	owners        = []string{"Rijksvastgoedbedrijf", "Rijksvastgoedbedrijf", "gemeente", "provincie", "woningcorporatie"}
	streets       = []string{"Kerkstraat", "Stationsweg", "Dorpsstraat", "Molenweg", "Schoolstraat", "Nieuwstraat", "Wilhelminalaan", "Parallelweg", "Julianastraat", "Marktplein"}
	buildingNames = map[string]string{"kantoor": "Kantoor", "onderwijs": "Voormalige school", "zorg": "Voormalig zorgcomplex", "logies": "Voormalig hotel", "cel": "Voormalige penitentiaire inrichting", "bijeenkomst": "Voormalig gemeenschapshuis", "sport": "Sporthal", "industrie": "Bedrijfshal", "winkel": "Winkelpand"}
)

func (g *generator) gebouwen() [][]string {
	var rows [][]string
	n := 0
	for _, p := range g.places {
		k := g.between(3, 8)
		if g.centra[p.gm.Code] {
			k += 14
		}
		for range g.count(float64(k)) {
			n++
			c := p.near(g.rnd, 0.9)
			fn := functions[g.rnd.IntN(len(functions))]
			w, d := 15+g.rnd.Float64()*35, 10+g.rnd.Float64()*20
			foot := rectangle(c, w, d, g.rnd.Float64()*math.Pi)
			storeys := 1 + g.rnd.IntN(6)
			if fn == "kantoor" {
				storeys += g.rnd.IntN(6)
			}
			bvo := w * d * float64(storeys)
			year := 1880 + g.rnd.IntN(140)
			monument := ""
			switch r := g.rnd.Float64(); {
			case r < 0.05:
				monument = "rijksmonument"
			case r < 0.10:
				monument = "gemeentelijk monument"
			}
			from := fmt.Sprintf("%02d-%02d-%d", 1+g.rnd.IntN(28), 1+g.rnd.IntN(12), 2026+g.rnd.IntN(3))
			until := ""
			if g.rnd.Float64() < 0.6 {
				until = fmt.Sprintf("31-12-%d", 2029+g.rnd.IntN(20))
			}
			street := streets[g.rnd.IntN(len(streets))]
			nr := 1 + g.rnd.IntN(180)
			addr := fmt.Sprintf("%s %d", street, nr)
			if g.rnd.Float64() < 0.15 {
				addr += " " + string(rune('a'+g.rnd.IntN(4)))
			}
			// Half the rows carry a footprint as WKT, half only X/Y: as real exports do.
			x, y, geom := rd(c[0]), rd(c[1]), ""
			if n%2 == 0 {
				x, y, geom = "", "", wkt.MarshalString(foot)
			}
			rows = append(rows, []string{
				fmt.Sprintf("SYN-G%05d", n),
				fmt.Sprintf("%s %s %s", Marker, buildingNames[fn], p.gm.Name),
				addr, fmt.Sprintf("%04d %s", 1000+g.rnd.IntN(8999), postcodeLetters(g.rnd)), p.gm.Name,
				x, y, geom, dutch(bvo), fn, strconv.Itoa(year), monument,
				statuses[g.rnd.IntN(len(statuses))], owners[g.rnd.IntN(len(owners))], from, until, "ja",
			})
		}
	}
	return rows
}

func (g *generator) kavels() [][]string {
	var rows [][]string
	n := 0
	for _, p := range g.places {
		k := g.between(2, 6)
		if g.centra[p.gm.Code] {
			k += 10
		}
		for range g.count(float64(k)) {
			n++
			c := p.near(g.rnd, 1.3)
			w, d := 25+g.rnd.Float64()*170, 20+g.rnd.Float64()*110
			plot := rectangle(c, w, d, g.rnd.Float64()*math.Pi)
			from := fmt.Sprintf("%02d-%02d-%d", 1+g.rnd.IntN(28), 1+g.rnd.IntN(12), 2026+g.rnd.IntN(3))
			until := ""
			if g.rnd.Float64() < 0.8 {
				until = fmt.Sprintf("31-12-%d", 2030+g.rnd.IntN(18))
			}
			rows = append(rows, []string{
				fmt.Sprintf("SYN-K%05d", n),
				fmt.Sprintf("%s Kavel %s %d", Marker, p.gm.Name, n),
				p.gm.Name, wkt.MarshalString(plot), dutch(w * d),
				plotUses[g.rnd.IntN(len(plotUses))], statuses[g.rnd.IntN(len(statuses))],
				owners[g.rnd.IntN(len(owners))], from, until, "ja",
			})
		}
	}
	return rows
}

func postcodeLetters(rnd *rand.Rand) string {
	const letters = "ABCEGHJKLMNPRTVWXZ" // avoids SA, SD, SS, which are not issued
	return string([]byte{letters[rnd.IntN(len(letters))], letters[rnd.IntN(len(letters))]})
}

// rectangle is a w x h rectangle centred on c, rotated by angle radians,
// counter-clockwise.
func rectangle(c orb.Point, w, h, angle float64) orb.Polygon {
	cos, sin := math.Cos(angle), math.Sin(angle)
	corner := func(dx, dy float64) orb.Point {
		return roundPoint(orb.Point{c[0] + dx*cos - dy*sin, c[1] + dx*sin + dy*cos})
	}
	r := orb.Ring{corner(-w/2, -h/2), corner(w/2, -h/2), corner(w/2, h/2), corner(-w/2, h/2)}
	return orb.Polygon{append(r, r[0])}
}

// strip is a long thin rectangle through c: a noise band along a road.
func strip(c orb.Point, angle, length, width float64) orb.Polygon {
	return rectangle(c, length, width, angle)
}

// blob is an irregular convex-ish polygon of about radius r around c,
// counter-clockwise, never self-intersecting (angles strictly increase).
func blob(rnd *rand.Rand, c orb.Point, r float64) orb.Polygon {
	n := 8 + rnd.IntN(8)
	ring := make(orb.Ring, 0, n+1)
	for i := range n {
		a := 2 * math.Pi * float64(i) / float64(n)
		rr := r * (0.6 + 0.4*rnd.Float64())
		ring = append(ring, roundPoint(orb.Point{c[0] + rr*math.Cos(a), c[1] + rr*math.Sin(a)}))
	}
	return orb.Polygon{append(ring, ring[0])}
}

func roundPoint(p orb.Point) orb.Point {
	return orb.Point{math.Round(p[0]*100) / 100, math.Round(p[1]*100) / 100}
}

func roundGeom(ls orb.LineString) orb.LineString {
	for i := range ls {
		ls[i] = roundPoint(ls[i])
	}
	return ls
}

// rd formats an RD coordinate with a decimal comma, as Dutch exports do.
func rd(v float64) string { return dutch(v) }

// dutch formats v with two decimals and a decimal comma.
func dutch(v float64) string {
	return strings.Replace(strconv.FormatFloat(v, 'f', 2, 64), ".", ",", 1)
}

func writeCSV(path string, header []string, rows [][]string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.Comma = ';'
	if err := w.Write(header); err != nil {
		f.Close()
		return err
	}
	if err := w.WriteAll(rows); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
