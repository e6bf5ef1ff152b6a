package matching

import (
	"context"
	"os"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/plekwijzer/plekwijzer/store"
)

func TestPhaseTiming(t *testing.T) {
	sites, fs := benchScene(100000)
	e := NewEngine(fs, Options{})
	ps, _ := DefaultProfiles()
	for _, p := range ps {
		p.SiteKinds = []store.SiteKind{store.Kavel, store.Gebouw}
	}
	f, _ := os.Create("/tmp/cpu2.out")
	pprof.StartCPUProfile(f)
	for i := 0; i < 3; i++ {
		c0, t0 := cpuTime(), time.Now()
		e.Score(context.Background(), sites, ps...)
		t.Logf("score %v cpu %v", time.Since(t0), cpuTime()-c0)
	}
	pprof.StopCPUProfile()
}
