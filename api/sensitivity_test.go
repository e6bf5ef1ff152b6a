package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestSensitivity(t *testing.T) {
	f := newDomainFixture(t)
	get := func(target string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		f.h().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		return rec
	}
	const target = "/regios/GM0344/gevoeligheid?gebruik=transformatie&top=3&runs=200&spreiding=0,3"
	rec := get(target)
	if rec.Code != http.StatusOK {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	var got struct {
		Top       int     `json:"top"`
		Spreiding float64 `json:"spreiding"`
		Sites     []struct {
			ID              string  `json:"id"`
			Centrumgemeente string  `json:"centrumgemeente"`
			BaseRank        int     `json:"base_rank"`
			StayRate        float64 `json:"stay_rate"`
			Flagged         bool    `json:"flagged"`
			DependsOn       []string
		} `json:"sites"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Top != 3 || got.Spreiding != 0.3 {
		t.Errorf("echoed options: top %d spreiding %v", got.Top, got.Spreiding)
	}
	// The fixture's Utrecht region has two eligible gebouwen (Utrecht and
	// Zeist): both are in a top 3 whatever the weights.
	if len(got.Sites) != 2 {
		t.Fatalf("%d sites, want the 2 eligible gebouwen of GM0344: %s", len(got.Sites), rec.Body)
	}
	for i, s := range got.Sites {
		if s.Centrumgemeente != "GM0344" || s.BaseRank != i+1 || s.StayRate != 1 || s.Flagged {
			t.Errorf("site %d: %+v", i, s)
		}
	}
	if again := get(target); again.Body.String() != rec.Body.String() {
		t.Error("the same request gave another answer: the seed must fix the Monte Carlo runs")
	}

	for param, q := range map[string]string{
		"gebruik":   "gebruik=wonen",
		"top":       "top=0",
		"runs":      "runs=veel",
		"spreiding": "spreiding=2",
		"seed":      "seed=4",
	} {
		wantProblem(t, get("/regios/GM0344/gevoeligheid?"+q), http.StatusBadRequest, param)
	}
	if rec := get("/regios/GM9999/gevoeligheid"); rec.Code != http.StatusNotFound {
		t.Errorf("unknown region: %d", rec.Code)
	}
}
