package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plekwijzer/plekwijzer/internal/bench"
)

func TestBenchUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"bench", "--sizes", "10k"},
		{"bench", "--sizes", "0"},
		{"bench", "--check", "--pg", ""},
	} {
		if code, _, stderr := plek(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d (%s)", args, code, exitUsage, stderr)
		}
	}
}

// An engine-only run writes its table into the marked section and keeps
// the rest of the file.
func TestBenchWritesSection(t *testing.T) {
	md := filepath.Join(t.TempDir(), "BENCHMARKS.md")
	if err := os.WriteFile(md, []byte("# Benchmarks\n\nkeep me\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	js := filepath.Join(t.TempDir(), "r.json")
	code, _, stderr := plek(t, "bench", "--sizes", "300", "--skip-binary", "--pg", "", "--engine-runs", "1", "-o", md, "--json", js, "--dir", t.TempDir())
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{"keep me", bench.MarkStart, bench.MarkEnd, "| 300 |", "Machine: "} {
		if !strings.Contains(s, want) {
			t.Errorf("BENCHMARKS.md lacks %q:\n%s", want, s)
		}
	}
	var rs []bench.SizeResult
	if b, err := os.ReadFile(js); err != nil {
		t.Fatal(err)
	} else if err := json.Unmarshal(b, &rs); err != nil || len(rs) != 1 || rs[0].Sites != 300 || rs[0].Engine == nil {
		t.Errorf("results JSON: %v %+v", err, rs)
	}
}
