package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"sort"
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

// Snapshot is everything the server shows at one moment: the stored data,
// its scores and region summaries, and the catalog layers built from them.
// It is immutable once built.
type Snapshot struct {
	Generation int64
	Built      time.Time
	Sites      map[string]store.Site
	Engine     *matching.Engine
	Profiles   map[matching.Use]*matching.Profile
	Scores     map[matching.Use]*matching.ScoreSet
	Regions    []matching.RegionSummary
	Members    []store.RegionMember
	Layers     []Layer
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

// BuildSnapshot reads the store, scores every site and builds the catalog
// layers.
func BuildSnapshot(ctx context.Context, st *store.Store, sc Scoring) (*Snapshot, error) {
	out, err := matching.ScoreStore(ctx, st, sc)
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	gemeenten, err := st.Gemeenten(ctx)
	if err != nil {
		return nil, fmt.Errorf("snapshot: read gemeenten: %w", err)
	}
	sites, members, features := out.Sites, out.Members, out.Features
	snap := &Snapshot{
		Generation: out.Generation,
		Built:      out.Scored,
		Sites:      make(map[string]store.Site, len(sites)),
		Engine:     out.Engine,
		Profiles:   map[matching.Use]*matching.Profile{},
		Scores:     map[matching.Use]*matching.ScoreSet{},
		Regions:    out.Regions,
		Members:    members,
	}
	for _, s := range sites {
		snap.Sites[s.ID] = s
	}
	for i, set := range out.Sets {
		if _, seen := snap.Scores[set.Use]; !seen {
			snap.Scores[set.Use] = set
			snap.Profiles[set.Use] = out.Profiles[i]
		}
	}
	names := regionNames(members, gemeenten)
	snap.Layers = append(snap.Layers,
		siteLayer(CollGebouwen, "Leegstaande gebouwen", "Vacant buildings (gebouwen) from the imported inventories.", sites, store.Gebouw, names),
		siteLayer(CollKavels, "Leegstaande kavels", "Vacant plots (kavels) from the imported inventories.", sites, store.Kavel, names),
	)
	if set := snap.Scores[matching.Flex]; set != nil {
		snap.Layers = append(snap.Layers, candidateLayer(CollKandidatenFlex, "Kandidaten flexwonen",
			"Sites scored for flexwoningen (temporary modular homes on a plot), with explained criteria, knock-outs, capacity and rank in their centrumgemeente region.", set, snap.Sites, names))
	}
	if set := snap.Scores[matching.Transformatie]; set != nil {
		snap.Layers = append(snap.Layers, candidateLayer(CollKandidatenTransfor, "Kandidaten transformatie",
			"Vacant buildings scored for transformatie (conversion into homes), with explained criteria, knock-outs, capacity and rank in their centrumgemeente region.", set, snap.Sites, names))
	}
	snap.Layers = append(snap.Layers, gemeenteLayer(gemeenten, members), regionLayer(snap.Regions, gemeenten, members))
	snap.Layers = append(snap.Layers, contextLayers(features)...)
	return snap, nil
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

func siteProperties() []Property {
	return []Property{
		{Name: "naam", Type: TypeString, Title: "Naam"},
		{Name: "soort", Type: TypeString, Description: "gebouw or kavel"},
		{Name: "bron", Type: TypeString, Description: "source of the inventory"},
		{Name: "bron_ref", Type: TypeString, Description: "reference in the source, e.g. RVB bouwwerkcode"},
		{Name: "straat", Type: TypeString},
		{Name: "huisnummer", Type: TypeInteger},
		{Name: "toevoeging", Type: TypeString},
		{Name: "postcode", Type: TypeString},
		{Name: "plaats", Type: TypeString},
		{Name: "oppervlakte_m2", Type: TypeNumber},
		{Name: "oppervlakte_soort", Type: TypeString, Description: "perceel, BVO or GBO"},
		{Name: "functie", Type: TypeString},
		{Name: "bouwjaar", Type: TypeInteger},
		{Name: "monument", Type: TypeString},
		{Name: "status", Type: TypeString, Description: "vacancy or disposal status (e.g. RVB afstootstatus)"},
		{Name: "eigenaar", Type: TypeString},
		{Name: "beschikbaar_vanaf", Type: TypeDate},
		{Name: "beschikbaar_tot", Type: TypeDate},
		{Name: "gemeente", Type: TypeString, Description: "CBS code GMxxxx"},
		{Name: "gemeente_naam", Type: TypeString},
		{Name: "centrumgemeente", Type: TypeString, Description: "CBS code of the centrumgemeente heading the region"},
		{Name: "centrumgemeente_naam", Type: TypeString},
		{Name: "synthetisch", Type: TypeBoolean, Description: "true for the made-up demo inventory"},
		{Name: "attributen", Type: TypeString, Description: "every other source column, as JSON"},
	}
}

func siteProps(s store.Site, n names) map[string]any {
	p := map[string]any{
		"naam": s.Name, "soort": string(s.Kind), "bron": s.Source, "bron_ref": s.SourceRef,
		"straat": s.Address.Straat, "toevoeging": s.Address.Toevoeging,
		"postcode": s.Address.Postcode, "plaats": s.Address.Plaats,
		"oppervlakte_soort": s.AreaKind, "functie": s.Function, "monument": s.Monument,
		"status": s.Status, "eigenaar": s.Owner,
		"gemeente": s.Gemeente, "gemeente_naam": n[s.Gemeente],
		"centrumgemeente": s.Centrumgemeente, "centrumgemeente_naam": n[s.Centrumgemeente],
		"synthetisch": s.Source == "synthetisch" || strings.EqualFold(s.Attributes["synthetisch"], "ja"),
		"huisnummer":  nil, "oppervlakte_m2": nil, "bouwjaar": nil,
		"beschikbaar_vanaf": nil, "beschikbaar_tot": nil, "attributen": nil,
	}
	if s.Address.Huisnummer > 0 {
		p["huisnummer"] = s.Address.Huisnummer
	}
	if s.AreaM2 != nil {
		p["oppervlakte_m2"] = *s.AreaM2
	}
	if s.ConstructionYear != nil {
		p["bouwjaar"] = *s.ConstructionYear
	}
	if s.AvailableFrom != nil {
		p["beschikbaar_vanaf"] = s.AvailableFrom.Format(time.DateOnly)
	}
	if s.AvailableUntil != nil {
		p["beschikbaar_tot"] = s.AvailableUntil.Format(time.DateOnly)
	}
	if len(s.Attributes) > 0 {
		b, _ := json.Marshal(s.Attributes)
		p["attributen"] = string(b)
	}
	return p
}

func siteLayer(id, title, desc string, sites []store.Site, kind store.SiteKind, n names) Layer {
	l := Layer{Collection: Collection{ID: id, Title: title, Description: desc,
		Keywords: []string{"leegstand", string(kind)}, Properties: siteProperties()}}
	for _, s := range sites {
		if s.Kind == kind {
			l.Features = append(l.Features, Feature{ID: s.ID, Geometry: s.Geometry, Properties: siteProps(s, n)})
		}
	}
	return l
}

func candidateLayer(id, title, desc string, set *matching.ScoreSet, sites map[string]store.Site, n names) Layer {
	// The outcome comes first, right after the name, so that tables (HTML,
	// CSV, QGIS attribute tables) show it without scrolling.
	site := siteProperties()
	props := append([]Property{site[0]},
		Property{Name: "score", Type: TypeNumber, Description: "0-100, the sum of the criteria's contributions"},
		Property{Name: "eligible", Type: TypeBoolean, Description: "false when a knock-out applies"},
		Property{Name: "rank_in_region", Type: TypeInteger, Description: "rank among the eligible sites of the centrumgemeente region; 0 when not eligible"},
		Property{Name: "capacity_units", Type: TypeInteger},
		Property{Name: "capacity_people", Type: TypeInteger},
		Property{Name: "knockouts", Type: TypeString, Description: "knock-out reasons, separated by '; '"},
		Property{Name: "gebruik", Type: TypeString, Description: "flex or transformatie"},
		Property{Name: "profiel", Type: TypeString, Description: "scoring profile"},
		Property{Name: "capacity_assumptions", Type: TypeString},
		Property{Name: "criteria", Type: TypeString, Description: "per criterion name, value, unit, normalised, weight and contribution, as JSON"},
	)
	props = append(props, site[1:]...)
	l := Layer{Collection: Collection{ID: id, Title: title, Description: desc,
		Keywords: []string{"woonplek", string(set.Use)}, Properties: props}}
	for _, r := range set.Results {
		s, ok := sites[r.SiteID]
		if !ok {
			continue
		}
		p := siteProps(s, n)
		crit, _ := json.Marshal(r.Criteria)
		p["gebruik"] = string(r.Use)
		p["profiel"] = r.Profile
		p["score"] = r.Score
		p["eligible"] = r.Eligible
		p["knockouts"] = strings.Join(r.Knockouts, "; ")
		p["capacity_units"] = r.CapacityUnits
		p["capacity_people"] = r.CapacityPeople
		p["capacity_assumptions"] = r.CapacityAssumptions
		p["rank_in_region"] = r.RankInRegion
		p["criteria"] = string(crit)
		if r.Centrumgemeente != "" {
			p["centrumgemeente"] = r.Centrumgemeente
			p["centrumgemeente_naam"] = n[r.Centrumgemeente]
		}
		l.Features = append(l.Features, Feature{ID: s.ID, Geometry: s.Geometry, Properties: p})
	}
	return l
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

func contextLayers(features []store.Feature) []Layer {
	byLayer := map[string]*Layer{}
	var order []string
	for _, f := range features {
		l := byLayer[f.Layer]
		if l == nil {
			l = &Layer{Collection: Collection{ID: layerPrefix + f.Layer, Title: "Contextlaag " + f.Layer,
				Description: "Context layer of kind " + f.Layer + " used by the scoring.",
				Keywords:    []string{"contextlaag", f.Layer},
				Properties:  []Property{{Name: "naam", Type: TypeString}, {Name: "laag", Type: TypeString}, {Name: "attributen", Type: TypeString}},
			}}
			byLayer[f.Layer] = l
			order = append(order, f.Layer)
		}
		var attrs any
		if len(f.Attributes) > 0 {
			b, _ := json.Marshal(f.Attributes)
			attrs = string(b)
		}
		l.Features = append(l.Features, Feature{ID: fmt.Sprint(f.ID), Geometry: f.Geometry,
			Properties: map[string]any{"naam": f.Name, "laag": f.Layer, "attributen": attrs}})
	}
	sort.Strings(order)
	out := make([]Layer, 0, len(order))
	for _, k := range order {
		out = append(out, *byLayer[k])
	}
	return out
}
