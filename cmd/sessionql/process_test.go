package main

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sessionql/sessionql/internal/testutil"
)

// binary is the server built once for this test binary.
var binary string

// engines are the PostgreSQL and S3 servers of the shared store back end.
var engines *testutil.Engines

func TestMain(m *testing.M) {
	dir, remove := testutil.TempRun() // postgres runs as its own user below it
	binary = filepath.Join(dir, "sessionql")
	build := exec.Command("go", "build", "-o", binary, ".")
	if os.Getenv("SESSIONQL_CPUPROFILE") != "" { // see cpuprofile.go
		build.Args = append(build.Args[:2], "-tags", "cpuprofile", "-o", binary, ".")
	}
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	code := 1
	if err := build.Run(); err != nil {
		fmt.Println("build:", err)
	} else if engines, err = testutil.StartEngines(dir); err != nil {
		fmt.Println(err)
	} else {
		code = m.Run()
		engines.Stop()
	}
	remove()
	os.Exit(code)
}

// backend is a store back end as the server's environment selects it.
type backend struct {
	name string
	// env returns the environment of the servers of one test; shared says
	// a restart may start on an empty data dir.
	env    func(t *testing.T) []string
	shared bool
}

var backends = []backend{
	{name: "bbolt", env: func(*testing.T) []string { return nil }},
	{name: "postgres+s3", shared: true, env: func(t *testing.T) []string {
		prefix := strings.ToLower(rand.Text()[:10])
		return append(engines.S3.Env(), "DATABASE_URL="+engines.PG.Database(t), "PROFILE_STORE=s3://"+testutil.S3Bucket+"/"+prefix)
	}},
}

// server is a sessionql process started by a test.
type server struct {
	cmd  *exec.Cmd
	URL  string
	log  *testutil.LogBuffer
	exit chan error
}

var listening = regexp.MustCompile(`sessionql listening"? addr=(\S+)`)

// start runs the server on dataDir and a free port, with env added to its
// environment, and returns once it listens. The process is killed at
// cleanup if the test left it running.
func start(t testing.TB, dataDir string, env ...string) *server {
	t.Helper()
	cmd := exec.Command(binary)
	cmd.Env = append(os.Environ(), "ADDR=127.0.0.1:0", "DATA_DIR="+dataDir, "MAX_BROWSERS=2", "CHROME_PATH="+testutil.ChromePath(t))
	cmd.Env = append(cmd.Env, env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, log: &testutil.LogBuffer{}, exit: make(chan error, 1)}
	addr := make(chan string, 1)
	go s.readLog(stderr, addr)
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-s.exit
	})
	select {
	case a := <-addr:
		s.URL = "http://" + a
	case <-time.After(30 * time.Second):
		t.Fatalf("the server did not start; its log:\n%s", s.log)
	}
	return s
}

// readLog copies the log, reports the address once the server listens,
// and reports the exit.
func (s *server) readLog(r io.Reader, addr chan<- string) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		fmt.Fprintln(s.log, sc.Text())
		if m := listening.FindStringSubmatch(sc.Text()); m != nil {
			addr <- m[1]
		}
	}
	s.exit <- s.cmd.Wait()
}

// wait waits for the process to exit after a signal and returns its error.
func (s *server) wait(t testing.TB) error {
	t.Helper()
	select {
	case err := <-s.exit:
		s.exit <- err // for the cleanup
		return err
	case <-time.After(60 * time.Second):
		t.Fatalf("the server did not exit; its log:\n%s", s.log)
		return nil
	}
}

// shutdown signals the server, wants a clean exit and no browser left on
// dataDir.
func (s *server) shutdown(t testing.TB, sig os.Signal, dataDir string) {
	t.Helper()
	s.cmd.Process.Signal(sig)
	if err := s.wait(t); err != nil {
		t.Errorf("exit after %v: %v; log:\n%s", sig, err, s.log)
	}
	testutil.NoProcessesLeft(t, dataDir)
}

// call sends a JSON request and decodes the JSON answer into out.
func call(t testing.TB, method, url string, body any, out any) int {
	t.Helper()
	st, err := tryCall(method, url, body, out)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func tryCall(method, url string, body any, out any) (int, error) {
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, url, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("%s %s: %w", method, url, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, fmt.Errorf("%s %s: status %d, body %s: %w", method, url, resp.StatusCode, data, err)
		}
	}
	return resp.StatusCode, nil
}

// newSession creates a stealth session and returns its id and BQL URL.
func newSession(t testing.TB, s *server) (id, bql string) {
	t.Helper()
	var created struct{ ID, BrowserQL string }
	if st := call(t, "POST", s.URL+"/session", map[string]any{"stealth": true, "ttl": 600000}, &created); st != 201 {
		t.Fatalf("create: %d", st)
	}
	return created.ID, created.BrowserQL
}

// evaluate runs goto then evaluate on the session and returns the value.
func evaluate(t *testing.T, bql, page, js string) string {
	t.Helper()
	v, err := tryEvaluate(bql, page, js)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func tryEvaluate(bql, page, js string) (string, error) {
	var res struct {
		Data struct {
			Evaluate *struct{ Value *string }
		}
		Errors []struct{ Message string }
	}
	query := `mutation($url: String!, $js: String!) { goto(url: $url) { status } evaluate(content: $js) { value } }`
	st, err := tryCall("POST", bql, map[string]any{"query": query, "variables": map[string]any{"url": page, "js": js}}, &res)
	if err == nil && (st != 200 || len(res.Errors) > 0 || res.Data.Evaluate == nil || res.Data.Evaluate.Value == nil) {
		err = fmt.Errorf("BQL: status %d, %+v", st, res)
	}
	if err != nil {
		return "", err
	}
	return *res.Data.Evaluate.Value, nil
}

const (
	write   = `document.cookie = 'kept=yes; max-age=3600; path=/'; localStorage.setItem('theme', 'dark'); return 'written';`
	read    = `JSON.stringify([document.cookie, localStorage.getItem('theme')])`
	written = `["kept=yes","dark"]`
)

// writeDB and readDB store and read a value in IndexedDB, which only the
// profile keeps.
const (
	writeDB = `const db = await new Promise((ok, no) => { const r = indexedDB.open('kept', 1); r.onupgradeneeded = () => r.result.createObjectStore('s'); r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
await new Promise((ok, no) => { const tx = db.transaction('s', 'readwrite'); tx.objectStore('s').put('deep', 'k'); tx.oncomplete = ok; tx.onerror = () => no(tx.error); });
db.close(); return 'written';`
	readDB = `const db = await new Promise((ok, no) => { const r = indexedDB.open('kept', 1); r.onupgradeneeded = () => r.result.createObjectStore('s'); r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
const v = await new Promise((ok, no) => { const r = db.transaction('s').objectStore('s').get('k'); r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
db.close(); return String(v);`
)

// TestServerKill9KeepsAcknowledgedWrites, on each store back end, lets a
// session that wrote IndexedDB hibernate, wakes it, and kills the server
// with SIGKILL right after a request that wrote a cookie and localStorage
// returned. The next server (on PostgreSQL+S3, on an empty data dir) lists
// the session, the write and the IndexedDB value are there, and no browser
// of the killed server is left.
func TestServerKill9KeepsAcknowledgedWrites(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { testServerKill9(t, b) })
	}
}

func testServerKill9(t *testing.T, b backend) {
	pages := testutil.ServePages(t)
	dataDir := filepath.Join(testutil.DataDir(t), "data")
	env := append(b.env(t), "IDLE_TIMEOUT=500ms")
	s := start(t, dataDir, env...)
	id, bql := newSession(t, s)
	if v := evaluate(t, bql, pages.URL+"/click.html", writeDB); v != "written" {
		t.Fatalf("write IndexedDB: %s", v)
	}
	for deadline := time.Now().Add(30 * time.Second); sessionStatus(t, s, id) != "hibernated"; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the idle session did not hibernate")
		}
	}
	if v := evaluate(t, bql, pages.URL+"/click.html", write); v != "written" {
		t.Fatalf("write: %s", v)
	}
	old := testutil.Processes(dataDir)
	if len(old) == 0 {
		t.Fatal("no browser runs for the session")
	}
	s.cmd.Process.Signal(syscall.SIGKILL)
	s.wait(t)
	killedDir := dataDir
	if b.shared { // another machine: it cannot reap this one's browsers, so the test does
		dataDir = filepath.Join(testutil.DataDir(t), "data")
		for _, p := range old {
			pid, _ := strconv.Atoi(strings.Fields(p)[0])
			testutil.Kill(pid)
		}
		testutil.NoProcessesLeft(t, killedDir)
	}

	s = start(t, dataDir, env...)
	var list struct{ Sessions []struct{ ID, Status string } }
	call(t, "GET", s.URL+"/sessions", nil, &list)
	if len(list.Sessions) != 1 || list.Sessions[0].ID != id || list.Sessions[0].Status != "hibernated" {
		t.Fatalf("after the restart the list is %+v", list.Sessions)
	}
	for _, p := range old {
		if still := testutil.Processes(killedDir); strings.Contains(strings.Join(still, "\n"), strings.Fields(p)[0]+" ") {
			t.Errorf("a browser of the killed server still runs: %s", p)
		}
	}
	if got := evaluate(t, s.URL+"/sessions/"+id+"/bql", pages.URL+"/click.html", read); got != written {
		t.Errorf("after SIGKILL and restart: %s, want %s", got, written)
	}
	if got := evaluate(t, s.URL+"/sessions/"+id+"/bql", pages.URL+"/click.html", readDB); got != "deep" {
		t.Errorf("IndexedDB after SIGKILL and restart: %s, want deep", got)
	}
	s.shutdown(t, syscall.SIGTERM, dataDir)
}

// TestGracefulShutdown sends SIGTERM while a request runs: the request
// finishes, the server exits cleanly with every browser closed, and the
// next server finds the session and its state.
func TestGracefulShutdown(t *testing.T) {
	pages := testutil.ServePages(t)
	started := make(chan struct{}, 1)
	probe := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/started" {
			started <- struct{}{}
		}
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<!doctype html><title>probe</title>"))
	}))
	defer probe.Close()
	dataDir := filepath.Join(testutil.DataDir(t), "data")
	s := start(t, dataDir)
	id, bql := newSession(t, s)
	evaluate(t, bql, pages.URL+"/click.html", write)
	slow := make(chan string, 1)
	go func() {
		v, err := tryEvaluate(bql, probe.URL+"/", `await fetch('/started'); await new Promise(r => setTimeout(r, 1000)); return 'finished';`)
		slow <- fmt.Sprintf("%s %v", v, err)
	}()
	<-started
	s.shutdown(t, syscall.SIGTERM, dataDir)
	if v := <-slow; v != "finished <nil>" {
		t.Errorf("the running request answered %s", v)
	}

	s = start(t, dataDir)
	if got := evaluate(t, s.URL+"/sessions/"+id+"/bql", pages.URL+"/click.html", read); got != written {
		t.Errorf("after a graceful restart: %s, want %s", got, written)
	}
	s.shutdown(t, syscall.SIGINT, dataDir)
}

// sessionStatus is the session's status as GET /sessions/{id} says it.
func sessionStatus(t *testing.T, s *server, id string) string {
	var got struct{ Status string }
	call(t, "GET", s.URL+"/sessions/"+id, nil, &got)
	return got.Status
}
