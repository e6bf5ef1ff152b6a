package api

import (
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/plekwijzer/plekwijzer/internal/spreadsheet"
	"github.com/plekwijzer/plekwijzer/matching"
	"github.com/plekwijzer/plekwijzer/store"
)

// businessCaseParams are the query parameters of /locaties/{id}/businesscase.
var businessCaseParams = []string{"gebruik", "f",
	matching.ParamCapexPerWoning, matching.ParamVermedenKostenPerPlek,
	matching.ParamExploitatiePerWoning, matching.ParamHorizonJaren}

// handleBusinessCase serves the business case of one site for one use
// under the default parameters, each overridable per request:
// /locaties/{id}/businesscase?gebruik=flex&capex_per_woning=95000&horizon_jaren=10
// f=csv gives one row per assumption for Excel.
func (d *Domain) handleBusinessCase(c echo.Context) error {
	if err := checkParams(c, businessCaseParams...); err != nil {
		return err
	}
	format, err := negotiate(c, formatJSON, formatCSV)
	if err != nil {
		return err
	}
	snap := d.snap.Load()
	s, idx, ok := snap.Site(c.Param("id"))
	if !ok {
		return notFound("no site with id %q", c.Param("id"))
	}
	use, err := siteUse(c.QueryParam("gebruik"), s.Kind)
	if err != nil {
		return err
	}
	res, scored := snap.Result(use, idx)
	r := &res
	if !scored {
		return paramError("gebruik", "site %s (%s) is not scored for %s; try the other use", s.ID, s.Kind, use)
	}
	p := matching.DefaultBusinessCaseParams()
	for _, o := range []struct {
		name  string
		parse func(string) (float64, error)
	}{
		{matching.ParamCapexPerWoning, parseCapexPerWoning},
		{matching.ParamVermedenKostenPerPlek, parseVermedenKostenPerPlek},
		{matching.ParamExploitatiePerWoning, parseExploitatiePerWoning},
		{matching.ParamHorizonJaren, parseHorizonJaren},
	} {
		raw := c.QueryParam(o.name)
		if raw == "" {
			if c.QueryParams().Has(o.name) {
				return paramError(o.name, "is empty: give a number or leave the parameter out")
			}
			continue
		}
		v, err := o.parse(raw)
		if err != nil {
			return paramError(o.name, "%q: %v", raw, err)
		}
		if err := p.Override(use, o.name, v, "user input (query parameter "+o.name+")"); err != nil {
			var be *matching.BusinessCaseError
			if errors.As(err, &be) {
				return paramError(o.name, "%s", be.Msg)
			}
			return paramError(o.name, "%v", err)
		}
	}
	bc, err := matching.BusinessCase(*r, p)
	if err != nil {
		return fmt.Errorf("business case %s: %w", s.ID, err)
	}
	if format == formatCSV {
		return sendBusinessCaseCSV(c, *s, &bc)
	}
	return sendJSON(c, mediaJSON, bc)
}

// siteUse reads gebruik for one site; empty means the use of the site's
// kind (flex for a kavel, transformatie for a gebouw).
func siteUse(v string, kind store.SiteKind) (matching.Use, error) {
	if v == "" {
		if kind == store.Kavel {
			return matching.Flex, nil
		}
		return matching.Transformatie, nil
	}
	u := matching.Use(strings.ToLower(v))
	if !u.Valid() {
		return "", paramError("gebruik", "%q is not a use: use flex or transformatie", v)
	}
	return u, nil
}

// parseEuro reads an amount in euros as Dutch users type it: "63000",
// "63.000", "63000,50", "€ 63.000" or "63,000.50". A single separator
// followed by exactly three digits is a thousands separator.
func parseEuro(s string) (float64, error) {
	t := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "€"))
	t = strings.ReplaceAll(t, " ", "")
	dots, commas := strings.Count(t, "."), strings.Count(t, ",")
	switch {
	case dots > 0 && commas > 0:
		// The last separator is the decimal one.
		if strings.LastIndex(t, ",") > strings.LastIndex(t, ".") {
			t = strings.ReplaceAll(t, ".", "")
			t = strings.Replace(t, ",", ".", 1)
		} else {
			t = strings.ReplaceAll(t, ",", "")
		}
	case dots > 1:
		t = strings.ReplaceAll(t, ".", "")
	case commas > 1:
		t = strings.ReplaceAll(t, ",", "")
	case dots == 1 && len(t)-strings.Index(t, ".") == 4:
		t = strings.Replace(t, ".", "", 1)
	case commas == 1 && len(t)-strings.Index(t, ",") == 4:
		t = strings.Replace(t, ",", "", 1)
	case commas == 1:
		t = strings.Replace(t, ",", ".", 1)
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("not an amount in euros; write e.g. 63000 or 63.000")
	}
	if v < 0 {
		return 0, fmt.Errorf("must not be negative")
	}
	return v, nil
}

// parseCapexPerWoning reads capex_per_woning: the investment per woning in
// euros.
func parseCapexPerWoning(s string) (float64, error) { return parseEuro(s) }

// parseVermedenKostenPerPlek reads vermeden_kosten_per_plek: the avoided
// public cost per opvangplek per year in euros.
func parseVermedenKostenPerPlek(s string) (float64, error) { return parseEuro(s) }

// parseExploitatiePerWoning reads exploitatie_per_woning: the yearly
// exploitation and beheer cost per woning in euros.
func parseExploitatiePerWoning(s string) (float64, error) { return parseEuro(s) }

// parseHorizonJaren reads horizon_jaren: a whole number of years.
func parseHorizonJaren(s string) (float64, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("not a whole number of years; write e.g. 15")
	}
	return float64(n), nil
}

// sendBusinessCaseCSV writes the business case for Dutch Excel (UTF-8 BOM,
// ";", decimal comma): first the outcomes, then one row per assumption
// with its source.
func sendBusinessCaseCSV(c echo.Context, s store.Site, bc *matching.BusinessCaseResult) error {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, mediaCSV+charsetUTF8)
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="businesscase-%s-%s.csv"`, safeFileName(s.ID), bc.Use))
	c.Response().WriteHeader(http.StatusOK)
	w := c.Response()
	if _, err := w.Write([]byte("\ufeff")); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true
	num := func(v float64) string { return strings.Replace(strconv.FormatFloat(v, 'f', -1, 64), ".", ",", 1) }
	yes := func(b bool) string {
		if b {
			return "ja"
		}
		return "nee"
	}
	rows := [][]string{{"soort_regel", "naam", "waarde", "eenheid", "prijsjaar", "bron", "oordeel", "toelichting"}}
	out := func(name string, v string, unit string) {
		rows = append(rows, []string{"uitkomst", name, v, unit, "", "", "", ""})
	}
	text := spreadsheet.Text
	out("locatie", s.ID, "")
	out("naam", text(s.Name), "")
	out("gebruik", string(bc.Use), "")
	out("eligible", yes(bc.Eligible), "")
	out("knockouts", text(strings.Join(bc.Knockouts, " | ")), "")
	out("capex_total", num(bc.CapexTotal), "EUR")
	out("avoided_cost_per_year", num(bc.AvoidedCostPerYear), "EUR per jaar")
	out("exploitation_per_year", num(bc.ExploitationPerYear), "EUR per jaar")
	out("net_per_year", num(bc.NetPerYear), "EUR per jaar")
	payback := ""
	if bc.PaybackYears != nil {
		payback = num(*bc.PaybackYears)
	}
	out("payback_years", payback, "jaar")
	out("payback", text(bc.Payback), "")
	out("paid_back_within_horizon", yes(bc.PaidBackWithinHorizon), "")
	out("net_over_horizon", num(bc.NetOverHorizon), "EUR")
	out("method", text(bc.Method), "")
	for _, a := range bc.Assumptions {
		year := ""
		if a.PriceYear != 0 {
			year = strconv.Itoa(a.PriceYear)
		}
		rows = append(rows, []string{"aanname", a.Parameter, num(a.Value), a.Unit, year, text(oneLine(a.Source)), yes(a.Judgement), text(oneLine(a.Note))})
		for _, alt := range a.Alternatives {
			y := ""
			if alt.PriceYear != 0 {
				y = strconv.Itoa(alt.PriceYear)
			}
			rows = append(rows, []string{"alternatief", a.Parameter, num(alt.Value), a.Unit, y, text(oneLine(alt.Source)), "nee", text(oneLine(alt.Note))})
		}
	}
	for _, warn := range bc.Warnings {
		rows = append(rows, []string{"waarschuwing", "", "", "", "", "", "", text(warn)})
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}

// oneLine collapses the folded text of a parameter file to one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// safeFileName keeps letters, digits, "-" and "_" of an id for a download name.
func safeFileName(id string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '_'
	}, id)
}
