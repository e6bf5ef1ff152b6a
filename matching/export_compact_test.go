package matching

import (
	"bytes"
	"context"
	"testing"
)

// TestCompactExportEqualsExport checks that the streaming writers write
// byte for byte what WriteCSVWith and WriteGeoJSONWith write for Ranked
// results, with and without business case, per region and for all, with
// chunk sizes that split the output anywhere.
func TestCompactExportEqualsExport(t *testing.T) {
	// Chunks of one and seven sites for a region, larger ones for all.
	chunks := func(code string) []int {
		if code == "" {
			return []int{500, exportChunk}
		}
		return []int{1, 7, exportChunk}
	}
	sites, sets, full := compactAndFull(t)
	ctx := context.Background()
	bc := DefaultBusinessCaseParams()
	for k, set := range sets[:2] {
		for _, code := range []string{"", set.Regions[1], "GM9999"} {
			var results []Result
			for _, r := range full[k].Results {
				if code == "" || r.Centrumgemeente == code {
					results = append(results, r)
				}
			}
			ranked := Ranked(results)
			entries := set.ExportOrder(code)
			if len(entries) != len(ranked) {
				t.Fatalf("%s %q: %d entries, %d results", set.Name, code, len(entries), len(ranked))
			}
			for i, j := range entries {
				if set.SiteID(j) != ranked[i].SiteID {
					t.Fatalf("%s %q: export order differs at %d: %s, Ranked %s", set.Name, code, i, set.SiteID(j), ranked[i].SiteID)
				}
			}
			for _, opt := range []ExportOptions{{}, {BusinessCase: &bc}} {
				var want, got bytes.Buffer
				if err := WriteCSVWith(&want, ranked, sites, opt); err != nil {
					t.Fatal(err)
				}
				for _, chunk := range chunks(code) {
					got.Reset()
					if err := writeCSVCompact(ctx, &got, set, entries, opt, chunk); err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(got.Bytes(), want.Bytes()) {
						t.Fatalf("%s %q chunk %d: CSV differs (%d bytes, want %d)", set.Name, code, chunk, got.Len(), want.Len())
					}
				}
				want.Reset()
				if err := WriteGeoJSONWith(&want, ranked, sites, opt); err != nil {
					t.Fatal(err)
				}
				for _, chunk := range chunks(code) {
					got.Reset()
					if err := writeGeoJSONCompact(ctx, &got, set, entries, opt, chunk); err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(got.Bytes(), want.Bytes()) {
						t.Fatalf("%s %q chunk %d: GeoJSON differs (%d bytes, want %d)", set.Name, code, chunk, got.Len(), want.Len())
					}
				}
			}
		}
	}
}
