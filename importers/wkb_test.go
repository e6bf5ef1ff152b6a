package importers

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// wkbBuf builds WKB by hand for the tests.
type wkbBuf struct {
	bytes.Buffer
	order binary.ByteOrder
}

func newWKB(big bool) *wkbBuf {
	if big {
		return &wkbBuf{order: binary.BigEndian}
	}
	return &wkbBuf{order: binary.LittleEndian}
}

func (w *wkbBuf) head(typ uint32) *wkbBuf {
	if w.order == binary.BigEndian {
		w.WriteByte(0)
	} else {
		w.WriteByte(1)
	}
	return w.u32(typ)
}

func (w *wkbBuf) u32(v uint32) *wkbBuf {
	b := make([]byte, 4)
	w.order.PutUint32(b, v)
	w.Write(b)
	return w
}

func (w *wkbBuf) f64(vs ...float64) *wkbBuf {
	b := make([]byte, 8)
	for _, v := range vs {
		w.order.PutUint64(b, math.Float64bits(v))
		w.Write(b)
	}
	return w
}

// gpkgBlob wraps WKB in a GeoPackage header with the given envelope code.
func gpkgBlob(flagsExtra byte, env int, wkb []byte) []byte {
	sizes := []int{0, 32, 48, 48, 64}
	b := []byte{'G', 'P', 0, byte(env<<1) | gpkgFlagLittleEndian | flagsExtra}
	b = binary.LittleEndian.AppendUint32(b, 28992)
	if env < len(sizes) {
		b = append(b, make([]byte, sizes[env])...)
	}
	return append(b, wkb...)
}

func TestDecodeWKB(t *testing.T) {
	tests := []struct {
		name string
		wkb  []byte
		want orb.Geometry
		err  string
	}{
		{"point", newWKB(false).head(1).f64(1, 2).Bytes(), orb.Point{1, 2}, ""},
		{"ISO point Z", newWKB(false).head(1001).f64(1, 2, 3).Bytes(), orb.Point{1, 2}, ""},
		{"ISO point M big endian", newWKB(true).head(2001).f64(1, 2, 9).Bytes(), orb.Point{1, 2}, ""},
		{"ISO point ZM", newWKB(false).head(3001).f64(1, 2, 3, 4).Bytes(), orb.Point{1, 2}, ""},
		{"EWKB point Z with SRID", newWKB(true).head(1|ewkbZ|ewkbSRID).u32(28992).f64(7, 8, 9).Bytes(), orb.Point{7, 8}, ""},
		{"empty point", newWKB(false).head(1).f64(math.NaN(), math.NaN()).Bytes(), nil, ""},
		{"linestring Z", newWKB(false).head(1002).u32(2).f64(0, 0, 1, 5, 5, 1).Bytes(), orb.LineString{{0, 0}, {5, 5}}, ""},
		{"polygon ZM with hole",
			newWKB(false).head(3003).u32(2).
				u32(4).f64(0, 0, 1, 1, 10, 0, 1, 1, 0, 10, 1, 1, 0, 0, 1, 1).
				u32(4).f64(1, 1, 1, 1, 2, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1).Bytes(),
			orb.Polygon{{{0, 0}, {10, 0}, {0, 10}, {0, 0}}, {{1, 1}, {2, 1}, {1, 2}, {1, 1}}}, ""},
		{"multipolygon Z, members mixed byte order",
			append(append(newWKB(false).head(1006).u32(2).Bytes(),
				newWKB(true).head(1003).u32(1).u32(4).f64(0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0).Bytes()...),
				newWKB(false).head(1003).u32(1).u32(4).f64(5, 5, 0, 6, 5, 0, 5, 6, 0, 5, 5, 0).Bytes()...),
			orb.MultiPolygon{{{{0, 0}, {1, 0}, {0, 1}, {0, 0}}}, {{{5, 5}, {6, 5}, {5, 6}, {5, 5}}}}, ""},
		{"multipoint with empty member",
			append(append(newWKB(false).head(4).u32(2).Bytes(),
				newWKB(false).head(1).f64(1, 1).Bytes()...), newWKB(false).head(1).f64(math.NaN(), math.NaN()).Bytes()...),
			orb.MultiPoint{{1, 1}}, ""},
		{"multilinestring", append(newWKB(false).head(5).u32(1).Bytes(), newWKB(false).head(2).u32(2).f64(0, 0, 1, 1).Bytes()...),
			orb.MultiLineString{{{0, 0}, {1, 1}}}, ""},
		{"collection", append(newWKB(false).head(7).u32(1).Bytes(), newWKB(false).head(1).f64(3, 4).Bytes()...),
			orb.Collection{orb.Point{3, 4}}, ""},
		{"empty multipolygon", newWKB(false).head(6).u32(0).Bytes(), orb.MultiPolygon{}, ""},
		{"member of wrong type", append(newWKB(false).head(6).u32(1).Bytes(), newWKB(false).head(1).f64(3, 4).Bytes()...),
			nil, "holds type 1 where type 3 is required"},
		{"circular string", newWKB(false).head(8).u32(0).Bytes(), nil, "unsupported geometry type"},
		{"TIN Z", newWKB(false).head(1016).u32(0).Bytes(), nil, "unsupported geometry type"},
		{"type 5000", newWKB(false).head(5001).Bytes(), nil, "unsupported geometry type"},
		{"huge count", newWKB(false).head(2).u32(1 << 30).Bytes(), nil, "claims 1073741824 elements"},
		{"truncated point", newWKB(false).head(1).f64(1).Bytes(), nil, "truncated"},
		{"bad byte order", []byte{7, 1, 0, 0, 0}, nil, "byte order 7"},
		{"trailing bytes", append(newWKB(false).head(1).f64(1, 2).Bytes(), 0), nil, "1 unexpected trailing bytes"},
		{"empty input", nil, nil, "truncated"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, err := decodeWKB(tc.wkb)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(g, tc.want) {
				t.Errorf("got %#v, want %#v", g, tc.want)
			}
		})
	}
}

func TestDecodeWKBNestingLimit(t *testing.T) {
	w := newWKB(false)
	for i := 0; i < 100; i++ {
		w.head(7).u32(1)
	}
	w.head(1).f64(1, 2)
	if _, err := decodeWKB(w.Bytes()); err == nil || !strings.Contains(err.Error(), "nested too deeply") {
		t.Errorf("error %v", err)
	}
}

func TestDecodeGPKGGeometry(t *testing.T) {
	pt := newWKB(false).head(1001).f64(155000, 463000, 2).Bytes()
	for env := 0; env <= 4; env++ {
		g, err := decodeGPKGGeometry(gpkgBlob(0, env, pt))
		if err != nil || g != (orb.Point{155000, 463000}) {
			t.Errorf("envelope %d: %v, %v", env, g, err)
		}
	}
	// Big-endian header (flag bit 0 clear) with little-endian WKB.
	blob := gpkgBlob(0, 1, pt)
	blob[3] &^= gpkgFlagLittleEndian
	if g, err := decodeGPKGGeometry(blob); err != nil || g != (orb.Point{155000, 463000}) {
		t.Errorf("big-endian header: %v, %v", g, err)
	}
	if g, err := decodeGPKGGeometry(gpkgBlob(gpkgFlagEmpty, 0, newWKB(false).head(3).u32(0).Bytes())); err != nil || g != nil {
		t.Errorf("empty flag: %v, %v", g, err)
	}
	if g, err := decodeGPKGGeometry(gpkgBlob(0, 0, newWKB(false).head(3).u32(0).Bytes())); err != nil || g != nil {
		t.Errorf("empty polygon: %v, %v", g, err)
	}
	for _, tc := range []struct {
		name string
		blob []byte
		err  string
	}{
		{"not GP", append([]byte("XX\x00\x01\x00\x00\x00\x00"), pt...), "does not start with \"GP\""},
		{"version", func() []byte { b := gpkgBlob(0, 0, pt); b[2] = 1; return b }(), "version 1"},
		{"envelope 5", gpkgBlob(0, 5, pt), "envelope code 5"},
		{"extended", gpkgBlob(gpkgFlagExtended, 0, pt), "extended"},
		{"truncated envelope", gpkgBlob(0, 4, nil)[:20], "truncated"},
		{"short", []byte("GP"), "does not start"},
	} {
		if _, err := decodeGPKGGeometry(tc.blob); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.err)
		}
	}
	if _, err := decodeGPKGGeometry(gpkgBlob(0, 0, newWKB(false).head(10).Bytes())); !errors.Is(err, ErrUnsupportedGeometry) {
		t.Errorf("curve polygon: %v", err)
	}
}

func FuzzGeoPackageBinary(f *testing.F) {
	f.Add(gpkgBlob(0, 1, newWKB(false).head(1001).f64(1, 2, 3).Bytes()))
	f.Add(gpkgBlob(0, 0, append(newWKB(false).head(1006).u32(1).Bytes(),
		newWKB(true).head(1003).u32(1).u32(4).f64(0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0).Bytes()...)))
	f.Add(gpkgBlob(0, 2, append(newWKB(false).head(7).u32(1).Bytes(), newWKB(false).head(2).u32(1).f64(1, 1).Bytes()...)))
	f.Add(gpkgBlob(gpkgFlagEmpty, 0, nil))
	f.Add([]byte("GP"))
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := decodeGPKGGeometry(b)
		if err != nil && g != nil {
			t.Fatalf("geometry %v with error %v", g, err)
		}
	})
}
