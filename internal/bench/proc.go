package bench

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// BuildBinary builds ./cmd/plekwijzer of the module in moduleDir into dir
// with `go build -o` and returns its path.
func BuildBinary(ctx context.Context, moduleDir, dir string) (string, error) {
	out := filepath.Join(dir, "plekwijzer")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, "./cmd/plekwijzer")
	cmd.Dir = moduleDir
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/plekwijzer: %w\n%s", err, b)
	}
	return out, nil
}

// ProcResult is one finished subprocess.
type ProcResult struct {
	Stdout  string
	Elapsed time.Duration
	// MaxRSS is the peak resident set size in bytes (getrusage).
	MaxRSS int64
}

// runBinary runs bin with args and returns its output; a non-zero exit
// is an error that quotes the end of stderr. Exit status 3 (an import
// that rejected rows) is returned as errRejected with the result.
func runBinary(ctx context.Context, bin string, args ...string) (ProcResult, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	t0 := time.Now()
	err := cmd.Run()
	r := ProcResult{Stdout: stdout.String(), Elapsed: time.Since(t0)}
	if ps := cmd.ProcessState; ps != nil {
		if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
			r.MaxRSS = ru.Maxrss * 1024
		}
	}
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() == 3 {
			return r, errRejected
		}
		return r, fmt.Errorf("plekwijzer %s: %w: %s", strings.Join(args, " "), err, tail(stderr.String(), 800))
	}
	return r, nil
}

var errRejected = errors.New("rows rejected")

func tail(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

var importedRe = regexp.MustCompile(`(\d+) read, (\d+) imported, (\d+) rejected`)

// ImportResult is one `plekwijzer import`.
type ImportResult struct {
	File               string
	Read, Imported     int
	Rejected           int
	Elapsed            time.Duration
	MaxRSS             int64
	FirstRejectMessage string
}

// importFile runs `plekwijzer import KIND FILE --db db [--soort L]`.
func importFile(ctx context.Context, bin, db string, f File) (ImportResult, error) {
	args := []string{"import", f.Kind, f.Path, "--db", db}
	if f.Layer != "" {
		args = append(args, "--soort", f.Layer)
	}
	r, err := runBinary(ctx, bin, args...)
	res := ImportResult{File: filepath.Base(f.Path), Elapsed: r.Elapsed, MaxRSS: r.MaxRSS}
	if err != nil && !errors.Is(err, errRejected) {
		return res, err
	}
	m := importedRe.FindStringSubmatch(r.Stdout)
	if m == nil {
		return res, fmt.Errorf("import %s: no row counts in the output: %s", f.Path, tail(r.Stdout, 400))
	}
	res.Read, _ = strconv.Atoi(m[1])
	res.Imported, _ = strconv.Atoi(m[2])
	res.Rejected, _ = strconv.Atoi(m[3])
	if res.Rejected > 0 {
		if i := strings.Index(r.Stdout, "Problems"); i >= 0 {
			res.FirstRejectMessage = tail(r.Stdout[i:], 300)
		}
	}
	return res, nil
}

// Server is a running `plekwijzer serve`.
type Server struct {
	Base  string // http://127.0.0.1:PORT
	Ready time.Duration
	cmd   *exec.Cmd
	done  chan error
	log   *os.File
}

// startServe starts `plekwijzer serve` on a free loopback port and waits
// until /readyz answers 200 (at most wait).
func startServe(ctx context.Context, bin, db, logPath string, wait time.Duration) (*Server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("find a free port: %w", err)
	}
	addr := l.Addr().String()
	l.Close()
	lf, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("serve log: %w", err)
	}
	cmd := exec.Command(bin, "serve", "--db", db, "--addr", addr)
	cmd.Stdout, cmd.Stderr = lf, lf
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		lf.Close()
		return nil, fmt.Errorf("start serve: %w", err)
	}
	s := &Server{Base: "http://" + addr, cmd: cmd, done: make(chan error, 1), log: lf}
	go func() { s.done <- cmd.Wait() }()
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := t0.Add(wait)
	for {
		if resp, err := client.Get(s.Base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				s.Ready = time.Since(t0)
				return s, nil
			}
		}
		select {
		case err := <-s.done:
			lf.Close()
			b, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("serve exited before it was ready (%v): %s", err, tail(string(b), 800))
		case <-ctx.Done():
			s.Stop()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.Stop()
			return nil, fmt.Errorf("serve not ready after %s (log: %s)", wait, logPath)
		}
	}
}

// Memory reads VmRSS and VmHWM (bytes) of the server from /proc.
func (s *Server) Memory() (rss, hwm int64, err error) {
	return procMemory(s.cmd.Process.Pid)
}

func procMemory(pid int) (rss, hwm int64, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || (k != "VmRSS" && k != "VmHWM") {
			continue
		}
		fs := strings.Fields(v)
		if len(fs) == 0 {
			continue
		}
		n, _ := strconv.ParseInt(fs[0], 10, 64) // kB
		if k == "VmRSS" {
			rss = n * 1024
		} else {
			hwm = n * 1024
		}
	}
	return rss, hwm, sc.Err()
}

// Stop ends the server (SIGTERM, then SIGKILL after 10 s).
func (s *Server) Stop() {
	if s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	s.log.Close()
}
