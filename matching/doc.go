// Package matching scores vacant sites (gebouwen and kavels) for two uses,
// flexwoningen on a plot and transformatie of a building into homes, and
// explains every score.
//
// The model follows criteria.md §9 (pattern of ESRI Business Analyst
// Suitability): a profile lists knock-outs and weighted criteria. Each
// criterion turns a measured value (a distance, an area, a category) into a
// subscore 0-100 through a value function (piecewise linear, step, boolean
// or categorical). The site score is
//
//	score = Σ weight_i × normalised_i / Σ weight_j (j: criteria with data)
//
// so a criterion without data (no layer loaded, or the site lacks the
// attribute) is dropped, flagged with missing=true, and the other weights are
// renormalised. Every result lists each criterion's value, unit, normalised
// subscore, effective weight (renormalised to sum to 100) and contribution
// (weight × normalised / 100); the contributions sum to the score.
// Knock-outs make a site ineligible but keep it visible with the reason,
// naming the zone (layer and feature name) that knocked it out.
//
// An Engine is built once from the context layers ([]store.Feature) and holds
// the spatial indexes: geo R-trees (the reference) and, as fast paths, a
// uniform grid in compressed-row layout for point layers (OV stops,
// supermarkets, huisartsen, ...) and per-cell candidate lists (boxGrid) for
// zone containment and for the nearest line/polygon within a profile's
// max_distance; tests check the fast paths against the R-trees. Engine.Score sorts the sites along a Hilbert curve
// over RD New before splitting them into chunks for GOMAXPROCS workers, so
// consecutive lookups touch the same index pages (and the previous site's
// nearest feature bounds the next search), and computes every spatial
// lookup once per site for all profiles scored together.
//
// Engine.ScoreCompact is the allocation-light path for large inputs: it
// returns per profile a CompactSet of pointer-free Entry values (score,
// eligible, knock-out count, capacity, region, rank) and builds no
// explanation rows or knock-out texts. It makes three passes: points and
// Hilbert keys in input order (then a radix sort); the spatial lookups and
// spatial criteria of all profiles in Hilbert order, written sequentially
// as one record per site; the site-only criteria in input order, combined
// with each site's record into the entries. Its scratch buffers are kept
// on the Engine between calls. CompactSet.Explain (e.g. for CompactSet.Top) and CompactSet.Full
// build the explained Results afterwards; they are identical to Score's,
// which is one pass of the same code with the explanation switched on. The package does
// not touch a database: it takes sites, features, region members and a
// demand table and returns results; the same input gives the same output
// (ties are broken by site id).
//
// Capacity formulas (capacity.go), the per-centrumgemeente summary with
// demand from a replaceable table (region.go, demand.go), the portfolio
// selection (portfolio.go) and the weight-sensitivity analysis
// (sensitivity.go) build on the scored results. WriteCSV and WriteGeoJSON
// export ranked candidates with all output fields.
//
// Sources: every default in profiles/*.yaml carries a source: field citing
// criteria.md, and judgement calls are marked judgement: true.
package matching
