package api

import (
	"net/url"

	"github.com/labstack/echo/v4"
	"github.com/plekwijzer/plekwijzer/geo"
)

type extentJSON struct {
	Spatial spatialExtentJSON `json:"spatial"`
}

type spatialExtentJSON struct {
	BBox [][]float64 `json:"bbox"`
	CRS  string      `json:"crs"`
	// StorageCRSBBox is the extent in the storage CRS (Part 2).
	StorageCRSBBox [][]float64 `json:"storageCrsBbox,omitempty"`
}

type collectionJSON struct {
	ID          string      `json:"id"`
	Title       string      `json:"title"`
	Description string      `json:"description,omitempty"`
	Keywords    []string    `json:"keywords,omitempty"`
	Links       []Link      `json:"links"`
	Extent      *extentJSON `json:"extent,omitempty"`
	ItemType    string      `json:"itemType"`
	CRS         []string    `json:"crs"`
	StorageCRS  string      `json:"storageCrs"`
}

type collectionsJSON struct {
	Links       []Link           `json:"links"`
	Collections []collectionJSON `json:"collections"`
	CRS         []string         `json:"crs"`
}

func (s *Server) collectionJSON(base string, col Collection) collectionJSON {
	u := base + "/collections/" + url.PathEscape(col.ID)
	cj := collectionJSON{
		ID: col.ID, Title: col.Title, Description: col.Description, Keywords: col.Keywords,
		ItemType: "feature", CRS: crsURIs(), StorageCRS: geo.RDNew.URI(),
		Links: []Link{
			{Href: u + "?f=json", Rel: "self", Type: mediaJSON, Title: "this collection"},
			{Href: u + "?f=html", Rel: "alternate", Type: mediaHTML, Title: "this collection as HTML"},
			{Href: u + "/items?f=json", Rel: "items", Type: mediaGeoJSON, Title: col.Title + " (GeoJSON)"},
			{Href: u + "/items?f=html", Rel: "items", Type: mediaHTML, Title: col.Title + " (HTML)"},
			{Href: u + "/items?f=csv", Rel: "items", Type: mediaCSV, Title: col.Title + " (CSV)"},
			{Href: u + "/items?f=gpkg", Rel: "enclosure", Type: mediaGPKG, Title: col.Title + " (GeoPackage)"},
			{Href: u + "/queryables", Rel: "http://www.opengis.net/def/rel/ogc/1.0/queryables", Type: mediaSchema, Title: "queryable properties"},
		},
	}
	if bb := boundToCRS84(col.Bound); bb != nil {
		b := col.Bound
		cj.Extent = &extentJSON{Spatial: spatialExtentJSON{
			BBox: [][]float64{bb}, CRS: geo.CRS84.URI(),
			StorageCRSBBox: [][]float64{{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}},
		}}
	}
	return cj
}

// handleCollections serves /collections.
func (s *Server) handleCollections(c echo.Context) error {
	if err := checkParams(c, "f"); err != nil {
		return err
	}
	format, err := negotiate(c, formatJSON, formatHTML)
	if err != nil {
		return err
	}
	cols, err := s.cat.Collections(c.Request().Context())
	if err != nil {
		return err
	}
	base := s.baseURL(c)
	v := collectionsJSON{CRS: crsURIs(), Collections: make([]collectionJSON, len(cols)), Links: []Link{
		{Href: base + "/collections?f=json", Rel: "self", Type: mediaJSON, Title: "this document"},
		{Href: base + "/collections?f=html", Rel: "alternate", Type: mediaHTML, Title: "this document as HTML"},
	}}
	for i, col := range cols {
		v.Collections[i] = s.collectionJSON(base, col)
	}
	if format == formatHTML {
		return s.renderHTML(c, "collections", "Collections", v)
	}
	return sendJSON(c, mediaJSON, v)
}

// handleCollection serves /collections/{collectionId}.
func (s *Server) handleCollection(c echo.Context) error {
	if err := checkParams(c, "f"); err != nil {
		return err
	}
	col, err := s.collection(c)
	if err != nil {
		return err
	}
	format, err := negotiate(c, formatJSON, formatHTML)
	if err != nil {
		return err
	}
	v := s.collectionJSON(s.baseURL(c), col)
	if format == formatHTML {
		return s.renderHTML(c, "collection", col.Title, struct {
			collectionJSON
			Properties []Property
		}{v, col.Properties})
	}
	return sendJSON(c, mediaJSON, v)
}
