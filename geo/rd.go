package geo

import "github.com/paulmach/orb"

// Reference point of the approximation: the spire of the Onze Lieve
// Vrouwetoren in Amersfoort, in RD New and in WGS 84 (ETRS89).
const (
	rdX0   = 155000.0
	rdY0   = 463000.0
	rdPhi0 = 52.15517440 // latitude, degrees
	rdLam0 = 5.38720621  // longitude, degrees
)

// term is one term c * dx^p * dy^q of a polynomial in two variables.
type term struct {
	p, q int
	c    float64
}

// Coefficients of F.H. Schreutelkamp and G.L. Strang van Hees,
// "Benaderingsformules voor de transformatie tussen RD- en
// WGS84-kaartcoördinaten", Geodesia 43 (2001) pp. 64-69.
//
// RD -> WGS84: dX = (x-x0)*1e-5, dY = (y-y0)*1e-5 (units of 100 km);
// phi = phi0 + sum(K)/3600 and lam = lam0 + sum(L)/3600 (arc seconds).
var (
	rdK = [...]term{
		{0, 1, 3235.65389}, {2, 0, -32.58297}, {0, 2, -0.24750},
		{2, 1, -0.84978}, {0, 3, -0.06550}, {2, 2, -0.01709},
		{1, 0, -0.00738}, {4, 0, 0.00530}, {2, 3, -0.00039},
		{4, 1, 0.00033}, {1, 1, -0.00012},
	}
	rdL = [...]term{
		{1, 0, 5260.52916}, {1, 1, 105.94684}, {1, 2, 2.45656},
		{3, 0, -0.81885}, {1, 3, 0.05594}, {3, 1, -0.05607},
		{0, 1, 0.01199}, {3, 2, -0.00256}, {1, 4, 0.00128},
		{0, 2, 0.00022}, {2, 0, -0.00022}, {5, 0, 0.00026},
	}
	// WGS84 -> RD: dPhi = 0.36*(phi-phi0), dLam = 0.36*(lam-lam0)
	// (units of 10000 arc seconds); x = x0 + sum(R), y = y0 + sum(S) with
	// p the power of dLam and q the power of dPhi.
	rdR = [...]term{
		{1, 0, 190094.945}, {1, 1, -11832.228}, {1, 2, -114.221},
		{3, 0, -32.391}, {0, 1, -0.705}, {1, 3, -2.340},
		{3, 1, -0.608}, {2, 0, -0.008}, {3, 2, 0.148},
	}
	rdS = [...]term{
		{0, 1, 309056.544}, {2, 0, 3638.893}, {0, 2, 73.077},
		{2, 1, -157.984}, {0, 3, 59.788}, {1, 0, 0.433},
		{2, 2, -6.439}, {1, 1, -0.032}, {4, 0, 0.092},
		{4, 1, -0.054},
	}
)

// powers returns a^0 .. a^5.
func powers(a float64) [6]float64 {
	var r [6]float64
	r[0] = 1
	for i := 1; i < len(r); i++ {
		r[i] = r[i-1] * a
	}
	return r
}

func poly(terms []term, pa, pb *[6]float64) float64 {
	s := 0.0
	// Sum the small terms first for a little less round-off.
	for i := len(terms) - 1; i >= 0; i-- {
		t := terms[i]
		s += t.c * pa[t.p] * pb[t.q]
	}
	return s
}

// RDToWGS84 converts an RD New point (x, y in metres) to WGS84 (lon, lat).
//
// It uses the Schreutelkamp & Strang van Hees (2001) approximation, which is
// accurate to well under a metre inside the RD validity area (see
// InNetherlandsRD); far outside it the error grows quickly.
func RDToWGS84(p orb.Point) orb.Point {
	dx := powers((p[0] - rdX0) * 1e-5)
	dy := powers((p[1] - rdY0) * 1e-5)
	phi := rdPhi0 + poly(rdK[:], &dx, &dy)/3600
	lam := rdLam0 + poly(rdL[:], &dx, &dy)/3600
	return orb.Point{lam, phi}
}

// WGS84ToRD converts a WGS84 point (lon, lat) to RD New (x, y in metres).
//
// It is the inverse approximation of RDToWGS84 (same source, same accuracy).
func WGS84ToRD(p orb.Point) orb.Point {
	dlam := powers(0.36 * (p[0] - rdLam0))
	dphi := powers(0.36 * (p[1] - rdPhi0))
	x := rdX0 + poly(rdR[:], &dlam, &dphi)
	y := rdY0 + poly(rdS[:], &dlam, &dphi)
	return orb.Point{x, y}
}
