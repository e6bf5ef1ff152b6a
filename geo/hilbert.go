package geo

import "github.com/paulmach/orb"

// hilbertBits is the order of the Hilbert curve: 2^16 cells per axis.
const hilbertBits = 16

// HilbertXY returns the distance along a Hilbert curve of order 16 of the
// cell (x, y), both below 1<<16 (the standard xy2d): cells close on the
// curve are close on the map.
func HilbertXY(x, y uint32) uint32 {
	const n = 1 << hilbertBits
	var d uint32
	for s := uint32(n / 2); s > 0; s /= 2 {
		var rx, ry uint32
		if x&s != 0 {
			rx = 1
		}
		if y&s != 0 {
			ry = 1
		}
		d += s * s * ((3 * rx) ^ ry)
		if ry == 0 {
			if rx == 1 {
				x = n - 1 - x
				y = n - 1 - y
			}
			x, y = y, x
		}
	}
	return d
}

// hilbertOrder sorts ids by the Hilbert key of their box centres within
// ext (ties by id), with an LSD radix sort of 11 bits per pass.
func hilbertOrder(ids []int32, bounds []orb.Bound, ext orb.Bound) []int32 {
	type keyed struct {
		key uint32
		id  int32
	}
	const n = 1 << hilbertBits
	w, h := ext.Max[0]-ext.Min[0], ext.Max[1]-ext.Min[1]
	cell := func(v, lo, span float64) uint32 {
		if !(span > 0) {
			return 0
		}
		f := (v - lo) / span * (n - 1)
		if !(f > 0) {
			return 0
		}
		if f >= n-1 {
			return n - 1
		}
		return uint32(f)
	}
	src := make([]keyed, len(ids))
	for k, i := range ids {
		c := bounds[i].Center()
		src[k] = keyed{HilbertXY(cell(c[0], ext.Min[0], w), cell(c[1], ext.Min[1], h)), i}
	}
	dst := make([]keyed, len(src))
	const bits, buckets = 11, 1 << 11
	var count [buckets]int
	for shift := uint(0); shift < 32; shift += bits {
		clear(count[:])
		for _, e := range src {
			count[(e.key>>shift)&(buckets-1)]++
		}
		sum := 0
		for b := range count {
			count[b], sum = sum, sum+count[b]
		}
		for _, e := range src {
			b := (e.key >> shift) & (buckets - 1)
			dst[count[b]] = e
			count[b]++
		}
		src, dst = dst, src
	}
	for k, e := range src {
		ids[k] = e.id
	}
	return ids
}
