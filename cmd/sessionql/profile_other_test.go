//go:build !unix

package main

import "os"

// profileToggle is nil: cpuprofile.go is built on Unix only.
var profileToggle os.Signal
