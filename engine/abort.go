package engine

// Abort sends the browser's whole process group SIGKILL and returns at once;
// Done closes when the processes have exited. A stopped session uses it to
// delete its profile without waiting for the exit, as a killed process
// writes no more files.
func (b *Browser) Abort() { b.proc.Kill() }
