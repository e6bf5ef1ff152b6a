package main

import (
	"context"
	"fmt"
	"strconv"
	"text/tabwriter"
)

func runRuns(ctx context.Context, e env) error {
	fs, db := newFlags(e, "runs", "[show ID]")
	pos, err := parseArgs(fs, e.args)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	switch {
	case len(pos) == 0:
		runs, err := st.Runs(ctx)
		if err != nil {
			return err
		}
		if len(runs) == 0 {
			fmt.Fprintln(e.stdout, "No runs yet. Import a file with `plekwijzer import gebouwen FILE`.")
			return nil
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSTARTED\tKIND\tSTATUS\tREAD\tIMPORTED\tREJECTED\tFILE")
		for _, r := range runs {
			kind := string(r.Kind)
			if r.Layer != "" {
				kind += ":" + r.Layer
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%d\t%d\t%s\n", r.ID, r.Started.Local().Format("2006-01-02 15:04"),
				kind, r.Status, r.RowsRead, r.Imported, r.Rejected, r.File)
		}
		return tw.Flush()
	case len(pos) == 2 && pos[0] == "show":
		id, err := strconv.ParseInt(pos[1], 10, 64)
		if err != nil {
			return usageError{fmt.Sprintf("run id %q is not a number", pos[1])}
		}
		r, err := st.Run(ctx, id)
		if err != nil {
			return fmt.Errorf("run %d: %w", id, err)
		}
		printRun(e.stdout, r, -1)
		return nil
	default:
		fs.Usage()
		return usageError{"use `plekwijzer runs` or `plekwijzer runs show ID`"}
	}
}
