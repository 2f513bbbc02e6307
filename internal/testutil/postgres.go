package testutil

import (
	"context"
	"crypto/rand"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Postgres is a real PostgreSQL server that tests start in a folder of
// their own on a free port, with trust authentication on 127.0.0.1 only.
type Postgres struct {
	dir, bin string
	port     int
	asUser   string // the user it runs as: postgres refuses root
	uid, gid int    // asUser's ids, 0 when it runs as this process's user
	cmd      *exec.Cmd
	exited   chan struct{}
}

// StartPostgres installs PostgreSQL with apt when it is missing, runs
// initdb in dir/pg and starts the server. Stop ends it; it also ends when
// dir is removed by RunMain, since the caller stops it first.
func StartPostgres(dir string) (*Postgres, error) {
	bin, err := postgresBin()
	if err != nil {
		return nil, err
	}
	p := &Postgres{dir: filepath.Join(dir, "pg"), bin: bin}
	if os.Geteuid() == 0 {
		p.asUser = "postgres"
	}
	if err := os.Mkdir(p.dir, 0o700); err != nil {
		return nil, err
	}
	if err := p.own(); err != nil {
		return nil, err
	}
	if out, err := p.run("initdb", "-D", p.data(), "--auth=trust", "--username=postgres", "--no-sync", "--encoding=UTF8"); err != nil {
		return nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	if p.port, err = FreePort(); err != nil {
		return nil, err
	}
	return p, p.Start()
}

// postgresBin finds the server's binaries, installing the package with
// apt-get when there are none.
func postgresBin() (string, error) {
	find := func() string {
		found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
		if len(found) == 0 {
			return ""
		}
		return filepath.Dir(found[len(found)-1])
	}
	if bin := find(); bin != "" {
		return bin, nil
	}
	exec.Command("apt-get", "update", "-qq").Run()
	cmd := exec.Command("apt-get", "install", "-y", "-qq", "--no-install-recommends", "postgresql")
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("PostgreSQL is not installed and apt-get could not install it (run scripts/setup.sh --test as root): %v: %s", err, out)
	}
	if bin := find(); bin != "" {
		return bin, nil
	}
	return "", fmt.Errorf("apt-get installed postgresql but no initdb is under /usr/lib/postgresql")
}

func (p *Postgres) data() string { return filepath.Join(p.dir, "data") }

// own gives the folder to the user postgres runs as.
func (p *Postgres) own() error {
	if p.asUser == "" {
		return nil
	}
	u, err := user.Lookup(p.asUser)
	if err != nil {
		return fmt.Errorf("postgres refuses to run as root and there is no %q user: %w", p.asUser, err)
	}
	p.uid, _ = strconv.Atoi(u.Uid)
	p.gid, _ = strconv.Atoi(u.Gid)
	return os.Chown(p.dir, p.uid, p.gid)
}

// run runs one of the server's programs as the user it runs as.
func (p *Postgres) run(name string, args ...string) ([]byte, error) {
	argv := append([]string{filepath.Join(p.bin, name)}, args...)
	if p.asUser != "" {
		argv = append([]string{"runuser", "-u", p.asUser, "--"}, argv...)
	}
	return exec.Command(argv[0], argv[1:]...).CombinedOutput()
}

// Start starts the server (again, after Stop) as a child that dies with
// the test binary, and waits until it accepts connections.
func (p *Postgres) Start() error {
	p.cmd = exec.Command(filepath.Join(p.bin, "postgres"), "-D", p.data(), "-c", "listen_addresses=127.0.0.1",
		"-c", "port="+strconv.Itoa(p.port), "-c", "unix_socket_directories="+p.dir, "-c", "max_connections=200")
	ownChild(p.cmd, p.uid, p.gid)
	logName := filepath.Join(p.dir, "log")
	log, err := os.OpenFile(logName, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	p.cmd.Stdout, p.cmd.Stderr = log, log
	err = p.cmd.Start()
	log.Close()
	if err != nil {
		return err
	}
	p.exited = make(chan struct{})
	go func() { p.cmd.Wait(); close(p.exited) }()
	if err := p.waitReady(); err != nil {
		p.Stop()
		out, _ := os.ReadFile(logName)
		return fmt.Errorf("postgres: %v: %s", err, out)
	}
	return nil
}

// waitReady waits until the server accepts a connection, for a minute.
func (p *Postgres) waitReady() error {
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		select {
		case <-p.exited:
			return fmt.Errorf("exited at start")
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		conn, err := pgx.Connect(ctx, p.URL("postgres"))
		if err == nil {
			conn.Close(ctx)
		}
		cancel()
		if err == nil {
			return nil
		}
	}
	return fmt.Errorf("not accepting connections after a minute")
}

// Stop stops the server at once (SIGQUIT, its immediate shutdown), as a
// crash of the database would look to its clients, and waits until it has
// exited.
func (p *Postgres) Stop() error {
	if p.cmd == nil {
		return nil
	}
	p.cmd.Process.Signal(syscall.SIGQUIT)
	<-p.exited
	p.cmd = nil
	return nil
}

// URL is the address of database name.
func (p *Postgres) URL(name string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", p.port, name)
}

// Database creates a fresh, empty database for one test and returns its
// URL; it is dropped at the test's end.
func (p *Postgres) Database(t testing.TB) string {
	t.Helper()
	name := "t_" + strings.ToLower(rand.Text()[:12])
	p.admin(t, "CREATE DATABASE "+name)
	t.Cleanup(func() { p.admin(t, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") })
	return p.URL(name)
}

func (p *Postgres) admin(t testing.TB, sql string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, p.URL("postgres"))
	if err == nil {
		_, err = conn.Exec(ctx, sql)
		conn.Close(ctx)
	}
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// FreePort is a TCP port on 127.0.0.1 that nothing listens on now.
func FreePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
