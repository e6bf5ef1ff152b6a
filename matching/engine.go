package matching

import (
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/geo"
	"github.com/plekwijzer/plekwijzer/store"
)

// Options configure an Engine.
type Options struct {
	// ReferenceDate is "today" for the availability term; the zero time
	// means the term is counted from AvailableFrom only (or unknown). Pass
	// it explicitly so that the same input gives the same output.
	ReferenceDate time.Time
	// Regions assign gemeenten to centrumgemeenten for sites whose
	// Centrumgemeente is empty but whose Gemeente is known.
	Regions []store.RegionMember
	// Workers is the number of goroutines; 0 means GOMAXPROCS.
	Workers int
}

// Engine holds the context layers and their indexes. It is immutable after
// NewEngine and safe for concurrent use; build a new one when a layer changes.
type Engine struct {
	opts      Options
	features  []store.Feature
	featLayer []int32 // layer number of each feature
	layers    map[string]*layer
	order     []string // layer kinds, sorted
	// area is one R-tree over every non-point feature of every layer, so
	// that one query per site finds all zones containing it.
	area     *geo.Index[int32]
	areaGrid *boxGrid       // the same features as area, for containment (nil: use area)
	geoms    []orb.Geometry // per feature index
	regionOf map[string]string
	// nearGrids caches per (layer, max distance) the boxGrid used for the
	// nearest line/polygon (nil when the tree walk is better).
	nearMu    sync.Mutex
	nearGrids map[nearKey]*boxGrid
	naive     bool // benchmarks/tests: per-lookup R-tree instead of the grid fast path
	// spare is one set of ScoreCompact scratch buffers kept between calls
	// (about 200 B per site of the largest call), so that repeated scoring
	// allocates little besides its results. A call takes it under
	// scratchMu and puts it back when done; concurrent calls allocate
	// their own.
	scratchMu sync.Mutex
	spare     *compactScratch
}

type nearKey struct {
	layer   int32
	maxDist float64
}

type layer struct {
	kind   string
	num    int32
	ids    []int32 // feature indexes
	points bool    // every feature is an orb.Point
	grid   *pointGrid
	index  *geo.Index[int32]
}

// NewEngine builds the indexes over the context layer features (RD New).
// Features with a nil geometry are ignored.
func NewEngine(features []store.Feature, opts Options) *Engine {
	e := &Engine{
		opts:      opts,
		features:  features,
		featLayer: make([]int32, len(features)),
		layers:    map[string]*layer{},
		regionOf:  map[string]string{},
	}
	for _, m := range opts.Regions {
		e.regionOf[m.Gemeente] = m.Centrumgemeente
	}
	for i, f := range features {
		if f.Geometry == nil {
			e.featLayer[i] = -1
			continue
		}
		l := e.layers[f.Layer]
		if l == nil {
			l = &layer{kind: f.Layer, points: true}
			e.layers[f.Layer] = l
		}
		l.ids = append(l.ids, int32(i))
		if _, ok := f.Geometry.(orb.Point); !ok {
			l.points = false
		}
	}
	for k := range e.layers {
		e.order = append(e.order, k)
	}
	sort.Strings(e.order)
	var areaItems []geo.Item[int32]
	for n, k := range e.order {
		l := e.layers[k]
		l.num = int32(n)
		items := make([]geo.Item[int32], len(l.ids))
		for j, id := range l.ids {
			e.featLayer[id] = l.num
			items[j] = geo.Item[int32]{Geometry: features[id].Geometry, Value: id}
		}
		l.index = geo.NewIndex(items)
		if l.points {
			pts := make([]orb.Point, len(l.ids))
			for j, id := range l.ids {
				pts[j] = features[id].Geometry.(orb.Point)
			}
			l.grid = newPointGrid(pts, l.ids, 0.5)
		} else {
			areaItems = append(areaItems, items...)
		}
	}
	e.area = geo.NewIndex(areaItems)
	e.geoms = make([]orb.Geometry, len(features))
	areaIDs := make([]int32, 0, len(areaItems))
	for i, f := range features {
		e.geoms[i] = f.Geometry
	}
	for _, it := range areaItems {
		areaIDs = append(areaIDs, it.Value)
	}
	slices.Sort(areaIDs)
	e.areaGrid = newBoxGrid(areaIDs, e.geoms, 0, 0, 0)
	e.nearGrids = map[nearKey]*boxGrid{}
	return e
}

// HasLayer reports whether features of the layer kind are loaded.
func (e *Engine) HasLayer(kind string) bool { return e.layers[kind] != nil }

// Layers returns the loaded layer kinds, sorted.
func (e *Engine) Layers() []string { return append([]string(nil), e.order...) }

const defaultMaxDistance = 25000.0

// lookups are the spatial queries needed per site, shared by all profiles
// scored together.
type lookups struct {
	nearest []nearestSpec
	counts  []countSpec
	zones   []zoneSpec
	nTexts  int // text caches (categorical criteria, text knock-outs)
}

type nearestSpec struct {
	l       *layer
	maxDist float64
	grid    *boxGrid // line/polygon layers: per-cell candidates (nil: R-tree)
}

type countSpec struct {
	ls     []*layer
	key    string
	radius float64
}

type zoneSpec struct {
	l      *layer
	buffer float64
}

func (e *Engine) nearestSlot(lk *lookups, l *layer, maxDist float64) int {
	for i, s := range lk.nearest {
		if s.l == l && s.maxDist == maxDist {
			return i
		}
	}
	ns := nearestSpec{l: l, maxDist: maxDist}
	if !l.points {
		ns.grid = e.nearGrid(l, maxDist)
	}
	lk.nearest = append(lk.nearest, ns)
	return len(lk.nearest) - 1
}

// nearGrid returns the cached boxGrid for the nearest line/polygon of
// layer l within maxDist (nil: use the R-tree).
func (e *Engine) nearGrid(l *layer, maxDist float64) *boxGrid {
	e.nearMu.Lock()
	defer e.nearMu.Unlock()
	k := nearKey{l.num, maxDist}
	if g, ok := e.nearGrids[k]; ok {
		return g
	}
	// Cells of half the search radius (at least 50 m); lists longer than 32
	// features on average are left to the tree walk.
	g := newBoxGrid(l.ids, e.geoms, maxDist, max(maxDist/2, 50), 32)
	e.nearGrids[k] = g
	return g
}

func (lk *lookups) countSlot(ls []*layer, key string, radius float64) int {
	for i, s := range lk.counts {
		if s.key == key && s.radius == radius {
			return i
		}
	}
	lk.counts = append(lk.counts, countSpec{ls, key, radius})
	return len(lk.counts) - 1
}

func (lk *lookups) zoneSlot(l *layer, buffer float64) int {
	for i, s := range lk.zones {
		if s.l == l && s.buffer == buffer {
			return i
		}
	}
	lk.zones = append(lk.zones, zoneSpec{l, buffer})
	return len(lk.zones) - 1
}

type ordered struct {
	key uint64
	idx int32
	// mask: bit k is set when profile k applies to the site (compact
	// path; profiles from 32 on always compute). Fills the padding.
	mask uint32
	p    orb.Point
}

// hilbertOrder returns the sites' representative points sorted along the
// Hilbert curve (ties by input index, so the order is deterministic).
func (e *Engine) hilbertOrder(sites []store.Site, workers int) []ordered {
	order := make([]ordered, len(sites))
	var wg sync.WaitGroup
	per := (len(sites) + workers - 1) / max(workers, 1)
	for w := 0; w < workers; w++ {
		lo, hi := w*per, min((w+1)*per, len(sites))
		if lo >= hi {
			break
		}
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				p := sitePoint(&sites[i])
				order[i] = ordered{key: hilbertKey(p), idx: int32(i), p: p}
			}
		}(lo, hi)
	}
	wg.Wait()
	return radixByKey(order, nil)
}

// sitePoint is the point used for every spatial lookup of a site: the point
// itself, or the centroid of a polygon (judgement: plots and buildings are
// small against the distances measured; a zone is counted when it contains
// this point).
func sitePoint(s *store.Site) orb.Point {
	switch g := s.Geometry.(type) {
	case nil:
		return orb.Point{math.NaN(), math.NaN()}
	case orb.Point:
		return g
	default:
		return geo.Centroid(g)
	}
}

// RankInRegion sets rank_in_region on results of one use: per
// centrumgemeente, eligible results by score descending, ties by site id.
// Ineligible results and results without centrumgemeente get 0.
func RankInRegion(results []Result) {
	groups := map[string][]int32{}
	for i := range results {
		results[i].RankInRegion = 0
		if r := &results[i]; r.Eligible && r.Centrumgemeente != "" {
			groups[r.Centrumgemeente] = append(groups[r.Centrumgemeente], int32(i))
		}
	}
	for _, idx := range groups {
		slices.SortFunc(idx, func(a, b int32) int {
			ra, rb := &results[a], &results[b]
			if ra.Score != rb.Score {
				if ra.Score > rb.Score {
					return -1
				}
				return 1
			}
			return strings.Compare(ra.SiteID, rb.SiteID)
		})
		for rank, i := range idx {
			results[i].RankInRegion = rank + 1
		}
	}
}
