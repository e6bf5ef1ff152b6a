package matching

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// rankKey orders the entries of one region for CompactSet.rank.
type rankKey struct {
	score float64
	site  int32
	ent   int32
}

// rank sets Entry.Rank: per region, eligible entries by score descending,
// ties by site id (as RankInRegion). Regions are sorted in parallel.
func (s *CompactSet) rank() {
	nr := len(s.Regions)
	start := make([]int32, nr+1)
	for i := range s.Entries {
		en := &s.Entries[i]
		en.Rank = 0
		if en.Eligible && en.Region != 0 {
			start[en.Region+1]++
		}
	}
	for g := 1; g <= nr; g++ {
		start[g] += start[g-1]
	}
	keys := make([]rankKey, start[nr])
	fill := append([]int32(nil), start[:nr]...)
	for i := range s.Entries {
		en := &s.Entries[i]
		if en.Eligible && en.Region != 0 {
			keys[fill[en.Region]] = rankKey{en.Score, en.Site, int32(i)}
			fill[en.Region]++
		}
	}
	sites := s.r.sites
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < min(s.r.workers, nr); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var tmp []rankKey
			for {
				g := int(next.Add(1)) - 1
				if g >= nr {
					return
				}
				ks := keys[start[g]:start[g+1]]
				// Keys are filled in entry order, i.e. by ascending input
				// index: with ids ascending in input order a stable sort by
				// score alone gives (score desc, site id asc).
				if s.r.idsAscending {
					if cap(tmp) < len(ks) {
						tmp = make([]rankKey, len(ks))
					}
					if radixRankKeys(ks, tmp[:len(ks)]) {
						for rank, k := range ks {
							s.Entries[k.ent].Rank = int32(rank + 1)
						}
						continue
					}
				}
				// Cheap keys first (score, then input index), then the runs
				// of equal scores by site id: ids are read only for ties.
				slices.SortFunc(ks, func(a, b rankKey) int {
					if a.score != b.score {
						if a.score > b.score {
							return -1
						}
						return 1
					}
					return cmp.Compare(a.site, b.site)
				})
				for lo := 0; lo < len(ks) && !s.r.idsAscending; {
					hi := lo + 1
					for hi < len(ks) && ks[hi].score == ks[lo].score {
						hi++
					}
					if hi-lo > 1 {
						slices.SortStableFunc(ks[lo:hi], func(a, b rankKey) int {
							return strings.Compare(sites[a.site].ID, sites[b.site].ID)
						})
					}
					lo = hi
				}
				for rank, k := range ks {
					s.Entries[k.ent].Rank = int32(rank + 1)
				}
			}
		}()
	}
	wg.Wait()
}

// radixRankKeys sorts ks by score descending, stable (equal scores keep
// their order): an LSD radix sort on the bits of the scores, 8 bits per
// pass, skipping digits all keys share. tmp is scratch of len(ks). It
// reports false and leaves ks unsorted when a score is negative or NaN
// (the bit order then differs from the numeric order).
func radixRankKeys(ks, tmp []rankKey) bool {
	for i := range ks {
		if !(ks[i].score >= 0) {
			return false
		}
	}
	// Descending score = ascending complement of the bits of a
	// non-negative float64 (-0 is mapped to +0).
	bits := func(x float64) uint64 {
		if x == 0 {
			return ^uint64(0)
		}
		return ^math.Float64bits(x)
	}
	src, dst := ks, tmp
	var count [256]int
	for shift := uint(0); shift < 64 && len(ks) > 1; shift += 8 {
		clear(count[:])
		for i := range src {
			count[(bits(src[i].score)>>shift)&0xff]++
		}
		if count[(bits(src[0].score)>>shift)&0xff] == len(src) {
			continue
		}
		sum := 0
		for b := range count {
			count[b], sum = sum, sum+count[b]
		}
		for i := range src {
			b := (bits(src[i].score) >> shift) & 0xff
			dst[count[b]] = src[i]
			count[b]++
		}
		src, dst = dst, src
	}
	if len(ks) > 0 && &src[0] != &ks[0] {
		copy(ks, src)
	}
	return true
}
