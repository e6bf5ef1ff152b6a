package importers

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// progressDelay is how long an import runs before progress is shown, so
// that small files stay quiet.
const progressDelay = time.Second

// NewProgress returns an Options.Progress callback that renders progress on
// w: on a terminal a bar with the phase (checking, writing, committing)
// redrawn in place (at most 10 times a second, and on every change of
// phase), else a plain line per 10 % step and per phase. Nothing is shown
// during the first second; a bar that was shown is finished with a newline
// when the import is done (PhaseDone).
func NewProgress(w io.Writer, isTerminal bool) func(phase string, done, total int) {
	return newProgress(w, isTerminal, time.Now)
}

func newProgress(w io.Writer, isTerminal bool, now func() time.Time) func(phase string, done, total int) {
	var (
		mu        sync.Mutex
		start     time.Time
		last      time.Time
		lastPhase string
		lastStep  = -1
		shown     bool
		finished  bool
	)
	return func(phase string, done, total int) {
		mu.Lock()
		defer mu.Unlock()
		t := now()
		if start.IsZero() {
			start = t
		}
		if finished {
			return
		}
		end := phase == PhaseDone
		if end {
			finished = true
			if !shown {
				return
			}
		}
		if total <= 0 || (!end && t.Sub(start) < progressDelay) {
			return
		}
		done = min(max(done, 0), total)
		pct := done * 100 / total
		changed := phase != lastPhase
		if isTerminal {
			if !end && !changed && shown && t.Sub(last) < 100*time.Millisecond {
				return
			}
			const width = 30
			fill := done * width / total
			bar := strings.Repeat("=", fill)
			if fill < width {
				bar += ">" + strings.Repeat(" ", width-fill-1)
			}
			fmt.Fprintf(w, "\r%-10s [%s] %3d%% %d/%d rows", phase, bar, pct, done, total)
			if end {
				fmt.Fprintln(w)
			}
			shown, last, lastPhase = true, t, phase
			return
		}
		step := pct / 10
		if end || (step == lastStep && !changed) {
			return
		}
		lastStep, lastPhase, shown = step, phase, true
		fmt.Fprintf(w, "%s: %d/%d rows (%d%%)\n", phase, done, total, pct)
	}
}
