package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/plekwijzer/plekwijzer/matching"
)

// handleSensitivity reports how robust the top of a region's ranking is:
// /regios/{code}/gevoeligheid?gebruik=flex&top=10&runs=500&spreiding=0.2
// perturbs the profile weights by ±spreiding (Monte Carlo, fixed seed) and
// gives for each top site how often it stays in the top, flagging sites whose
// place hinges on one weight.
func (d *Domain) handleSensitivity(c echo.Context) error {
	if err := checkParams(c, "gebruik", "top", "runs", "spreiding"); err != nil {
		return err
	}
	snap := d.snap.Load()
	code := strings.ToUpper(c.Param("code"))
	known := false
	for _, r := range snap.Regions {
		known = known || r.Centrumgemeente == code
	}
	if !known {
		return notFound("no centrumgemeente region %q: use a CBS code such as GM0344 (see /regios)", c.Param("code"))
	}
	use, err := parseUse(c.QueryParam("gebruik"))
	if err != nil {
		return err
	}
	set := snap.Sets[use]
	if set == nil {
		return paramError("gebruik", "no profile scores %s", use)
	}
	opt := matching.SensitivityOptions{Region: code, Seed: 1}
	if opt.TopN, err = parseIntParam(c, "top", 10, 1, 100); err != nil {
		return err
	}
	if opt.Iterations, err = parseIntParam(c, "runs", 500, 10, 10000); err != nil {
		return err
	}
	if opt.Spread, err = parseSpread(c.QueryParam("spreiding")); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{
		"centrumgemeente": code, "gebruik": use, "profiel": set.Name,
		"top": opt.TopN, "runs": opt.Iterations, "spreiding": opt.Spread, "seed": opt.Seed,
		"sites": matching.SensitivityCompact(set, opt),
	})
}

// parseUse reads gebruik: flex or transformatie (default flex).
func parseUse(s string) (matching.Use, error) {
	if s == "" {
		return matching.Flex, nil
	}
	if u := matching.Use(s); u.Valid() {
		return u, nil
	}
	return "", paramError("gebruik", "%q is not a use: use flex or transformatie", s)
}

// parseIntParam reads a whole number between lo and hi, def when absent.
func parseIntParam(c echo.Context, name string, def, lo, hi int) (int, error) {
	s := c.QueryParam(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, paramError(name, "%q must be a whole number from %d to %d", s, lo, hi)
	}
	return n, nil
}

// parseSpread reads spreiding: the relative weight perturbation, 0.01-0.9
// (default 0.2 = ±20%), with a decimal point or comma.
func parseSpread(s string) (float64, error) {
	if s == "" {
		return 0.2, nil
	}
	v, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil || v < 0.01 || v > 0.9 {
		return 0, paramError("spreiding", "%q must be a fraction from 0.01 to 0.9, e.g. 0.2 for ±20%%", s)
	}
	return v, nil
}
