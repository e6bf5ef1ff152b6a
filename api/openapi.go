package api

import (
	"net/url"

	"github.com/labstack/echo/v4"
)

type obj = map[string]any

func ref(name string) obj { return obj{"$ref": "#/components/parameters/" + name} }

func jsonContent(media string, schema obj) obj {
	return obj{media: obj{"schema": schema}}
}

// openAPI builds the self-contained OpenAPI 3.0 document of the server,
// with one items path per collection that declares its queryables as
// query parameters (GDAL reads these for attribute filters).
func (s *Server) openAPI(base string, cols []Collection) obj {
	crsEnum := crsURIs()
	crsEnum = append(crsEnum, "EPSG:4326", "EPSG:28992", "OGC:CRS84")
	params := obj{
		"f": obj{"name": "f", "in": "query", "required": false, "style": "form", "explode": false,
			"description": "Output format; overrides the Accept header. csv and gpkg hold the whole selection unless limit is given.",
			"schema":      obj{"type": "string", "enum": []string{"json", "html", "csv", "gpkg"}}},
		"collectionId": obj{"name": "collectionId", "in": "path", "required": true, "description": "collection id", "schema": obj{"type": "string"}},
		"featureId":    obj{"name": "featureId", "in": "path", "required": true, "description": "feature id", "schema": obj{"type": "string"}},
		"limit": obj{"name": "limit", "in": "query", "required": false, "style": "form", "explode": false,
			"description": "Number of features per page. Values above the maximum are clamped to it.",
			"schema":      obj{"type": "integer", "minimum": 1, "maximum": s.cfg.MaxLimit, "default": s.cfg.DefaultLimit}},
		"offset": obj{"name": "offset", "in": "query", "required": false, "style": "form", "explode": false,
			"description": "Number of matching features to skip (paging; follow the next and prev links).",
			"schema":      obj{"type": "integer", "minimum": 0, "default": 0}},
		"bbox": obj{"name": "bbox", "in": "query", "required": false, "style": "form", "explode": false,
			"description": "Only features intersecting this box: minx,miny,maxx,maxy in the axis order of bbox-crs (CRS84: minlon,minlat,maxlon,maxlat).",
			"schema":      obj{"type": "array", "minItems": 4, "maxItems": 6, "items": obj{"type": "number"}}},
		"bbox-crs": obj{"name": "bbox-crs", "in": "query", "required": false, "style": "form", "explode": false,
			"description": "CRS of bbox, default CRS84.", "schema": obj{"type": "string", "format": "uri", "enum": crsEnum}},
		"crs": obj{"name": "crs", "in": "query", "required": false, "style": "form", "explode": false,
			"description": "CRS of the returned geometries, default CRS84. EPSG:4326 uses lat/lon axis order; EPSG:28992 is RD New in metres.",
			"schema":      obj{"type": "string", "format": "uri", "enum": crsEnum}},
		"sortby": obj{"name": "sortby", "in": "query", "required": false, "style": "form", "explode": false,
			"description": "Comma separated queryable names, prefix - for descending, e.g. -score,naam.",
			"schema":      obj{"type": "array", "items": obj{"type": "string"}}},
		"filter": obj{"name": "filter", "in": "query", "required": false,
			"description": "CQL2 text filter: comparisons, AND/OR/NOT, IS NULL, LIKE, IN, BETWEEN and S_INTERSECTS(geometry, BBOX(...)|POINT(...)|POLYGON(...)).",
			"schema":      obj{"type": "string"}},
		"filter-lang": obj{"name": "filter-lang", "in": "query", "required": false,
			"description": "Language of filter.", "schema": obj{"type": "string", "enum": []string{"cql2-text", "cql-text"}, "default": "cql2-text"}},
		"filter-crs": obj{"name": "filter-crs", "in": "query", "required": false,
			"description": "CRS of geometry literals in filter, default CRS84.", "schema": obj{"type": "string", "format": "uri", "enum": crsEnum}},
		"decimal": obj{"name": "decimal", "in": "query", "required": false,
			"description": "Decimal separator of numbers in CSV output: point (default) or comma (Dutch Excel).",
			"schema":      obj{"type": "string", "enum": []string{"point", "comma"}, "default": "point"}},
	}
	problem := obj{"description": "Problem (RFC 9457) naming the wrong parameter", "content": jsonContent(contentTypeProblem, obj{"$ref": "#/components/schemas/problem"})}
	simple := func(summary, id, media string) obj {
		return obj{"get": obj{"summary": summary, "operationId": id, "parameters": []any{ref("f")},
			"responses": obj{"200": obj{"description": summary, "content": obj{media: obj{"schema": obj{"type": "object"}}, mediaHTML: obj{"schema": obj{"type": "string"}}}},
				"400": problem}}}
	}
	itemsOp := func(id string, extra []any) obj {
		ps := []any{ref("f"), ref("limit"), ref("offset"), ref("bbox"), ref("bbox-crs"), ref("crs"), ref("sortby"), ref("filter"), ref("filter-lang"), ref("filter-crs"), ref("decimal")}
		ps = append(ps, extra...)
		return obj{"get": obj{"summary": "features", "operationId": id, "parameters": ps,
			"responses": obj{
				"200": obj{"description": "a page of features; follow the next link for more",
					"headers": obj{"Content-Crs": obj{"description": "CRS of the geometries", "schema": obj{"type": "string"}}},
					"content": obj{mediaGeoJSON: obj{"schema": obj{"$ref": "#/components/schemas/featureCollection"}},
						mediaHTML: obj{"schema": obj{"type": "string"}}, mediaCSV: obj{"schema": obj{"type": "string"}},
						mediaGPKG: obj{"schema": obj{"type": "string", "format": "binary"}}}},
				"400": problem, "404": problem}}}
	}
	paths := obj{
		"/":            simple("landing page", "getLandingPage", mediaJSON),
		"/conformance": simple("conformance classes", "getConformance", mediaJSON),
		"/api": obj{"get": obj{"summary": "this API definition", "operationId": "getAPI", "parameters": []any{ref("f")},
			"responses": obj{"200": obj{"description": "OpenAPI 3.0", "content": obj{mediaOpenAPI: obj{"schema": obj{"type": "object"}}}}}}},
		"/collections": simple("feature collections", "getCollections", mediaJSON),
		"/collections/{collectionId}": obj{"get": obj{"summary": "one collection", "operationId": "describeCollection",
			"parameters": []any{ref("collectionId"), ref("f")},
			"responses":  obj{"200": obj{"description": "the collection", "content": jsonContent(mediaJSON, obj{"type": "object"})}, "404": problem}}},
		"/collections/{collectionId}/queryables": obj{"get": obj{"summary": "queryable properties (JSON Schema)", "operationId": "getQueryables",
			"parameters": []any{ref("collectionId"), ref("f")},
			"responses":  obj{"200": obj{"description": "JSON Schema", "content": jsonContent(mediaSchema, obj{"type": "object"})}, "404": problem}}},
		"/collections/{collectionId}/items": func() obj {
			o := itemsOp("getFeatures", nil)
			g := o["get"].(obj)
			g["parameters"] = append([]any{ref("collectionId")}, g["parameters"].([]any)...)
			return o
		}(),
		"/collections/{collectionId}/items/{featureId}": obj{"get": obj{"summary": "one feature", "operationId": "getFeature",
			"parameters": []any{ref("collectionId"), ref("featureId"), ref("f"), ref("crs")},
			"responses": obj{"200": obj{"description": "the feature", "content": jsonContent(mediaGeoJSON, obj{"type": "object"})},
				"400": problem, "404": problem}}},
		"/kaart": obj{"get": obj{"summary": "web map of the candidates and regions, for advisers", "operationId": "getMap",
			"responses": obj{"200": obj{"description": "HTML page", "content": obj{mediaHTML: obj{"schema": obj{"type": "string"}}}}}}},
		"/healthz": obj{"get": obj{"summary": "liveness", "operationId": "healthz", "responses": obj{"200": obj{"description": "alive"}}}},
		"/readyz":  obj{"get": obj{"summary": "readiness", "operationId": "readyz", "responses": obj{"200": obj{"description": "ready"}, "503": problem}}},
		"/metrics": obj{"get": obj{"summary": "Prometheus metrics", "operationId": "metrics", "responses": obj{"200": obj{"description": "metrics in text format"}}}},
	}
	for k, v := range s.paths {
		paths[k] = v
	}
	for _, col := range cols {
		var extra []any
		for _, p := range col.Properties {
			switch p.Name {
			case "f", "limit", "offset", "bbox", "bbox-crs", "crs", "sortby", "filter", "filter-lang", "filter-crs", "decimal":
				continue
			}
			sc := propertySchema(p)
			delete(sc, "title")
			extra = append(extra, obj{"name": p.Name, "in": "query", "required": false, "style": "form", "explode": false,
				"description": "Only features whose " + p.Name + " equals this value.", "schema": sc})
		}
		paths["/collections/"+url.PathEscape(col.ID)+"/items"] = itemsOp("getFeatures_"+col.ID, extra)
	}
	return obj{
		"openapi": "3.0.3",
		"info":    obj{"title": s.cfg.Title, "description": s.cfg.Description, "version": "1.0.0"},
		"servers": []any{obj{"url": base}},
		"paths":   paths,
		"components": obj{
			"securitySchemes": obj{"bearer": obj{"type": "http", "scheme": "bearer"}},
			"parameters":      params,
			"schemas": obj{
				"problem": obj{"type": "object", "properties": obj{
					"type": obj{"type": "string"}, "title": obj{"type": "string"}, "status": obj{"type": "integer"},
					"detail": obj{"type": "string"}, "instance": obj{"type": "string"}, "parameter": obj{"type": "string"}}},
				"featureCollection": obj{"type": "object", "required": []string{"type", "features"}, "properties": obj{
					"type": obj{"type": "string", "enum": []string{"FeatureCollection"}}, "features": obj{"type": "array", "items": obj{"type": "object"}},
					"links": obj{"type": "array", "items": obj{"type": "object"}}, "numberMatched": obj{"type": "integer", "minimum": 0},
					"numberReturned": obj{"type": "integer", "minimum": 0}, "timeStamp": obj{"type": "string", "format": "date-time"}}},
			},
		},
	}
}

// handleOpenAPI serves /api.
func (s *Server) handleOpenAPI(c echo.Context) error {
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
	doc := s.openAPI(s.baseURL(c), cols)
	if format == formatHTML {
		return s.renderHTML(c, "api", "API", doc)
	}
	return sendJSON(c, mediaOpenAPI, doc)
}
