package bench

import (
	"context"
	"os"
	"testing"
	"time"
)

func TestQuickCheck(t *testing.T) {
	dsn := os.Getenv("PLEKWIJZER_TEST_PG")
	ctx := context.Background()
	gs, err := EmbeddedGemeenten()
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	sc, err := Generate(ctx, gs, SceneOptions{Seed: 1, Sites: 10000})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("generate %v", time.Since(t0))
	er, err := RunEngine(ctx, sc, 3)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("engine %v %v %s", er.Index, er.Score, er.Ranking.summary())
	pr, err := RunPostGIS(ctx, dsn, sc, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("pg load %v query %v %s", pr.Load, pr.Query, pr.Ranking.summary())
	for _, d := range Compare(pr.Ranking, er.Ranking, Tolerance, 20) {
		t.Error(d)
	}
}
