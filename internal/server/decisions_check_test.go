package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestLogCheckFindsChangedDecisions ingests decisions, erases one payload
// on request, and checks that the log check counts the erasure without a
// finding; then changes decision rows in the database, as someone with
// access to it could, and checks that each change is named: a payload
// edited (its salted digest no longer matches), a sealed field edited, a
// payload deleted without an erasure, a row deleted, a row inserted.
func TestLogCheckFindsChangedDecisions(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, opts store.Options) {
		e := newLogEnv(t, opts)
		sysID, _ := decisionSetup(t, e)
		now := time.Now()
		var lines []string
		for seq := range 6 {
			lines = append(lines, event(seq, "2.0", now, ""))
		}
		status, body := e.doType("gateway", http.MethodPost, "/api/v1/systems/"+sysID+"/decisions", "application/x-ndjson", strings.Join(lines, "\n"))
		var res aims.DecisionBatchResult
		if err := json.Unmarshal(body, &res); status != http.StatusOK || err != nil || res.Stored != 6 {
			t.Fatalf("ingest: %d %s", status, body)
		}
		id := func(line int) string { return res.Acks[line-1].ID }
		if st, b := e.do("admin", http.MethodPost, "/api/v1/systems/"+sysID+"/decisions/"+id(1)+"/erase", `{"reason":"request 12"}`); st != http.StatusOK {
			t.Fatalf("erase: %d %s", st, b)
		}
		e.checkpoint("admin")

		rep, err := e.svc.CheckLogs(e.octx, service.LogCheckOptions{})
		if err != nil || len(rep.Findings) != 0 {
			t.Fatalf("untouched log: %v %+v", err, rep)
		}
		if rep.Decisions != 6 || rep.ErasedPayloads != 1 {
			t.Errorf("checked %d decisions, %d erased; want 6 and 1", rep.Decisions, rep.ErasedPayloads)
		}

		storetest.RawExec(t, opts, `UPDATE decisions SET payload = `+blob(opts, strings.Replace(lines[1], `"seq":1`, `"seq":1 `, 1))+` WHERE id = '`+id(2)+`'`)
		storetest.RawExec(t, opts, `UPDATE decisions SET human = 'approved' WHERE id = '`+id(3)+`'`)
		storetest.RawExec(t, opts, `UPDATE decisions SET payload = NULL, salt = NULL WHERE id = '`+id(4)+`'`)
		storetest.RawExec(t, opts, `DELETE FROM decisions WHERE id = '`+id(5)+`'`)
		storetest.RawExec(t, opts, `INSERT INTO decisions (id, org_id, system_id, model_version, unknown_model_version, source, seq, decided_at,
			received_at, skew_ms, clock_skew, human, tag_set_id, leaf_index, payload_digest)
			SELECT '0190ffff-0000-7000-8000-000000000001', org_id, system_id, model_version, unknown_model_version, source, 99, decided_at,
			received_at, skew_ms, clock_skew, human, tag_set_id, leaf_index, payload_digest FROM decisions WHERE id = '`+id(6)+`'`)

		rep, err = e.svc.CheckLogsAndAlert(e.octx, service.LogCheckOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{
			id(2):                                  "its payload no longer matches the salted digest",
			id(3):                                  "no longer matches leaf",
			id(4):                                  "payload or salt is gone but no erasure was recorded",
			id(5):                                  "is missing from the decisions",
			"0190ffff-0000-7000-8000-000000000001": "no leaf of the log seals it",
		}
		got := map[string]string{}
		for _, f := range rep.Findings {
			got[f.RecordID] = f.Detail
		}
		for rec, detail := range want {
			if !strings.Contains(got[rec], detail) {
				t.Errorf("decision %s: finding %q, want one saying %q", rec, got[rec], detail)
			}
		}
		if len(rep.Findings) != len(want) || rep.ErasedPayloads != 1 || rep.NewAlerts != len(want) {
			t.Errorf("findings %+v, %d erased, %d new alerts", rep.Findings, rep.ErasedPayloads, rep.NewAlerts)
		}
	})
}

// blob is a SQL literal of s as bytes in the dialect of opts.
func blob(opts store.Options, s string) string {
	hex := ""
	for _, c := range []byte(s) {
		hex += string("0123456789abcdef"[c>>4]) + string("0123456789abcdef"[c&15])
	}
	if opts.DatabaseURL != "" {
		return `'\x` + hex + `'::bytea`
	}
	return `X'` + hex + `'`
}
