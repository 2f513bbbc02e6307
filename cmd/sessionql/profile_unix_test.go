//go:build unix

package main

import (
	"os"
	"syscall"
)

// profileToggle starts and stops a profile of a server built with -tags
// cpuprofile (see cpuprofile.go).
var profileToggle os.Signal = syscall.SIGUSR1
