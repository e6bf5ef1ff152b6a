#!/bin/sh
# make.sh regenerates the spatial reader fixtures from the hand-written
# sources in src/ with GDAL (ogr2ogr). The outputs are committed: the tests
# do not need GDAL. Re-run from any directory:  sh importers/testdata/spatial/make.sh
#
# Sources (RD New, EPSG:28992, with Z):
#   src/gebouwen_rd.geojson   4 vacant RVB buildings in Utrecht and Den Haag:
#                             a polygon with a courtyard (hole), a multipolygon,
#                             names with accents, a null BOUWJAAR.
#   src/ov_haltes_rd.geojson  5 public transport stops (points with Z).
#   src/gemeenten.csv         a table without geometry.
#
# Outputs:
#   gebouwen_utf8.zip         PolygonZ shapefile in subfolder gebouwen/, UTF-8 (.cpg), .prj
#   gebouwen_cp1252.zip       PolygonZ shapefile, CP1252, no .cpg (DBF language driver 0x57 only)
#   gebouwen_rd.gpkg          GeoPackage, EPSG:28992, 3D multipolygons
#   gebouwen_wgs84.gpkg       GeoPackage, EPSG:4326
#   gebouwen_wgs84.geojson    RFC 7946 GeoJSON (no crs member)
#   gebouwen_rd.geojson       GeoJSON in RD as GDAL writes it (legacy crs member)
#   ov_haltes.gpkg            GeoPackage with 3D points (XYZ)
#   twee_lagen.gpkg           GeoPackage with two feature tables
#   alleen_tabel.gpkg         GeoPackage with only an attributes table
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rm -f gebouwen_utf8.zip gebouwen_cp1252.zip ./*.gpkg gebouwen_wgs84.geojson gebouwen_rd.geojson

src=src/gebouwen_rd.geojson
haltes=src/ov_haltes_rd.geojson

# Shapefile, UTF-8, in a subfolder of the zip.
mkdir -p "$tmp/utf8/gebouwen"
ogr2ogr -f "ESRI Shapefile" -lco SHPT=POLYGONZ -lco ENCODING=UTF-8 \
	"$tmp/utf8/gebouwen/gebouwen_utf8.shp" "$src"
(cd "$tmp/utf8" && zip -q -X -r gebouwen_utf8.zip gebouwen)
mv "$tmp/utf8/gebouwen_utf8.zip" .

# Shapefile, CP1252, the encoding only in the DBF language driver byte (LDID 87 = 0x57).
mkdir -p "$tmp/cp1252"
ogr2ogr -f "ESRI Shapefile" -lco SHPT=POLYGONZ -lco ENCODING=LDID/87 \
	"$tmp/cp1252/gebouwen_cp1252.shp" "$src"
rm -f "$tmp/cp1252/gebouwen_cp1252.cpg"
(cd "$tmp/cp1252" && zip -q -X gebouwen_cp1252.zip gebouwen_cp1252.*)
mv "$tmp/cp1252/gebouwen_cp1252.zip" .

# GeoPackages.
ogr2ogr -f GPKG -nln gebouwen gebouwen_rd.gpkg "$src"
ogr2ogr -f GPKG -nln gebouwen -t_srs EPSG:4326 -dim XY gebouwen_wgs84.gpkg "$src"
ogr2ogr -f GPKG -nln ov_haltes -dim XYZ ov_haltes.gpkg "$haltes"
ogr2ogr -f GPKG -nln gebouwen twee_lagen.gpkg "$src"
ogr2ogr -f GPKG -update -nln ov_haltes twee_lagen.gpkg "$haltes"
ogr2ogr -f GPKG -nln gemeenten alleen_tabel.gpkg src/gemeenten.csv

# GeoJSON.
ogr2ogr -f GeoJSON -t_srs EPSG:4326 -lco RFC7946=YES gebouwen_wgs84.geojson "$src"
ogr2ogr -f GeoJSON gebouwen_rd.geojson "$src"

# Reference coordinates for the tests (first vertex of each feature in the
# EPSG:4326 GeoPackage), printed so they can be pasted into gpkg_test.go.
ogrinfo -q -al gebouwen_wgs84.gpkg | grep -E 'NAAM|POLYGON' | cut -c1-120
