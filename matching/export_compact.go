package matching

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/paulmach/orb/geojson"

	"github.com/plekwijzer/plekwijzer/store"
)

// exportChunk is the number of entries explained at a time by the compact
// writers: memory stays bounded by it, not by the number of sites.
const exportChunk = 4096

// ExportOrder returns the entry indexes of s in export order, the order
// Ranked gives their results: per centrumgemeente (sites without one
// last), eligible sites by rank_in_region, then the ineligible ones by
// score descending; ties by site id. With code set, only the entries of
// that centrumgemeente.
func (s *CompactSet) ExportOrder(code string) []int {
	// Regions by code, "" last.
	pos := make([]int32, len(s.Regions))
	byCode := make([]int, len(s.Regions))
	for g := range byCode {
		byCode[g] = g
	}
	slices.SortFunc(byCode, func(a, b int) int {
		ca, cb := s.Regions[a], s.Regions[b]
		if (ca == "") != (cb == "") {
			if ca == "" {
				return 1
			}
			return -1
		}
		return strings.Compare(ca, cb)
	})
	for p, g := range byCode {
		pos[g] = int32(p)
	}
	var out []int
	for i := range s.Entries {
		if code == "" || s.Regions[s.Entries[i].Region] == code {
			out = append(out, i)
		}
	}
	sites := s.r.sites
	slices.SortFunc(out, func(a, b int) int {
		ea, eb := &s.Entries[a], &s.Entries[b]
		if c := cmp.Compare(pos[ea.Region], pos[eb.Region]); c != 0 {
			return c
		}
		if (ea.Rank > 0) != (eb.Rank > 0) {
			if ea.Rank > 0 {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(ea.Rank, eb.Rank); c != 0 {
			return c
		}
		if ea.Score != eb.Score {
			if ea.Score > eb.Score {
				return -1
			}
			return 1
		}
		if s.r.idsAscending {
			return cmp.Compare(ea.Site, eb.Site)
		}
		return strings.Compare(sites[ea.Site].ID, sites[eb.Site].ID)
	})
	return out
}

// explainChunks calls fn with the explained results of entries, in order,
// exportChunk at a time, and with their business cases when p is set.
func (s *CompactSet) explainChunks(ctx context.Context, entries []int, chunk int, p *BusinessCaseParams, fn func(rs []Result, bcs []BusinessCaseResult) error) error {
	for lo := 0; lo < len(entries); lo += chunk {
		if err := ctx.Err(); err != nil {
			return err
		}
		rs := s.Explain(entries[lo:min(lo+chunk, len(entries))])
		bcs, err := businessCases(rs, p)
		if err != nil {
			return err
		}
		if err := fn(rs, bcs); err != nil {
			return err
		}
	}
	return nil
}

func (s *CompactSet) site(entry int) *store.Site { return &s.r.sites[s.Entries[entry].Site] }

// WriteCSVCompact writes what WriteCSVWith writes for the results of the
// given entries of s (in that order, e.g. ExportOrder's), explaining them
// a chunk at a time while writing.
func WriteCSVCompact(ctx context.Context, w io.Writer, s *CompactSet, entries []int, opt ExportOptions) error {
	return writeCSVCompact(ctx, w, s, entries, opt, exportChunk)
}

func writeCSVCompact(ctx context.Context, w io.Writer, s *CompactSet, entries []int, opt ExportOptions, chunk int) error {
	if opt.BusinessCase != nil {
		if err := opt.BusinessCase.Validate(); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	if _, err := bw.WriteString("\ufeff"); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	// Every explained result lists the profile's criteria in profile order.
	var names []string
	if len(entries) > 0 {
		for i := range s.cp.crit {
			names = append(names, s.cp.crit[i].c.Name)
		}
	}
	cw := newCSVWriter(bw)
	header := csvHeader(names, opt.BusinessCase != nil)
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	row := make([]string, len(header))
	n := 0
	err := s.explainChunks(ctx, entries, chunk, opt.BusinessCase, func(rs []Result, bcs []BusinessCaseResult) error {
		for i := range rs {
			var bc *BusinessCaseResult
			if bcs != nil {
				bc = &bcs[i]
			}
			row = appendCSVRow(row[:0], &rs[i], s.site(entries[n]), names, bc)
			n++
			if err := cw.Write(row); err != nil {
				return err
			}
		}
		return cw.Error()
	})
	if err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// WriteGeoJSONCompact writes what WriteGeoJSONWith writes for the results
// of the given entries of s (in that order), explaining and encoding them
// a chunk at a time while writing.
func WriteGeoJSONCompact(ctx context.Context, w io.Writer, s *CompactSet, entries []int, opt ExportOptions) error {
	return writeGeoJSONCompact(ctx, w, s, entries, opt, exportChunk)
}

func writeGeoJSONCompact(ctx context.Context, w io.Writer, s *CompactSet, entries []int, opt ExportOptions, chunk int) error {
	if opt.BusinessCase != nil {
		if err := opt.BusinessCase.Validate(); err != nil {
			return fmt.Errorf("write geojson: %w", err)
		}
	}
	// The collection is written as json.Marshal writes it: the encoding of
	// an empty collection, with the features of every chunk, encoded the
	// same way, spliced in between its brackets.
	empty, err := json.Marshal(geojson.NewFeatureCollection())
	if err != nil {
		return fmt.Errorf("write geojson: %w", err)
	}
	open := bytes.Index(empty, []byte(`"features":[]`))
	if open < 0 {
		return fmt.Errorf("write geojson: unexpected encoding of a feature collection: %s", empty)
	}
	open += len(`"features":[`)
	prefix, suffix := empty[:open], empty[open:]
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.Write(prefix)
	n := 0
	first := true
	err = s.explainChunks(ctx, entries, chunk, opt.BusinessCase, func(rs []Result, bcs []BusinessCaseResult) error {
		fc := geojson.NewFeatureCollection()
		for i := range rs {
			var bc *BusinessCaseResult
			if bcs != nil {
				bc = &bcs[i]
			}
			fc.Append(geojsonFeature(&rs[i], s.site(entries[n]), bc))
			n++
		}
		b, err := json.Marshal(fc)
		if err != nil {
			return err
		}
		if !bytes.HasPrefix(b, prefix) || !bytes.HasSuffix(b, suffix) {
			return fmt.Errorf("unexpected encoding of a feature collection")
		}
		if !first {
			bw.WriteByte(',')
		}
		first = false
		_, err = bw.Write(b[len(prefix) : len(b)-len(suffix)])
		return err
	})
	if err != nil {
		return fmt.Errorf("write geojson: %w", err)
	}
	bw.Write(suffix)
	bw.WriteByte('\n')
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write geojson: %w", err)
	}
	return nil
}
