package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
)

// TestAuditTrail checks that a record created, changed and deleted through
// the API appears in GET /api/v1/audit-events with the actor, the time, and
// the record before and after; and that the filters and page totals work.
func TestAuditTrail(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		o := e.orgs["a"]
		contributor := o.members[aims.RoleContributor]
		t0 := time.Date(2030, 1, 2, 10, 0, 0, 123456000, time.UTC)
		at := func(h time.Duration) { e.db.SetClock(func() time.Time { return t0.Add(h) }) }
		defer e.db.SetClock(time.Now)

		at(0)
		res := e.do(t, request{method: http.MethodPost, url: "/api/v1/systems", token: o.tokens[aims.RoleContributor],
			body: map[string]any{"name": "Chatbot", "purpose": "Answer customers", "operator_roles": []string{"deployer"},
				"lifecycle_stage": "development", "autonomy": "human_override"}})
		if res.Code != http.StatusCreated {
			t.Fatalf("create: status %d; body: %s", res.Code, res.Body)
		}
		var sys aims.AISystem
		decode(t, res, &sys)
		at(time.Hour)
		if res := e.do(t, request{method: http.MethodPost, url: "/api/v1/systems/" + sys.ID + "/stage-transitions", token: o.tokens[aims.RoleAdmin],
			body: map[string]any{"to": "deployed", "override_reason": "commissioned before aims"}}); res.Code != http.StatusCreated {
			t.Fatalf("update: status %d; body: %s", res.Code, res.Body)
		}
		at(2 * time.Hour)
		if res := e.do(t, request{method: http.MethodDelete, url: "/api/v1/systems/" + sys.ID, token: o.tokens[aims.RoleContributor]}); res.Code != http.StatusNoContent {
			t.Fatalf("delete: status %d; body: %s", res.Code, res.Body)
		}
		at(3 * time.Hour)
		o.mustDataset(t, e.db) // an event of another entity type, at 13:00

		events := func(t *testing.T, query string) listPage[aims.AuditEvent] {
			t.Helper()
			res := e.do(t, request{method: http.MethodGet, url: "/api/v1/audit-events?" + query, token: o.tokens[aims.RoleAuditor]})
			if res.Code != http.StatusOK {
				t.Fatalf("audit events ?%s: status %d; body: %s", query, res.Code, res.Body)
			}
			var p listPage[aims.AuditEvent]
			decode(t, res, &p)
			return p
		}
		stage := func(raw json.RawMessage) string {
			var s aims.AISystem
			if err := json.Unmarshal(raw, &s); err != nil {
				t.Fatalf("decode %s: %v", raw, err)
			}
			return string(s.LifecycleStage)
		}

		t.Run("create, update and delete with before and after", func(t *testing.T) {
			p := events(t, "entity_type=ai_system&entity_id="+sys.ID)
			if p.Total != 3 || len(p.Items) != 3 {
				t.Fatalf("%d events (total %d), want 3: %+v", len(p.Items), p.Total, p.Items)
			}
			del, upd, cre := p.Items[0], p.Items[1], p.Items[2] // newest first
			if cre.Action != aims.ActionCreate || !isNull(cre.Before) || stage(cre.After) != "development" {
				t.Errorf("create event: %s, before %s, after %s", cre.Action, cre.Before, cre.After)
			}
			if upd.Action != aims.ActionUpdate || stage(upd.Before) != "development" || stage(upd.After) != "deployed" {
				t.Errorf("update event: %s, before %s, after %s", upd.Action, upd.Before, upd.After)
			}
			if del.Action != aims.ActionDelete || stage(del.Before) != "deployed" || !isNull(del.After) {
				t.Errorf("delete event: %s, before %s, after %s", del.Action, del.Before, del.After)
			}
			if !cre.OccurredAt.Equal(t0) || cre.OccurredAt.Location() != time.UTC {
				t.Errorf("create event at %v, want %v (UTC, microseconds)", cre.OccurredAt, t0)
			}
			if cre.Actor.Kind != aims.ActorToken || cre.Actor.UserID != contributor.ID || cre.Actor.TokenID == "" {
				t.Errorf("create event actor %+v, want the contributor's token", cre.Actor)
			}
			if upd.Actor.UserID != o.Admin.ID {
				t.Errorf("update event actor %+v, want the admin", upd.Actor)
			}
			if cre.EntityLabel != "Chatbot" || cre.RequestID == "" {
				t.Errorf("create event label %q, request id %q; want the system's name and the request's id", cre.EntityLabel, cre.RequestID)
			}
		})
		t.Run("filter by actor", func(t *testing.T) {
			p := events(t, "actor="+contributor.ID)
			if p.Total != 3 {
				t.Fatalf("events of the contributor: total %d, want 3 (create, and delete of the system and of its stage act)", p.Total)
			}
			for _, ev := range p.Items {
				if ev.Actor.UserID != contributor.ID {
					t.Errorf("event by %+v in the contributor's filter", ev.Actor)
				}
			}
			tokenID := p.Items[0].Actor.TokenID
			if q := events(t, "actor="+tokenID); q.Total != 3 {
				t.Errorf("events of the contributor's token: total %d, want 3", q.Total)
			}
		})
		t.Run("filter by entity type and action", func(t *testing.T) {
			if p := events(t, "entity_type=dataset&since="+t0.Format(time.RFC3339)); p.Total != 1 || p.Items[0].EntityType != aims.EntityDataset {
				t.Errorf("dataset events since %v: %+v (total %d), want the one dataset", t0, p.Items, p.Total)
			}
			if p := events(t, "entity_id="+sys.ID+"&action=update"); p.Total != 1 || p.Items[0].Action != aims.ActionUpdate {
				t.Errorf("update events: total %d, want 1", p.Total)
			}
		})
		t.Run("filter by time range", func(t *testing.T) {
			for _, c := range []struct {
				query string
				want  []aims.AuditAction
			}{
				{"since=" + t0.Add(30*time.Minute).Format(time.RFC3339), []aims.AuditAction{aims.ActionDelete, aims.ActionUpdate}},
				{"until=" + t0.Add(time.Hour).Format(time.RFC3339Nano), []aims.AuditAction{aims.ActionCreate}}, // until is exclusive
				{"since=" + t0.Format(time.RFC3339Nano) + "&until=" + t0.Add(2*time.Hour).Format(time.RFC3339Nano), []aims.AuditAction{aims.ActionUpdate, aims.ActionCreate}},
				{"since=" + t0.Add(3*time.Hour).Format(time.RFC3339), nil},
			} {
				p := events(t, "entity_id="+sys.ID+"&"+strings.ReplaceAll(c.query, "+", "%2B"))
				var got []aims.AuditAction
				for _, ev := range p.Items {
					got = append(got, ev.Action)
				}
				if p.Total != len(c.want) || strings.Join(toStrings(got), ",") != strings.Join(toStrings(c.want), ",") {
					t.Errorf("?%s: %v (total %d), want %v", c.query, got, p.Total, c.want)
				}
			}
		})
		t.Run("pages with totals", func(t *testing.T) {
			q := "entity_id=" + sys.ID
			first := events(t, q+"&limit=1")
			if first.Total != 3 || len(first.Items) != 1 || first.Items[0].Action != aims.ActionDelete || first.Limit != 1 {
				t.Errorf("first page: %+v", first)
			}
			last := events(t, q+"&limit=2&offset=2")
			if last.Total != 3 || len(last.Items) != 1 || last.Items[0].Action != aims.ActionCreate || last.Offset != 2 {
				t.Errorf("last page: %+v", last)
			}
			past := events(t, q+"&limit=2&offset=10")
			if past.Total != 3 || len(past.Items) != 0 {
				t.Errorf("past the end: %d items, total %d; want none of 3", len(past.Items), past.Total)
			}
		})
		e.run(t, []scenario{
			{name: "until before since", role: aims.RoleAuditor, method: http.MethodGet,
				url: "/api/v1/audit-events?since=2030-01-02T12:00:00Z&until=2030-01-02T11:00:00Z", wantStatus: 422, check: wantPointers("/until")},
			{name: "since not a time", role: aims.RoleAuditor, method: http.MethodGet, url: "/api/v1/audit-events?since=yesterday", wantStatus: 422,
				check: func(t *testing.T, res *httptest.ResponseRecorder) {
					if p := decodeProblem(t, res); len(p.Errors) != 1 || p.Errors[0].Parameter != "since" {
						t.Errorf("errors %+v, want the parameter since", p.Errors)
					}
				}},
			{name: "viewer reads the trail", role: aims.RoleViewer, method: http.MethodGet, url: "/api/v1/audit-events", wantStatus: 403},
		})
	})
}

// isNull reports whether a before or after is absent (JSON null).
func isNull(raw json.RawMessage) bool { return len(raw) == 0 || string(raw) == "null" }

func toStrings[T ~string](in []T) []string {
	out := make([]string, len(in))
	for i, v := range in {
		out[i] = string(v)
	}
	return out
}
