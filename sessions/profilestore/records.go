package profilestore

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/sessionql/sessionql/sessions"
)

// maxRecord bounds a context record read back from the store.
const maxRecord = 1 << 20

var _ sessions.ContextRecords = (*store)(nil)

// recordsDir holds the context records, beside the profiles' folders (a
// session id or context-<id> is never "contexts").
func (s *store) recordsDir() string { return path.Join(s.prefix, "contexts") + "/" }

func (s *store) recordKey(id string) string { return s.recordsDir() + id + ".json" }

// PutRecord keeps a context's record, replacing the one before.
func (s *store) PutRecord(ctx context.Context, id string, raw []byte) error {
	return s.objects.put(ctx, s.recordKey(id), bytes.NewReader(raw))
}

// Record reads a context's record; a missing one is fs.ErrNotExist.
func (s *store) Record(ctx context.Context, id string) ([]byte, error) {
	body, err := s.objects.get(ctx, s.recordKey(id))
	if errors.Is(err, errLost) {
		return nil, fs.ErrNotExist
	}
	if err != nil {
		return nil, err
	}
	defer body.Close()
	return io.ReadAll(io.LimitReader(body, maxRecord))
}

// DeleteRecord removes a context's record.
func (s *store) DeleteRecord(ctx context.Context, id string) error {
	return s.objects.remove(ctx, s.recordKey(id))
}

// RecordIDs lists the ids of the context records kept.
func (s *store) RecordIDs(ctx context.Context) ([]string, error) {
	keys, err := s.objects.list(ctx, s.recordsDir())
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, k := range keys {
		name := path.Base(k)
		if id, ok := strings.CutSuffix(name, ".json"); ok && !strings.HasPrefix(name, ".") {
			ids = append(ids, id)
		}
	}
	return ids, nil
}
