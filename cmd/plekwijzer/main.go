// Command plekwijzer finds homes in vacant public property: it imports
// inventories of vacant buildings and plots, scores them for flexwoningen and
// transformatie per centrumgemeente, and serves the result as OGC API -
// Features. Run `plekwijzer help` for the subcommands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
