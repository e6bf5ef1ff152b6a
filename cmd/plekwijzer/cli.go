package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"golang.org/x/term"

	"github.com/plekwijzer/plekwijzer/store"
)

// Exit codes.
const (
	exitOK       = 0
	exitError    = 1 // the command failed
	exitUsage    = 2 // the command line was wrong
	exitRejected = 3 // the import ran, but rows were rejected
)

// env is what every subcommand gets: its arguments and where to write.
type env struct {
	args   []string
	stdout io.Writer
	stderr io.Writer
	// isTerminal reports whether stderr is a terminal (for progress bars).
	isTerminal bool
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e env) error
}

func commands() []command {
	return []command{
		{"import", "import an inventory, BAG address extract or context layer", runImport},
		{"runs", "list import runs, or show one with its row errors", runRuns},
		{"score", "score every site for flexwoningen and transformatie and store the scores", runScore},
		{"export", "write ranked candidates of one use as GeoJSON or CSV", runExport},
		{"serve", "serve the store over HTTP (OGC API - Features)", runServe},
		{"demo", "load the embedded data and a SYNTHETIC sample, and serve it", runDemo},
		{"bench", "benchmark import, score and serve on generated data, against PostGIS", runBench},
		{"help", "show help", nil},
	}
}

// usageError is a command line mistake: exit code 2 and the usage shown.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// reportedError is a failure the command has already shown in its output:
// exit code 1 without repeating the message.
type reportedError struct{ err error }

func (e reportedError) Error() string { return e.err.Error() }
func (e reportedError) Unwrap() error { return e.err }

// rejectedError says that an import ran but rejected rows.
type rejectedError struct{ n int }

func (e rejectedError) Error() string { return fmt.Sprintf("%d rows rejected", e.n) }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	e := env{stdout: stdout, stderr: stderr, isTerminal: isTerminal(stderr)}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printUsage(stdout)
		return exitOK
	}
	for _, c := range commands() {
		if c.name != args[0] || c.run == nil {
			continue
		}
		e.args = args[1:]
		err := c.run(ctx, e)
		var ue usageError
		var re rejectedError
		var rep reportedError
		switch {
		case err == nil:
			return exitOK
		case errors.Is(err, flag.ErrHelp):
			return exitOK
		case errors.As(err, &rep):
			return exitError
		case errors.As(err, &ue):
			fmt.Fprintf(stderr, "plekwijzer %s: %v\n", c.name, err)
			return exitUsage
		case errors.As(err, &re):
			return exitRejected
		default:
			fmt.Fprintf(stderr, "plekwijzer %s: %v\n", c.name, err)
			return exitError
		}
	}
	fmt.Fprintf(stderr, "plekwijzer: unknown command %q\n\n", args[0])
	printUsage(stderr)
	return exitUsage
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "plekwijzer finds homes in vacant public property.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: plekwijzer COMMAND [arguments] [--db DSN]")
	fmt.Fprintln(w)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "The database is plekwijzer.db (SQLite) unless --db or PLEKWIJZER_DB names another")
	fmt.Fprintln(w, "file or a postgres://user:pass@host/db URL (PostgreSQL with PostGIS).")
	fmt.Fprintln(w, "Run `plekwijzer COMMAND -h` for the arguments of a command.")
}

// newFlags returns a flag set for a subcommand with the --db flag every
// command takes.
func newFlags(e env, name, usage string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	db := fs.String("db", envOr("PLEKWIJZER_DB", "plekwijzer.db"), "database: SQLite file or postgres:// URL (env PLEKWIJZER_DB)")
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: plekwijzer %s %s\n\nFlags:\n", name, usage)
		fs.PrintDefaults()
	}
	return fs, db
}

// parseArgs parses flags that may stand before, between or after the
// positional arguments (`import gebouwen FILE --crs EPSG:28992`), and
// returns the positional ones.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func openStore(ctx context.Context, dsn string) (*store.Store, error) {
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", redactDSN(dsn), err)
	}
	return st, nil
}

// redactDSN hides a password in a postgres URL for messages.
func redactDSN(dsn string) string {
	at := strings.LastIndex(dsn, "@")
	scheme := strings.Index(dsn, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return dsn
	}
	userinfo := dsn[scheme+3 : at]
	if i := strings.Index(userinfo, ":"); i >= 0 {
		return dsn[:scheme+3] + userinfo[:i] + ":***" + dsn[at:]
	}
	return dsn
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
