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
// w: on a terminal a bar redrawn in place (at most 10 times a second), else
// a plain line per 10 % step. Nothing is shown during the first second; a
// bar that was shown is finished with a newline when done reaches total.
func NewProgress(w io.Writer, isTerminal bool) func(done, total int) {
	return newProgress(w, isTerminal, time.Now)
}

func newProgress(w io.Writer, isTerminal bool, now func() time.Time) func(done, total int) {
	var (
		mu       sync.Mutex
		start    time.Time
		last     time.Time
		lastStep = -1
		shown    bool
		finished bool
	)
	return func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		t := now()
		if start.IsZero() {
			start = t
		}
		if finished || total <= 0 {
			return
		}
		done = min(max(done, 0), total)
		complete := done == total
		if t.Sub(start) < progressDelay && !(complete && shown) {
			return
		}
		pct := done * 100 / total
		if isTerminal {
			if !complete && shown && t.Sub(last) < 100*time.Millisecond {
				return
			}
			if complete && !shown {
				finished = true
				return
			}
			const width = 30
			fill := done * width / total
			bar := strings.Repeat("=", fill)
			if fill < width {
				bar += ">" + strings.Repeat(" ", width-fill-1)
			}
			fmt.Fprintf(w, "\r[%s] %3d%% %d/%d rows", bar, pct, done, total)
			if complete {
				fmt.Fprintln(w)
				finished = true
			}
			shown, last = true, t
			return
		}
		step := pct / 10
		if step == lastStep || (complete && !shown) {
			if complete {
				finished = true
			}
			return
		}
		lastStep, shown = step, true
		fmt.Fprintf(w, "%d/%d rows (%d%%)\n", done, total, pct)
		if complete {
			finished = true
		}
	}
}
