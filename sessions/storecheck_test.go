package sessions

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDamagedStoreFile damages a real store file in the ways a disk or a
// copy does and opens it: the answer is a *DamagedError that names the
// file and the repair command, never a panic; CheckStore says the same,
// and RepairStore keeps what it can read.
func TestDamagedStoreFile(t *testing.T) {
	for _, c := range []struct {
		name   string
		damage func(raw []byte) []byte
		repair bool // RepairStore can read the file at all
	}{
		{"both meta pages", func(raw []byte) []byte { fill(raw[:2*pageSize]); return raw }, false},
		{"freelist page", func(raw []byte) []byte { fill(raw[2*pageSize : 2*pageSize+64]); return raw }, true},
		{"a leaf page's header", func(raw []byte) []byte { fill(leafHolding(t, raw, "id00050")[:16]); return raw }, true},
		{"a leaf page's elements", func(raw []byte) []byte { fill(leafHolding(t, raw, "id00050")[16:200]); return raw }, true},
		{"cut short", func(raw []byte) []byte { return raw[:len(raw)/2] }, true},
		{"not a store", func(raw []byte) []byte { return bytes.Repeat([]byte("not bbolt "), 2000) }, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "sessions.db")
			writeStore(t, path, 120)
			raw, err := os.ReadFile(path)
			must(t, err)
			must(t, os.WriteFile(path, c.damage(raw), 0o600))

			var damaged *DamagedError
			s, err := OpenStore(path, nil)
			if err == nil {
				s.Close()
				t.Fatal("a damaged store opened")
			}
			if !errors.As(err, &damaged) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "sessionql check") {
				t.Fatalf("open: %v", err)
			}
			if err := CheckStore(path); !errors.As(err, &damaged) {
				t.Errorf("check: %v", err)
			}
			r, err := RepairStore(path)
			if !c.repair {
				if err == nil {
					t.Errorf("repaired a file that cannot be read: %+v", r)
				}
				return
			}
			if err != nil {
				t.Fatalf("repair: %v", err)
			}
			s = openStore(t, path, nil)
			all, _, err := s.All()
			s.Close()
			t.Logf("kept %d of 120 sessions, %d states", len(all), r.States)
			if err != nil || len(all) > 120 || !exists(r.Aside) {
				t.Errorf("after the repair: %d sessions, %v, aside %s", len(all), err, r.Aside)
			}
		})
	}
}

const pageSize = 4096

func fill(b []byte) {
	for i := range b {
		b[i] = 0xA5
	}
}

// leafHolding is the leaf page that holds key.
func leafHolding(t *testing.T, raw []byte, key string) []byte {
	t.Helper()
	for p := 2; (p+1)*pageSize <= len(raw); p++ {
		page := raw[p*pageSize : (p+1)*pageSize]
		if page[8] == 0x02 && page[9] == 0 && bytes.Contains(page, []byte(key)) {
			return page
		}
	}
	t.Fatalf("no leaf page holds %s", key)
	return nil
}

// writeStore writes n sessions with a saved state each.
func writeStore(t *testing.T, path string, n int) {
	t.Helper()
	s := openStore(t, path, nil)
	defer s.Close()
	for i := range n {
		id := fmt.Sprintf("id%05d", i)
		must(t, s.Put(&Session{ID: id, UserMetadata: []byte(`{"pad":"` + strings.Repeat("x", 300) + `"}`)}))
		must(t, s.PutState(id, []byte(`{"cookies":[]}`)))
	}
}

// TestStoreDamagedWhileOpen damages a page of an open store, as a failing
// disk would: reading it answers a *DamagedError instead of a panic.
func TestStoreDamagedWhileOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sessions.db")
	writeStore(t, path, 120)
	s := openStore(t, path, nil)
	defer s.Close()
	raw, err := os.ReadFile(path)
	must(t, err)
	page := leafHolding(t, raw, "id00050")
	offset := int64(bytes.Index(raw, page))
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	must(t, err)
	_, err = f.WriteAt(bytes.Repeat([]byte{0xA5}, 16), offset)
	f.Close()
	must(t, err)
	var damaged *DamagedError
	if _, _, err := s.All(); !errors.As(err, &damaged) {
		t.Errorf("reading a damaged page: %v", err)
	}
}
