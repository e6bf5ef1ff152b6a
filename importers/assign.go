package importers

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/geo"
	"github.com/plekwijzer/plekwijzer/store"
)

// CoastTolerance is how far (metres) a site may lie outside every gemeente
// and still be assigned to the nearest one: the embedded boundaries are
// generalised (about 1:100 000), so sites on the coast or a border river can
// fall just outside.
const CoastTolerance = 1000.0

// Assigner assigns sites to their gemeente and centrumgemeente. Build it
// once per run with NewAssigner; it is safe for concurrent use.
type Assigner struct {
	index   *geo.Index[store.Gemeente] // for the nearest gemeente
	grid    *areaGrid                  // for the gemeente containing a point
	codes   []string                   // by area index of grid
	centrum map[string]string          // gemeente code -> centrumgemeente code
}

// NewAssigner builds an Assigner over the gemeenten (RD New) and region
// table of the store.
func NewAssigner(ctx context.Context, st *store.Store) (*Assigner, error) {
	gs, err := st.Gemeenten(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading gemeenten: %w", err)
	}
	rs, err := st.Regions(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading regions: %w", err)
	}
	return newAssigner(gs, rs), nil
}

func newAssigner(gs []store.Gemeente, rs []store.RegionMember) *Assigner {
	items := make([]geo.Item[store.Gemeente], 0, len(gs))
	geoms := make([]orb.Geometry, len(gs))
	codes := make([]string, len(gs))
	for i, g := range gs {
		items = append(items, geo.Item[store.Gemeente]{Geometry: g.Geometry, Value: g})
		geoms[i], codes[i] = g.Geometry, g.Code
	}
	a := &Assigner{index: geo.NewIndex(items), grid: newAreaGrid(geoms), codes: codes, centrum: make(map[string]string, len(rs))}
	for _, r := range rs {
		a.centrum[r.Gemeente] = r.Centrumgemeente
	}
	return a
}

// Empty reports whether the Assigner knows no gemeenten.
func (a *Assigner) Empty() bool { return a.index.Len() == 0 }

// Assign returns the gemeente code holding g's representative point (or the
// nearest gemeente within CoastTolerance) and its centrumgemeente. Both are
// "" when no gemeente is found; centrumgemeente alone is "" when the region
// table does not list the gemeente.
func (a *Assigner) Assign(g orb.Geometry) (gemeente, centrumgemeente string) {
	if g == nil {
		return "", ""
	}
	p := representativePoint(g)
	if i := a.grid.containing(p); i >= 0 {
		gemeente = a.codes[i]
	}
	if gemeente == "" {
		a.index.Nearest(p, CoastTolerance, func(it geo.Item[store.Gemeente], _ float64) bool {
			gemeente = it.Value.Code
			return false
		})
	}
	if gemeente == "" {
		return "", ""
	}
	return gemeente, a.centrum[gemeente]
}

// siteMoves assigns every stored site to its gemeente under new boundaries
// gs and returns the sites whose gemeente changes (site id -> new code).
func siteMoves(ctx context.Context, st *store.Store, gs []store.Gemeente) (map[string]string, error) {
	sites, err := st.Sites(ctx, store.SiteFilter{})
	if err != nil {
		return nil, fmt.Errorf("loading sites to place them in the new gemeenten: %w", err)
	}
	a := newAssigner(gs, nil)
	moves := map[string]string{}
	for _, s := range sites {
		if code, _ := a.Assign(s.Geometry); code != s.Gemeente {
			moves[s.ID] = code
		}
	}
	return moves, nil
}
