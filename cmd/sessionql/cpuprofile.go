//go:build cpuprofile && unix

package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"runtime/trace"
	"syscall"
)

// A server built with -tags cpuprofile (the tests build it so when
// SESSIONQL_CPUPROFILE is set; the product is never built with the tag)
// writes CPU profiles of the windows a benchmark marks: each SIGUSR1
// starts a profile to SESSIONQL_CPUPROFILE.<pid>.<n>, the next stops it.
// With SESSIONQL_TRACE=1 it also writes an execution trace of each window
// (.trace beside the profile), which shows where requests wait rather
// than run.
func init() {
	prefix := os.Getenv("SESSIONQL_CPUPROFILE")
	if prefix == "" {
		return
	}
	toggle := make(chan os.Signal, 1)
	signal.Notify(toggle, syscall.SIGUSR1)
	go func() {
		var open []*os.File
		for n := 0; ; n++ {
			<-toggle
			if n%2 == 1 {
				pprof.StopCPUProfile()
				trace.Stop()
				for _, f := range open {
					f.Close()
				}
				open = nil
				continue
			}
			open = startProfile(fmt.Sprintf("%s.%d.%d", prefix, os.Getpid(), n), os.Getenv("SESSIONQL_TRACE") != "")
		}
	}()
}

// startProfile starts a CPU profile to path, and a trace to path.trace if
// asked, and returns the files to close once they are stopped.
func startProfile(path string, withTrace bool) (open []*os.File) {
	start := func(path string, run func(w io.Writer) error) {
		f, err := os.Create(path)
		if err == nil {
			if err = run(f); err != nil {
				f.Close()
			}
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "cpuprofile:", err)
			return
		}
		open = append(open, f)
	}
	start(path, pprof.StartCPUProfile)
	if withTrace {
		start(path+".trace", trace.Start)
	}
	return open
}
