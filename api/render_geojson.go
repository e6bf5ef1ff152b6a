package api

import (
	"net/url"

	"github.com/labstack/echo/v4"
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

type featureCollectionJSON struct {
	Type           string        `json:"type"`
	Features       []featureJSON `json:"features"`
	Links          []Link        `json:"links"`
	NumberMatched  int           `json:"numberMatched"`
	NumberReturned int           `json:"numberReturned"`
	TimeStamp      string        `json:"timeStamp"`
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

// renderFeatureCollection writes a page as a GeoJSON FeatureCollection.
func renderFeatureCollection(c echo.Context, pg page) error {
	fc := featureCollectionJSON{
		Type: "FeatureCollection", Features: make([]featureJSON, len(pg.features)),
		Links: pageLinks(pg), NumberMatched: pg.numberMatched, NumberReturned: len(pg.features),
		TimeStamp: pg.timeStamp.Format("2006-01-02T15:04:05Z"),
	}
	for i, f := range pg.features {
		fc.Features[i] = toFeatureJSON(f, pg.crs)
	}
	return sendJSON(c, mediaGeoJSON, fc)
}

func itemURL(base, collection, id string) string {
	return base + "/collections/" + url.PathEscape(collection) + "/items/" + url.PathEscape(id)
}
