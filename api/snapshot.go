package api

import (
	"context"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/plekwijzer/plekwijzer/data"
	"github.com/plekwijzer/plekwijzer/geo"
	"github.com/plekwijzer/plekwijzer/matching"
	"github.com/plekwijzer/plekwijzer/store"
)

// Scoring says how a Snapshot scores the sites: profiles, demand table and
// reference date (see matching.Setup; the zero value uses the defaults).
type Scoring = matching.Setup

// Snapshot is everything the server shows at one moment: the stored sites,
// their compact scores (explanations are built on demand) and region
// summaries, and the catalog tables built over them. It is immutable once
// built.
type Snapshot struct {
	Generation int64
	Built      time.Time
	// Sites are ordered by id (as the store returns them).
	Sites    []store.Site
	Engine   *matching.Engine
	Profiles map[matching.Use]*matching.Profile
	Sets     map[matching.Use]*matching.CompactSet
	Regions  []matching.RegionSummary
	Members  []store.RegionMember
	Tables   []Table
}

// Collection ids of the domain collections. Context layers are served as
// "laag-" + their kind.
const (
	CollGebouwen           = "gebouwen"
	CollKavels             = "kavels"
	CollKandidatenFlex     = "kandidaten-flexwonen"
	CollKandidatenTransfor = "kandidaten-transformatie"
	CollGemeenten          = "gemeenten"
	CollRegios             = "regios"
	layerPrefix            = "laag-"
)

// BuildSnapshot reads the store, scores every site (compactly) and builds
// the catalog tables.
func BuildSnapshot(ctx context.Context, st *store.Store, sc Scoring) (*Snapshot, error) {
	out, err := matching.ScoreStoreCompact(ctx, st, sc)
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	// The engine stays to explain and rescore single sites; the scratch of
	// scoring every site is not needed again.
	out.Engine.ReleaseScratch()
	gemeenten, err := st.Gemeenten(ctx)
	if err != nil {
		return nil, fmt.Errorf("snapshot: read gemeenten: %w", err)
	}
	snap := &Snapshot{
		Generation: out.Generation,
		Built:      out.Scored,
		Sites:      out.Sites,
		Engine:     out.Engine,
		Profiles:   map[matching.Use]*matching.Profile{},
		Sets:       map[matching.Use]*matching.CompactSet{},
		Regions:    out.Regions,
		Members:    out.Members,
	}
	for i, set := range out.Sets {
		if _, seen := snap.Sets[set.Use]; !seen {
			snap.Sets[set.Use] = set
			snap.Profiles[set.Use] = out.Profiles[i]
		}
	}
	names := regionNames(out.Members, gemeenten)
	sites := snap.Sites
	for _, k := range []struct {
		kind              store.SiteKind
		id, title, desc   string
		use               matching.Use
		candID, candTitle string
		candDesc          string
	}{
		{store.Gebouw, CollGebouwen, "Leegstaande gebouwen", "Vacant buildings (gebouwen) from the imported inventories.",
			matching.Transformatie, CollKandidatenTransfor, "Kandidaten transformatie",
			"Vacant buildings scored for transformatie (conversion into homes), with explained criteria, knock-outs, capacity and rank in their centrumgemeente region."},
		{store.Kavel, CollKavels, "Leegstaande kavels", "Vacant plots (kavels) from the imported inventories.",
			matching.Flex, CollKandidatenFlex, "Kandidaten flexwonen",
			"Sites scored for flexwoningen (temporary modular homes on a plot), with explained criteria, knock-outs, capacity and rank in their centrumgemeente region."},
	} {
		rows := sitesOfKind(sites, k.kind)
		st := siteTable(k.id, k.title, k.desc, k.kind, sites, rows, names)
		snap.Tables = append(snap.Tables, st)
		if set := snap.Sets[k.use]; set != nil {
			ct := candidateTable(k.candID, k.candTitle, k.candDesc, set, sites, names)
			if sameRows(set, rows) {
				ct.Index = st.Index
			}
			snap.Tables = append(snap.Tables, ct)
		}
	}
	// Candidate collections come after both site collections, as before.
	slices.SortStableFunc(snap.Tables, func(a, b Table) int {
		return collectionOrder(a.Collection.ID) - collectionOrder(b.Collection.ID)
	})
	snap.Tables = append(snap.Tables, gemeenteLayer(gemeenten, out.Members).Table(), regionLayer(snap.Regions, gemeenten, out.Members).Table())
	snap.Tables = append(snap.Tables, contextTables(out.Features)...)
	return snap, nil
}

func collectionOrder(id string) int {
	switch id {
	case CollGebouwen:
		return 0
	case CollKavels:
		return 1
	case CollKandidatenFlex:
		return 2
	case CollKandidatenTransfor:
		return 3
	}
	return 4
}

// Site returns the site with the given id and its index in Sites.
func (s *Snapshot) Site(id string) (*store.Site, int, bool) {
	i, ok := slices.BinarySearchFunc(s.Sites, id, func(st store.Site, id string) int { return strings.Compare(st.ID, id) })
	if !ok {
		return nil, -1, false
	}
	return &s.Sites[i], i, true
}

// Result returns the explained score of site index i for use.
func (s *Snapshot) Result(use matching.Use, i int) (matching.Result, bool) {
	set := s.Sets[use]
	if set == nil || i < 0 || i >= len(s.Sites) {
		return matching.Result{}, false
	}
	e := set.EntryOfSite(i)
	if e < 0 {
		return matching.Result{}, false
	}
	return set.Result(e), true
}

// sitesOfKind returns the indexes of the sites of kind, in order.
func sitesOfKind(sites []store.Site, kind store.SiteKind) []int32 {
	var rows []int32
	for i := range sites {
		if sites[i].Kind == kind {
			rows = append(rows, int32(i))
		}
	}
	return rows
}

// sameRows reports whether the set's entries are exactly the sites rows, in
// that order, so that their tables can share one spatial index.
func sameRows(set *matching.CompactSet, rows []int32) bool {
	if len(set.Entries) != len(rows) {
		return false
	}
	for e, en := range set.Entries {
		if en.Site != rows[e] {
			return false
		}
	}
	return true
}

// names resolves gemeente and centrumgemeente codes to names.
type names map[string]string

func regionNames(members []store.RegionMember, gemeenten []store.Gemeente) names {
	n := names{}
	for _, g := range gemeenten {
		n[g.Code] = g.Name
	}
	for _, m := range members {
		n[m.Gemeente] = m.GemeenteNaam
		n[m.Centrumgemeente] = m.CentrumgemeenteNaam
	}
	return n
}

func gemeenteLayer(gemeenten []store.Gemeente, members []store.RegionMember) Layer {
	byCode := map[string]store.RegionMember{}
	for _, m := range members {
		byCode[m.Gemeente] = m
	}
	l := Layer{Collection: Collection{ID: CollGemeenten, Title: "Gemeenten",
		Description: "Municipalities with the centrumgemeente heading their region. " + dataCredit,
		Keywords:    []string{"gemeente", "centrumgemeente"},
		Properties: []Property{
			{Name: "statcode", Type: TypeString}, {Name: "statnaam", Type: TypeString},
			{Name: "provincie_code", Type: TypeString}, {Name: "provincie_naam", Type: TypeString},
			{Name: "centrumgemeente", Type: TypeString}, {Name: "centrumgemeente_naam", Type: TypeString},
			{Name: "confidence", Type: TypeString, Description: "confidence of the region assignment: hoog, middel or laag"},
		}}}
	for _, g := range gemeenten {
		m := byCode[g.Code]
		l.Features = append(l.Features, Feature{ID: g.Code, Geometry: g.Geometry, Properties: map[string]any{
			"statcode": g.Code, "statnaam": g.Name, "provincie_code": g.ProvincieCode, "provincie_naam": g.ProvincieNaam,
			"centrumgemeente": m.Centrumgemeente, "centrumgemeente_naam": m.CentrumgemeenteNaam, "confidence": m.Confidence,
		}})
	}
	return l
}

// dataCredit is the attribution of the embedded municipalities and regions.
const dataCredit = "Bron: CBS / Kadaster (PDOK), Gebiedsindelingen 2022 en 2024, CC BY 4.0; bewerking: plekwijzer."

func regionLayer(sums []matching.RegionSummary, gemeenten []store.Gemeente, members []store.RegionMember) Layer {
	geoms := map[string]orb.MultiPolygon{}
	byCode := map[string]store.Gemeente{}
	for _, g := range gemeenten {
		byCode[g.Code] = g
	}
	for _, m := range members {
		switch g := byCode[m.Gemeente].Geometry.(type) {
		case orb.Polygon:
			geoms[m.Centrumgemeente] = append(geoms[m.Centrumgemeente], g)
		case orb.MultiPolygon:
			geoms[m.Centrumgemeente] = append(geoms[m.Centrumgemeente], g...)
		}
	}
	for code, outline := range regionOutlines(members) {
		geoms[code] = outline
	}
	l := Layer{Collection: Collection{ID: CollRegios, Title: "Centrumgemeente-regio's",
		Description: "One region per centrumgemeente: its member municipalities, candidates, eligible capacity, need, target and gap. 'geen gegevens' where no demand figure is known. " + dataCredit,
		Keywords:    []string{"centrumgemeente", "regio"},
		Properties: []Property{
			{Name: "centrumgemeente", Type: TypeString}, {Name: "centrumgemeente_naam", Type: TypeString},
			{Name: "gemeenten", Type: TypeInteger, Description: "number of member municipalities"},
			{Name: "candidates", Type: TypeInteger}, {Name: "eligible", Type: TypeInteger},
			{Name: "capacity_people", Type: TypeInteger, Description: "people the portfolio of eligible sites can house"},
			{Name: "demand_status", Type: TypeString},
			{Name: "need", Type: TypeInteger}, {Name: "target", Type: TypeInteger}, {Name: "gap", Type: TypeInteger},
			{Name: "demand_source", Type: TypeString},
		}}}
	for _, s := range sums {
		mp := geoms[s.Centrumgemeente]
		var g orb.Geometry
		if len(mp) > 0 {
			g = mp
		}
		l.Features = append(l.Features, Feature{ID: s.Centrumgemeente, Geometry: g, Properties: map[string]any{
			"centrumgemeente": s.Centrumgemeente, "centrumgemeente_naam": s.CentrumgemeenteNaam,
			"gemeenten": s.Gemeenten, "candidates": s.Candidates, "eligible": s.Eligible,
			"capacity_people": s.CapacityPeople, "demand_status": s.DemandStatus,
			"need": s.Need, "target": s.Target, "gap": s.Gap, "demand_source": s.DemandSource,
		}})
	}
	return l
}

// regionOutlines returns the dissolved outline (RD New) from the embedded
// regios.geojson of every region whose members are exactly those the
// embedded table gives it. A region the user's own table changed keeps the
// polygons of its gemeenten (plekwijzer has no polygon union).
func regionOutlines(members []store.RegionMember) map[string]orb.MultiPolygon {
	b, err := fs.ReadFile(data.Files, "regios.geojson")
	if err != nil {
		return nil
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		return nil
	}
	have := map[string][]string{}
	for _, m := range members {
		have[m.Centrumgemeente] = append(have[m.Centrumgemeente], m.Gemeente)
	}
	out := map[string]orb.MultiPolygon{}
	for _, f := range fc.Features {
		code := f.Properties.MustString("centrumgemeente_statcode", "")
		want := strings.Split(f.Properties.MustString("gemeenten", ""), ",")
		got := slices.Clone(have[code])
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(want, got) {
			continue
		}
		switch g := geo.ToRD(f.Geometry, geo.WGS84).(type) {
		case orb.MultiPolygon:
			out[code] = g
		case orb.Polygon:
			out[code] = orb.MultiPolygon{g}
		}
	}
	return out
}
