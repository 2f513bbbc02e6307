// Package launcher owns Chromium processes: it starts one with its DevTools
// protocol on a pair of pipes, in a process group of its own with a
// parent-death signal, keeps the tail of its stderr, ends the whole group,
// and reaps the browsers a previous server left behind. It knows nothing of
// the protocol or of sessions; the engine builds the command line.
//
// Only Linux has all of that (the parent-death signal and /proc): elsewhere
// the package builds, so the project compiles on a developer's Mac, but
// Start refuses; see launcher_other.go.
package launcher

import (
	"errors"
	"io"
	"os"
	"os/exec"
)

// Options are one start of the browser: its command line and environment,
// complete, and the user it runs as.
type Options struct {
	Exec string
	Args []string
	Env  []string
	User *User // nil runs the browser as the server's user
}

// Process is one running browser and its process group.
type Process struct {
	cmd    *exec.Cmd
	stderr *tail

	// In carries the protocol to the browser (its fd 3), Out from it (its
	// fd 4); both are grown to PipeSize where the kernel allows.
	In  io.WriteCloser
	Out io.ReadCloser
}

// PipeSize is the buffer asked of the kernel for the pipes to and from
// Chromium (Linux's default limit for an unprivileged process): with the
// default 64 KiB, a screenshot of megabytes crosses in hundreds of writes,
// each waking the reader.
const PipeSize = 1 << 20

// ErrUnsupported is what Start returns where browsers cannot be owned: the
// server needs Linux to keep a browser from outliving it.
var ErrUnsupported = errors.New("sessionql runs browsers on Linux only: elsewhere a browser could outlive the server (no parent-death signal) and a restarted server could not find its leftovers (no /proc)")

// Start runs the browser with the protocol on fds 3 and 4.
func Start(opts Options) (*Process, error) {
	if !supported {
		return nil, ErrUnsupported
	}
	toChrome, chromeIn, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	chromeOut, fromChrome, err := os.Pipe()
	if err != nil {
		toChrome.Close()
		chromeIn.Close()
		return nil, err
	}
	cmd := exec.Command(opts.Exec, opts.Args...)
	cmd.ExtraFiles = []*os.File{toChrome, fromChrome} // fd 3 is read by Chrome, fd 4 written
	cmd.Env = opts.Env
	cmd.SysProcAttr = sysProcAttr(opts.User)
	p := &Process{cmd: cmd, stderr: &tail{}, In: chromeIn, Out: chromeOut}
	cmd.Stderr = p.stderr
	err = cmd.Start()
	toChrome.Close()
	fromChrome.Close()
	if err != nil {
		chromeIn.Close()
		chromeOut.Close()
		return nil, err
	}
	growPipe(chromeIn)
	growPipe(chromeOut)
	return p, nil
}

// Wait waits for the browser to exit and then ends what is left of its
// process group.
func (p *Process) Wait() error {
	err := p.cmd.Wait()
	p.Kill()
	return err
}

// Kill sends the whole process group SIGKILL and returns at once.
func (p *Process) Kill() { killGroup(p.cmd.Process.Pid) }

// Pid is the process id of the browser.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Stderr is the last lines the browser wrote to stderr, joined on one line.
func (p *Process) Stderr() string { return p.stderr.String() }

// CPUTicks is the processor time the browser process has used, user and
// system, in clock ticks; 0 where the system cannot tell.
func (p *Process) CPUTicks() int64 { return cpuTicks(p.Pid()) }
