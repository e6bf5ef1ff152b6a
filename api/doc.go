// Package api serves plekwijzer's data as OGC API - Features (Parts 1, 2
// and 3) over echo v4, so QGIS, ArcGIS and GDAL connect as they are.
//
// The server reads from a Catalog: a small interface with an in-memory
// implementation (MemoryCatalog) whose snapshot can be swapped atomically
// after a new import or scoring run. Geometries are stored in RD New
// (EPSG:28992) and served as CRS84 by default, or as EPSG:4326 (lat/lon
// axis order) or EPSG:28992 on request (crs parameter, Content-Crs header).
//
// Endpoints: / (landing page), /conformance, /api (OpenAPI 3.0),
// /collections, /collections/{collectionId},
// /collections/{collectionId}/items, /collections/{collectionId}/items/{featureId},
// /collections/{collectionId}/queryables, /healthz, /readyz and /metrics.
// Items come as GeoJSON (f=json), HTML (f=html), CSV for Excel (f=csv,
// decimal=comma) and GeoPackage (f=gpkg). Filters: bbox, bbox-crs,
// property=value for every queryable, sortby, and filter in CQL2 text
// (package api/cql2) with filter-lang and filter-crs.
//
// Errors are RFC 9457 application/problem+json documents that name the
// offending parameter. Reads are open unless Config.ProtectReads is set;
// every other method needs the bearer token from Config.Token.
//
//	srv, err := api.New(api.NewMemoryCatalog(layers...), api.Config{Addr: ":8080", Token: tok})
//	srv.Echo().POST("/imports", handler) // extra routes share middleware and auth
//	err = srv.Run(ctx)                   // returns after a graceful shutdown when ctx ends
package api
