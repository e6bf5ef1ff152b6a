package api

import (
	"net/url"

	"github.com/paulmach/orb/geojson"
	"github.com/plekwijzer/plekwijzer/geo"
)

type featureJSON struct {
	Type       string            `json:"type"`
	ID         string            `json:"id"`
	Geometry   *geojson.Geometry `json:"geometry"`
	Properties map[string]any    `json:"properties"`
	Links      []Link            `json:"links,omitempty"`
}

// toFeatureJSON converts a feature to GeoJSON in crs (see fromStorage).
func toFeatureJSON(f *Feature, crs geo.CRS) featureJSON {
	fj := featureJSON{Type: "Feature", ID: f.ID, Properties: f.Properties}
	if fj.Properties == nil {
		fj.Properties = map[string]any{}
	}
	if g := fromStorage(f.Geometry, crs); g != nil {
		fj.Geometry = geojson.NewGeometry(g)
	}
	return fj
}

func itemURL(base, collection, id string) string {
	return base + "/collections/" + url.PathEscape(collection) + "/items/" + url.PathEscape(id)
}
