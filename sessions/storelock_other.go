//go:build !unix

package sessions

import "os"

// unlock does nothing where bbolt does not use flock: closing the file is
// enough there.
func unlock(*os.File) {}
