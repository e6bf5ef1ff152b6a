package geo

import (
	"encoding/binary"
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/paulmach/orb"
)

// fuzzPolygon decodes fuzz bytes into a polygon: every two bytes are a point
// on a small integer grid (so the fuzzer easily finds touching, collinear
// and repeated points), and a 0xff x byte starts a new ring. When wide is
// set, eight bytes per coordinate are read as a float64 instead.
func fuzzPolygon(data []byte, wide bool) orb.Polygon {
	var poly orb.Polygon
	ring := orb.Ring{}
	step := 2
	if wide {
		step = 16
	}
	for len(data) >= step {
		if data[0] == 0xff {
			poly = append(poly, ring)
			ring = orb.Ring{}
			data = data[1:]
			continue
		}
		var p orb.Point
		if wide {
			p = orb.Point{
				math.Float64frombits(binary.LittleEndian.Uint64(data)),
				math.Float64frombits(binary.LittleEndian.Uint64(data[8:])),
			}
		} else {
			p = orb.Point{float64(data[0] % 16), float64(int8(data[1]) % 16)}
		}
		ring = append(ring, p)
		data = data[step:]
	}
	return append(poly, ring)
}

// FuzzRepair checks that Repair never panics, only fails with a
// GeometryError, never modifies its input, and is idempotent: a repaired
// geometry passes Repair again unchanged and without change notes.
func FuzzRepair(f *testing.F) {
	f.Add([]byte{0, 0, 10, 0, 10, 10, 0, 10, 0, 0}, false)
	f.Add([]byte{0, 0, 0, 10, 10, 10, 10, 0}, false)
	f.Add([]byte{0, 0, 10, 0, 10, 10, 0, 10, 0xff, 2, 2, 4, 2, 4, 4, 2, 4, 2, 2}, false)
	f.Add([]byte{0, 0, 2, 2, 2, 0, 0, 2, 0, 0}, false)
	f.Add([]byte{0, 0, 4, 0, 2, 0, 2, 3, 0, 0}, false)
	f.Add([]byte{0, 0, 0, 0, 5, 0, 5, 5, 5, 5, 0xff, 1, 1, 1, 1}, false)
	f.Add(make([]byte, 64), true)
	f.Fuzz(func(t *testing.T, data []byte, wide bool) {
		in := fuzzPolygon(data, wide)
		before := orb.Clone(in).(orb.Polygon)
		out, changes, err := Repair(in)
		if !reflect.DeepEqual(fuzzBits(in), fuzzBits(before)) {
			t.Fatalf("Repair modified its input: %v -> %v", before, in)
		}
		if err != nil {
			var ge *GeometryError
			if !errors.As(err, &ge) || !errors.Is(err, ErrInvalidGeometry) || ge.Reason == "" {
				t.Fatalf("Repair(%v) error %v is not a GeometryError", in, err)
			}
			if out != nil || changes != nil {
				t.Fatalf("Repair(%v) failed but returned %v, %v", in, out, changes)
			}
			return
		}
		again, changes2, err := Repair(out)
		if err != nil {
			t.Fatalf("Repair(%v) = %v (changes %q), which Repair rejects: %v", in, out, changes, err)
		}
		if len(changes2) != 0 || !reflect.DeepEqual(fuzzBits(again), fuzzBits(out)) {
			t.Fatalf("Repair is not idempotent on %v: %v, changes %q", out, again, changes2)
		}
	})
}

// fuzzBits maps a polygon to the bit patterns of its coordinates, so that
// DeepEqual treats NaN like any other value.
func fuzzBits(g orb.Geometry) [][][2]uint64 {
	p, ok := g.(orb.Polygon)
	if !ok {
		return nil
	}
	out := make([][][2]uint64, len(p))
	for i, r := range p {
		out[i] = make([][2]uint64, len(r))
		for j, q := range r {
			out[i][j] = [2]uint64{math.Float64bits(q[0]), math.Float64bits(q[1])}
		}
	}
	return out
}

// FuzzRDRoundTrip checks that RD -> WGS84 -> RD stays within 1 m for every
// point in the RD box, and that the WGS84 result lies in a sane range.
func FuzzRDRoundTrip(f *testing.F) {
	f.Add(0.0, 0.0)
	f.Add(1.0, 1.0)
	f.Add(0.5, 0.5)
	f.Add(0.52, 0.51)
	f.Fuzz(func(t *testing.T, u, v float64) {
		if math.IsNaN(u) || math.IsNaN(v) || math.IsInf(u, 0) || math.IsInf(v, 0) {
			return
		}
		// Fold any finite value into [0, 1].
		u, v = math.Abs(math.Mod(u, 1)), math.Abs(math.Mod(v, 1))
		p := orb.Point{rdMinX + u*(rdMaxX-rdMinX), rdMinY + v*(rdMaxY-rdMinY)}
		ll := RDToWGS84(p)
		if ll[0] < 2 || ll[0] > 9 || ll[1] < 50 || ll[1] > 54.5 {
			t.Fatalf("RDToWGS84(%v) = %v, outside the Netherlands' surroundings", p, ll)
		}
		back := WGS84ToRD(ll)
		if d := math.Hypot(back[0]-p[0], back[1]-p[1]); !(d <= 1) {
			t.Fatalf("RD round trip of %v gives %v, %.3f m off", p, back, d)
		}
		llBack := RDToWGS84(WGS84ToRD(ll))
		if d := metresBetween(ll, llBack); !(d <= 1) {
			t.Fatalf("WGS84 round trip of %v gives %v, %.3f m off", ll, llBack, d)
		}
	})
}
