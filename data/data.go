// Package data embeds the open data plekwijzer ships with: the municipalities
// (CBS / Kadaster via PDOK, gebiedsindelingen 2022 with 2023 herindelingen,
// CC BY 4.0), the provinces, the 43 centrumgemeenten and the table that
// assigns each municipality to its centrumgemeente region. PROVENANCE.md in
// this folder gives sources, licences and the confidence of each assignment.
//
// Credit: "Bron: CBS / Kadaster (PDOK), Gebiedsindelingen 2022 en 2024,
// CC BY 4.0; bewerking: plekwijzer."
//
// Users replace the region table with their own file through
// `plekwijzer import regios FILE`; nothing here is hard-coded elsewhere.
package data

import "embed"

// Files holds the embedded data files by name: gemeenten.geojson,
// provincies.geojson, regios.geojson, regios.csv, centrumgemeenten.csv and
// PROVENANCE.md.
//
//go:embed gemeenten.geojson provincies.geojson regios.geojson regios.csv centrumgemeenten.csv PROVENANCE.md
var Files embed.FS

// Credit is the attribution line to show wherever the data is shown.
const Credit = "Bron: CBS / Kadaster (PDOK), Gebiedsindelingen 2022 en 2024, CC BY 4.0; bewerking: plekwijzer."
