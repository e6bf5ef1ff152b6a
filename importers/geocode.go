package importers

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/store"
)

// AddressLookup finds a BAG address; *store.Store implements it.
type AddressLookup interface {
	LookupAddress(ctx context.Context, postcode string, huisnummer int, toevoeging string) (store.BAGAddress, error)
	LookupAddressByStreet(ctx context.Context, straat string, huisnummer int, toevoeging, plaats string) (store.BAGAddress, error)
}

// msgImportBAG tells the user how to make geocoding work at all.
const msgImportBAG = "if no BAG address extract is imported yet, import one first with `plekwijzer import adressen FILE`"

// geocodeRoute is how an address was looked up in the BAG address layer.
type geocodeRoute int

const (
	routeNone     geocodeRoute = iota // the address is not complete enough
	routePostcode                     // postcode + huisnummer + toevoeging
	routeStreet                       // straat + huisnummer + toevoeging + plaats
)

// geocodeRouteOf returns the route geocode takes for a: the postcode when
// there is one, else straat and plaats.
func geocodeRouteOf(a store.Address) geocodeRoute {
	switch {
	case a.Huisnummer <= 0:
		return routeNone
	case a.Postcode != "":
		return routePostcode
	case strings.TrimSpace(a.Straat) != "" && strings.TrimSpace(a.Plaats) != "":
		return routeStreet
	}
	return routeNone
}

// geocode finds the RD point of an address through the BAG addresses in
// the store, by the route geocodeRouteOf picks: postcode + huisnummer +
// toevoeging, or, without a postcode, straat + huisnummer + toevoeging +
// plaats. Either falls back to the same address without toevoeging (same
// building). ok is false when the address is not there; an error wrapping
// store.ErrAmbiguous means several addresses match.
func geocode(ctx context.Context, lk AddressLookup, a store.Address) (orb.Point, bool, error) {
	route := geocodeRouteOf(a)
	if lk == nil || route == routeNone {
		return orb.Point{}, false, nil
	}
	tries := []string{a.Toevoeging}
	if a.Toevoeging != "" {
		tries = append(tries, "")
	}
	for _, t := range tries {
		var ba store.BAGAddress
		var err error
		if route == routePostcode {
			ba, err = lk.LookupAddress(ctx, a.Postcode, a.Huisnummer, t)
		} else {
			ba, err = lk.LookupAddressByStreet(ctx, a.Straat, a.Huisnummer, t, a.Plaats)
		}
		if err == nil {
			return ba.Point, true, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return orb.Point{}, false, fmt.Errorf("looking up address %s: %w", describeAddress(a, route), err)
		}
	}
	return orb.Point{}, false, nil
}

// describeAddress writes a as the route looks it up:
// "3511AB 12a" or "Kerkstraat 12a, Utrecht".
func describeAddress(a store.Address, route geocodeRoute) string {
	nr := fmt.Sprint(a.Huisnummer)
	if t := strings.TrimSpace(a.Toevoeging); len(t) == 1 {
		nr += t // "12a", as a huisletter is written
	} else if t != "" {
		nr += " " + t
	}
	if route == routeStreet {
		return strings.Join(strings.Fields(a.Straat), " ") + " " + nr + ", " + strings.Join(strings.Fields(a.Plaats), " ")
	}
	return a.Postcode + " " + nr
}

var rePostcode = regexp.MustCompile(`\b(\d{4})\s?([A-Za-z]{2})\b`)

// parseAddressCell reads a single address cell such as
// "Kerkstraat 12 a, 3511 AB Utrecht" into its parts. The postcode and
// plaats after a comma are optional.
func parseAddressCell(s string) (store.Address, error) {
	var a store.Address
	s = strings.TrimSpace(s)
	if loc := rePostcode.FindStringSubmatchIndex(s); loc != nil {
		pc, err := normalizePostcode(s[loc[0]:loc[1]])
		if err == nil {
			a.Postcode = pc
			rest := strings.TrimSpace(strings.Trim(s[loc[1]:], " ,"))
			a.Plaats = rest
			s = strings.TrimSpace(strings.TrimRight(s[:loc[0]], " ,"))
		}
	}
	if i := strings.IndexByte(s, ','); i >= 0 {
		if a.Plaats == "" {
			a.Plaats = strings.TrimSpace(s[i+1:])
		}
		s = strings.TrimSpace(s[:i])
	}
	if s == "" {
		return a, nil
	}
	straat, nr, toev, err := splitAddress(s)
	if err != nil {
		return a, err
	}
	a.Straat, a.Huisnummer, a.Toevoeging = straat, nr, normalizeToevoeging(toev)
	return a, nil
}
