// Package geo holds the geometry toolkit of plekwijzer: coordinate reference
// systems (RD New, WGS 84 and OGC CRS84), conversion between RD New and
// WGS 84, range-based CRS detection for coordinates in the Netherlands,
// validation and repair of geometries, planar measures (distance, area,
// centroid, point-in-polygon) and a generic R-tree index.
//
// Conventions:
//
//   - All geometries are github.com/paulmach/orb values.
//   - RD New points are orb.Point{x, y} in metres.
//   - WGS 84 and CRS84 points are both held as orb.Point{lon, lat}; the
//     latitude-first axis order of EPSG:4326 only matters at the API edge.
//   - Distances, areas and indexes work in the plane, so they are meant for
//     RD New coordinates (metres). Convert with ToRD first.
//
// The RD New <-> WGS 84 conversion uses the approximation formulas of
// Schreutelkamp and Strang van Hees (2001), accurate to well under a metre
// within the Netherlands; it is not RDNAPTRANS™ and must not be used for
// cadastral surveying.
//
// geo imports none of the other plekwijzer packages.
package geo
