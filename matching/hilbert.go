package matching

import (
	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/geo"
)

// RD New box used to map sites onto the Hilbert curve (the Netherlands with
// its territorial sea); points outside are clamped.
const (
	hilbertMinX = -7000.0
	hilbertMinY = 289000.0
	hilbertSpan = 340000.0 // covers y up to 629,000 and x up to 333,000
	hilbertBits = 16
)

// hilbertKey returns the position of p along a Hilbert curve of order 16
// over the RD New box (cells of about 5 m), so that sites close on the
// curve are close on the map.
func hilbertKey(p orb.Point) uint64 {
	const n = 1 << hilbertBits
	fx := (p[0] - hilbertMinX) / hilbertSpan * n
	fy := (p[1] - hilbertMinY) / hilbertSpan * n
	x := clampCell(fx, n)
	y := clampCell(fy, n)
	return uint64(geo.HilbertXY(x, y))
}

func clampCell(f float64, n uint32) uint32 {
	if !(f > 0) { // also NaN
		return 0
	}
	if f >= float64(n) {
		return n - 1
	}
	return uint32(f)
}

// radixByKey sorts order (in input order on entry) by key, ties by input
// index: a stable LSD radix sort on the 32 bits a Hilbert key of order 16
// uses (keys are below 1<<32), 11 bits per pass. It returns the sorted
// slice (order itself or its scratch copy). tmp is the scratch copy when
// len(tmp) >= len(order) (nil: allocated).
func radixByKey(order, tmp []ordered) []ordered {
	const bits, passes = 11, 3
	const buckets = 1 << bits
	if len(order) < 2 {
		return order
	}
	if len(tmp) < len(order) {
		tmp = make([]ordered, len(order))
	}
	src, dst := order, tmp[:len(order)]
	var count [buckets]int
	for pass := 0; pass < passes; pass++ {
		shift := uint(pass * bits)
		clear(count[:])
		for i := range src {
			count[(src[i].key>>shift)&(buckets-1)]++
		}
		if count[(src[0].key>>shift)&(buckets-1)] == len(src) {
			continue // every key has the same digit
		}
		sum := 0
		for b := range count {
			count[b], sum = sum, sum+count[b]
		}
		for i := range src {
			b := (src[i].key >> shift) & (buckets - 1)
			dst[count[b]] = src[i]
			count[b]++
		}
		src, dst = dst, src
	}
	return src
}
