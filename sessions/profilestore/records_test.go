package profilestore

import (
	"context"
	"errors"
	"io/fs"
	"reflect"
	"slices"
	"testing"

	"github.com/sessionql/sessionql/sessions"
)

// TestContextRecords keeps, replaces, lists and deletes context records in
// a folder and a bucket; a session's profiles beside them are not listed,
// and deleting a context's copies leaves the records be.
func TestContextRecords(t *testing.T) {
	ctx := context.Background()
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			rs := st.(sessions.ContextRecords)
			if _, err := rs.Record(ctx, "nosuch"); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("a missing record: %v", err)
			}
			if _, err := st.Save(ctx, "context-a", writeProfile(t)); err != nil {
				t.Fatal(err)
			}
			for _, r := range []struct{ id, raw string }{{"a", `{"v":1}`}, {"b", `{"v":1}`}, {"a", `{"v":2}`}} {
				if err := rs.PutRecord(ctx, r.id, []byte(r.raw)); err != nil {
					t.Fatal(err)
				}
			}
			if err := st.Delete(ctx, "context-a"); err != nil {
				t.Fatal(err)
			}
			ids, err := rs.RecordIDs(ctx)
			slices.Sort(ids)
			if err != nil || !reflect.DeepEqual(ids, []string{"a", "b"}) {
				t.Errorf("RecordIDs %v, %v", ids, err)
			}
			if raw, err := rs.Record(ctx, "a"); err != nil || string(raw) != `{"v":2}` {
				t.Errorf("record a: %s, %v", raw, err)
			}
			if err := rs.DeleteRecord(ctx, "a"); err != nil {
				t.Fatal(err)
			}
			if _, err := rs.Record(ctx, "a"); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("a deleted record: %v", err)
			}
			if ids, _ := rs.RecordIDs(ctx); !reflect.DeepEqual(ids, []string{"b"}) {
				t.Errorf("RecordIDs after delete: %v", ids)
			}
		})
	}
}
