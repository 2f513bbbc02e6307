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
	isLive := func() string {
		if s.node != nil { // in a cluster, a session live on another node is live too
			return "(id = ANY(" + arg(live) + ") OR " + ownerAlive + ")"
		}
		return "id = ANY(" + arg(live) + ")"
	}
	runsOn := "NULL::text"
	if s.node != nil {
		runsOn = "(SELECT n.url FROM sessionql_nodes n WHERE n.id = s.owner AND n.lease_until > now())"
	}
	switch q.Status {
	case sessions.Live:
		where = append(where, isLive())
	case sessions.Hibernated:
		where = append(where, "NOT "+isLive())
	}
	if q.Query != nil {
		path := arg(append([]string{"userMetadata"}, q.Query.Path...))
		where = append(where, "json_typeof(record #> "+path+") = 'string' AND record #>> "+path+" = "+arg(q.Query.Value))
	}
	if q.Name != "" {
		where = append(where, "record #>> '{options,name}' = "+arg(q.Name))
	}
	if q.After != nil {
		where = append(where, "(created_nanos, id) < ("+arg(q.After.CreatedAt.UnixNano())+", "+arg(q.After.ID)+")")
	}
	sql := "SELECT record, " + runsOn + " FROM sessionql_sessions s WHERE " + strings.Join(where, " AND ") + " ORDER BY created_nanos DESC, id DESC LIMIT " + arg(q.Limit)
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
		var runsOn *string
		if err := rows.Scan(&raw, &runsOn); err != nil {
			return nil, err
		}
		var sess sessions.Session
		if json.Unmarshal(raw, &sess) == nil {
			if runsOn != nil {
				sess.RunsOn = *runsOn
			}
			out = append(out, &sess)
		}
	}
	return out, rows.Err()
}
