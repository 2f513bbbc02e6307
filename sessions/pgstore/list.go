package pgstore

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sessionql/sessionql/sessions"
)

// List selects one page of a listing in the database, newest first, on
// the index of (created_nanos, id).
func (s *Store) List(q sessions.ListQuery) ([]*sessions.Session, error) {
	where, args := []string{"expires_nanos > $1"}, []any{q.Now.UnixNano()}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	live := append([]string{}, q.Live...) // never NULL, which ANY would make NULL
	switch q.Status {
	case sessions.Live:
		where = append(where, "id = ANY("+arg(live)+")")
	case sessions.Hibernated:
		where = append(where, "NOT id = ANY("+arg(live)+")")
	}
	if q.Query != nil {
		path := arg(append([]string{"userMetadata"}, q.Query.Path...))
		where = append(where, "json_typeof(record #> "+path+") = 'string' AND record #>> "+path+" = "+arg(q.Query.Value))
	}
	if q.After != nil {
		where = append(where, "(created_nanos, id) < ("+arg(q.After.CreatedAt.UnixNano())+", "+arg(q.After.ID)+")")
	}
	sql := "SELECT record FROM sessionql_sessions WHERE " + strings.Join(where, " AND ") + " ORDER BY created_nanos DESC, id DESC LIMIT " + arg(q.Limit)
	ctx, cancel := s.call()
	defer cancel()
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*sessions.Session
	for rows.Next() {
		var raw []byte
		if err := rows.Scan(&raw); err != nil {
			return nil, err
		}
		var sess sessions.Session
		if json.Unmarshal(raw, &sess) == nil {
			out = append(out, &sess)
		}
	}
	return out, rows.Err()
}
