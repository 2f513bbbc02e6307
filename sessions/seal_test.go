package sessions

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// TestStoreStateKey checks the store's encryption of saved state: the file
// never holds the clear bytes, a clear blob from before the key is read, a
// blob moved to another session or read with another key or without a key
// is refused with a message that says why, and a damaged blob is refused.
func TestStoreStateKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sessions.db")
	keyA, keyB := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	secret := []byte(`{"cookies":[{"name":"sid","value":"only-in-the-store-4f2a"}]}`)
	before := []byte(`{"cookies":[{"name":"sid","value":"written-before-the-key"}]}`)

	plain := openStore(t, path, nil)
	must(t, plain.PutState("old", before))
	plain.Close()

	sealedStore := openStore(t, path, keyA)
	must(t, sealedStore.PutState("s1", secret))
	if got, err := sealedStore.State("old"); err != nil || !bytes.Equal(got, before) {
		t.Errorf("a clear blob with a key set: %q %v", got, err)
	}
	if got, err := sealedStore.State("s1"); err != nil || !bytes.Equal(got, secret) {
		t.Errorf("a sealed blob with its key: %q %v", got, err)
	}
	raw := readBlob(t, sealedStore, "s1")
	must(t, sealedStore.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(stateBucket).Put([]byte("s2"), raw) }))
	if _, err := sealedStore.State("s2"); err == nil {
		t.Error("a blob copied to another session was read")
	}
	damaged := append([]byte(nil), raw...)
	damaged[len(damaged)-1] ^= 1
	must(t, sealedStore.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(stateBucket).Put([]byte("s1"), damaged) }))
	if _, err := sealedStore.State("s1"); err == nil || !strings.Contains(err.Error(), "could not be decrypted with STATE_KEY") {
		t.Errorf("a damaged blob: %v", err)
	}
	must(t, sealedStore.PutState("s1", secret))
	sealedStore.Close()
	file, _ := os.ReadFile(path)
	if bytes.Contains(file, []byte("only-in-the-store-4f2a")) {
		t.Error("the store file holds state written with the key in clear")
	}

	other := openStore(t, path, keyB)
	if _, err := other.State("s1"); err == nil || !strings.Contains(err.Error(), "another key wrote it") {
		t.Errorf("another key: %v", err)
	}
	other.Close()
	none := openStore(t, path, nil)
	if _, err := none.State("s1"); err == nil || !strings.Contains(err.Error(), "no STATE_KEY is set") {
		t.Errorf("no key: %v", err)
	}
	none.Close()
	if _, err := OpenStore(path, []byte("short")); err == nil {
		t.Error("a 5-byte key was accepted")
	}
}

func openStore(t *testing.T, path string, key []byte) *BoltStore {
	t.Helper()
	s, err := OpenStore(path, key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func readBlob(t *testing.T, s *BoltStore, id string) (raw []byte) {
	t.Helper()
	must(t, s.db.View(func(tx *bolt.Tx) error {
		raw = append([]byte(nil), tx.Bucket(stateBucket).Get([]byte(id))...)
		return nil
	}))
	if !sealed(raw) {
		t.Fatalf("the blob of %s is not sealed: %q", id, raw)
	}
	return raw
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
