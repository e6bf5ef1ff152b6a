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
}

// msgAddressNotFound tells the user how to make geocoding work.
const msgAddressNotFound = "address not found in the BAG address layer: import a BAG address extract first with `plekwijzer import adressen FILE`"

// geocode finds the RD point of an address through the BAG addresses in
// the store: postcode + huisnummer + toevoeging, falling back to the same
// postcode and huisnummer without toevoeging (same building). ok is false
// when the address is not there.
func geocode(ctx context.Context, lk AddressLookup, a store.Address) (orb.Point, bool, error) {
	if lk == nil || a.Postcode == "" || a.Huisnummer == 0 {
		return orb.Point{}, false, nil
	}
	tries := []string{a.Toevoeging}
	if a.Toevoeging != "" {
		tries = append(tries, "")
	}
	for _, t := range tries {
		ba, err := lk.LookupAddress(ctx, a.Postcode, a.Huisnummer, t)
		if err == nil {
			return ba.Point, true, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return orb.Point{}, false, fmt.Errorf("looking up address %s %d%s: %w", a.Postcode, a.Huisnummer, t, err)
		}
	}
	return orb.Point{}, false, nil
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
