package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/peterbourgon/ff/v3"

	"github.com/sessionql/sessionql/sessions"
)

// check is `sessionql check [--data-dir DIR] [--repair]`: it checks the
// session store and, with --repair, copies every readable record to a new
// store and keeps the damaged file aside. The server must not be running.
func check(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("sessionql check", flag.ContinueOnError)
	dataDir := fs.String("data-dir", "./data", "data dir whose store to check ($DATA_DIR)")
	repair := fs.Bool("repair", false, "copy every readable record to a new store and keep the damaged one aside")
	fs.SetOutput(out)
	if err := ff.Parse(fs, args, ff.WithEnvVars()); err != nil {
		return err
	}
	path := filepath.Join(*dataDir, "sessions.db")
	err := sessions.CheckStore(path)
	var damaged *sessions.DamagedError
	switch {
	case err == nil:
		fmt.Fprintf(out, "%s is whole.\n", path)
		return nil
	case !errors.As(err, &damaged):
		return err
	case !*repair:
		for _, p := range damaged.Problems {
			fmt.Fprintln(out, "damaged:", p)
		}
		return fmt.Errorf("%s is damaged; stop the server and run sessionql check --data-dir %s --repair", path, *dataDir)
	}
	r, err := sessions.RepairStore(path)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Repaired %s: copied %d session records and %d saved states; the damaged file is kept at %s.\n", path, r.Sessions, r.States, r.Aside)
	fmt.Fprintln(out, "Sessions whose records were on damaged pages are gone; their profile directories stay under profiles/ (delete those not listed by GET /sessions).")
	return nil
}
