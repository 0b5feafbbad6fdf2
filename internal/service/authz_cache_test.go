package service_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/gate"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestGateReasonsFollowTheirFacts: the authorization answer keeps why a
// model version has not passed its gate across changes that alter only a
// yes or no (issue 17 keeps it out of the answer's hot path), yet the
// reason is right again after every change of the gate's facts: a metric
// recorded through another replica (seen through the version poll, no
// write in this process), a validation report attached here, and the
// report expiring with no write at all.
func TestGateReasonsFollowTheirFacts(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		var ahead atomic.Int64 // how far the database's clock runs ahead of the real one
		db.SetClock(func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) })
		start := time.Now().UTC()
		w := newSoAWorld(t, db, "acme")
		owner, mgr, admin := w.as(aims.RoleSystemOwner), w.as(aims.RoleAIMSManager), w.as(aims.RoleAdmin)
		mustDo(t, w.svc.PutGateDefinition(admin, gate.Definition{Gate: gate.VersionValidation, Checks: []gate.Check{{Kind: gate.CheckMetrics},
			{Kind: gate.CheckEvidence, EvidenceKinds: []string{"validation-report"}, OfThisVersion: true}}}))
		spec := storetest.System("Setpoint optimizer", w.users[aims.RoleSystemOwner].ID)
		spec.LifecycleStage = aims.StageDeployed
		sys := w.f.MustCreateSystem(t, db, spec)
		mustDo(t, w.svc.CreateReleasedModelVersion(mgr, &aims.ModelVersion{SystemID: sys.ID, Version: "2.3.0",
			Digest: strings.Repeat("ab", 32), Status: aims.ModelDeployed}, testApproval))
		rc := &aims.ModelVersion{SystemID: sys.ID, Version: "2.4.0-rc1", Digest: strings.Repeat("cd", 32)}
		mustDo(t, w.svc.CreateModelVersion(owner, rc))
		mustDo(t, w.svc.CreateAcceptanceCriterion(owner, sys.ID, &aims.AcceptanceCriterion{Metric: "mae", Comparison: aims.CompareLE,
			Threshold: 0.35, Unit: "kg/t"}))
		mustDo(t, w.svc.RecordValidationMetric(owner, sys.ID, rc.ID, &aims.ValidationMetric{Name: "mae", Value: 0.41, Unit: "kg/t"}))

		const missed, noReport = "mae 0.41 kg/t does not meet mae <= 0.35 kg/t", "validation report of model version 2.4.0-rc1 missing"
		reason := func() string {
			t.Helper()
			a, err := w.svc.Authorization(owner, sys.ID, "2.4.0-rc1")
			if err != nil || a.Authorized || a.Code != aims.AuthzVersionNotApproved {
				t.Fatalf("2.4.0-rc1: %+v (%v), want not authorized", a, err)
			}
			return a.Reason
		}
		if r := reason(); !strings.Contains(r, "has not passed its validation gate: "+missed+"; "+noReport) {
			t.Fatalf("reason %q", r)
		}

		// A suspension and its lifting change yes and no, not the reason.
		_, err := w.svc.SuspendSystem(owner, sys.ID, aims.NewSuspension{Reason: "drift alarm"})
		mustDo(t, err)
		if a, _ := w.svc.Authorization(owner, sys.ID, "2.3.0"); a.Authorized || a.Code != aims.AuthzSystemSuspended {
			t.Fatalf("suspended: %+v", a)
		}
		_, err = w.svc.ResumeSystem(owner, sys.ID, aims.Resumption{Note: "probe replaced"})
		mustDo(t, err)
		if r := reason(); !strings.Contains(r, missed) || !strings.Contains(r, noReport) {
			t.Errorf("after a suspension and its lifting: %q", r)
		}

		// A better metric recorded through another replica: this process
		// learns of it from the gates' version alone.
		replica := service.New(db, slog.New(slog.DiscardHandler))
		mustDo(t, replica.RecordValidationMetric(owner, sys.ID, rc.ID, &aims.ValidationMetric{Name: "mae", Value: 0.31, Unit: "kg/t"}))
		deadline := time.Now().Add(3 * time.Second)
		for r := reason(); strings.Contains(r, "does not meet"); r = reason() {
			if time.Now().After(deadline) {
				t.Fatalf("3 s after another replica recorded mae 0.31, the reason still says %q", r)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if r := reason(); !strings.Contains(r, noReport) {
			t.Errorf("after the better metric: %q, want only the missing report", r)
		}

		// The report, valid for two hours, attached here: it counts at once.
		collected, expires := start.Add(-time.Hour), start.Add(2*time.Hour)
		_, err = w.svc.AddEvidence(owner, &aims.EvidenceUpload{Kind: "validation-report", Title: "Optimizer 2.4.0-rc1 validation report",
			URL: "https://example.test/vr", CollectedAt: &collected, ExpiresAt: &expires,
			Links: []aims.EvidenceLink{{Type: aims.TargetModelVersion, ID: rc.ID}}}, nil)
		mustDo(t, err)
		if r := reason(); strings.Contains(r, "validation gate") || strings.Contains(r, "validation report") {
			t.Errorf("with a current report and a metric that meets its criterion: %q, want past the validation gate", r)
		}

		// Three hours on, with no write, the report has expired.
		ahead.Store(int64(3 * time.Hour))
		if r := reason(); !strings.Contains(r, "has not passed its validation gate: validation report of model version 2.4.0-rc1 expired") {
			t.Errorf("after the report expired: %q", r)
		}
	})
}

// TestAnswersFollowChangesMadeElsewhere: two processes on one database,
// as two replicas. This one answers from its cache; the other suspends one
// system, retires another and revokes the gateway's token. Each change
// reaches this process's answers through the database within the poll,
// and drops only what it touched: the third system is answered yes all
// along. The token's last use is stamped after the request, not in it.
func TestAnswersFollowChangesMadeElsewhere(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newSoAWorld(t, db, "acme")
		mgr, admin := w.as(aims.RoleAIMSManager), w.as(aims.RoleAdmin)
		var ids []string
		for i, name := range []string{"Kiln controller", "Setpoint optimizer", "Line 3 vision"} {
			spec := storetest.System(name, w.users[aims.RoleSystemOwner].ID)
			spec.LifecycleStage = aims.StageDeployed
			sys := w.f.MustCreateSystem(t, db, spec)
			ids = append(ids, sys.ID)
			mustDo(t, w.svc.CreateReleasedModelVersion(mgr, &aims.ModelVersion{SystemID: sys.ID, Version: "1.0.0",
				Digest: strings.Repeat(fmt.Sprintf("%02x", i), 32), Status: aims.ModelDeployed}, testApproval))
		}
		secret, tok, err := w.svc.CreateToken(admin, aims.NewToken{UserID: w.f.Admin.ID, Name: "Line gateway",
			Scopes: []string{aims.ScopeAuthorizationRead}, Systems: ids})
		mustDo(t, err)
		ctx, stop := context.WithCancel(context.Background())
		defer stop()
		go w.svc.RunAuthzWatcher(ctx) // as aims serve runs it: polls beside this process's own writes
		gateway := func() (context.Context, error) {
			p, err := w.svc.AuthenticateToken(ctx, secret)
			if err != nil {
				return nil, err
			}
			return authz.WithPrincipal(ctx, p), nil
		}
		answer := func(id string) *aims.Authorization {
			t.Helper()
			gw, err := gateway()
			mustDo(t, err)
			a, err := w.svc.Authorization(gw, id, "1.0.0")
			mustDo(t, err)
			return a
		}
		for _, id := range ids {
			if a := answer(id); !a.Authorized {
				t.Fatalf("before any change: %+v", a)
			}
		}

		replica := service.New(db, slog.New(slog.DiscardHandler))
		_, err = replica.SuspendSystem(mgr, ids[0], aims.NewSuspension{Reason: "drift alarm"})
		mustDo(t, err)
		_, err = replica.TransitionSystemStage(admin, ids[1], aims.NewStageTransition{To: aims.StageRetired, Comment: "line closed"})
		mustDo(t, err)
		deadline := time.Now().Add(3 * time.Second)
		for {
			if a := answer(ids[2]); !a.Authorized {
				t.Fatalf("the system nobody changed: %+v", a)
			}
			a0, a1 := answer(ids[0]), answer(ids[1])
			if a0.Code == aims.AuthzSystemSuspended && a1.Code == aims.AuthzSystemNotDeployed {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("3 s after the other replica's changes: %+v and %+v", a0, a1)
			}
			time.Sleep(20 * time.Millisecond)
		}

		if _, err := replica.RevokeToken(admin, tok.ID); err != nil {
			t.Fatal(err)
		}
		for _, err := gateway(); !aims.IsKind(err, aims.KindUnauthenticated); _, err = gateway() {
			if time.Now().After(deadline.Add(3 * time.Second)) {
				t.Fatalf("the token revoked through the other replica still authenticates here (%v)", err)
			}
			time.Sleep(20 * time.Millisecond)
		}

		for {
			list, _, err := w.svc.FindTokens(admin, aims.TokenFilter{UserID: w.f.Admin.ID, IncludeRevoked: true})
			mustDo(t, err)
			if len(list) == 1 && list[0].LastUsedAt != nil {
				break
			}
			if time.Now().After(deadline.Add(6 * time.Second)) {
				t.Fatalf("the token's last use was never stamped: %+v", list)
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}
