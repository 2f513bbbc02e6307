package testutil

import (
	"errors"
	"testing"
)

// Engines are the database and object store that the shared store back
// ends need, started once per test binary.
type Engines struct {
	PG *Postgres
	S3 *S3
}

// StartEngines starts PostgreSQL and an S3-compatible server under dir.
// When one fails, the other is stopped and the error says which.
func StartEngines(dir string) (*Engines, error) {
	e := &Engines{}
	var err error
	if e.PG, err = StartPostgres(dir); err != nil {
		return e, errors.Join(errors.New("start PostgreSQL"), err)
	}
	if e.S3, err = StartS3(dir); err != nil {
		e.Stop()
		return e, errors.Join(errors.New("start the S3 server"), err)
	}
	return e, nil
}

// Stop stops whichever engines run.
func (e *Engines) Stop() {
	if e.S3 != nil {
		e.S3.Stop()
	}
	if e.PG != nil {
		e.PG.Stop()
	}
}

// running are the engines RunWithEngines started.
var running *Engines

// RunWithEngines runs a package's tests as RunMain does, with PostgreSQL
// and S3 started once before them and stopped after; Running gives them.
func RunWithEngines(m *testing.M) {
	RunMain(m, func(dir string) (func(), error) {
		var err error
		running, err = StartEngines(dir)
		return running.Stop, err
	})
}

// Running are the engines of this test binary; see RunWithEngines.
func Running() *Engines { return running }

// PGDown stops PostgreSQL for a fault test and returns what starts it
// again; it is started at the test's end if the test did not.
func (e *Engines) PGDown(t testing.TB) (up func()) {
	t.Helper()
	return down(t, e.PG.Stop, e.PG.Start)
}

// S3Down is PGDown for the S3 server.
func (e *Engines) S3Down(t testing.TB) (up func()) {
	t.Helper()
	return down(t, func() error { e.S3.Stop(); return nil }, e.S3.Start)
}

func down(t testing.TB, stop, start func() error) (up func()) {
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	isUp := false
	t.Cleanup(func() {
		if !isUp {
			start()
		}
	})
	return func() {
		t.Helper()
		if err := start(); err != nil {
			t.Fatal(err)
		}
		isUp = true
	}
}
