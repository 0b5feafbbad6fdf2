package demo_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/demo"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// inventory counts what the demo organization holds.
type inventory struct {
	Systems, Suppliers, Datasets, ModelVersions, Deployed, Members, AuditEvents int
}

func countDemo(t *testing.T, svc *service.Service) inventory {
	t.Helper()
	ctx := context.Background()
	org, err := svc.ResolveOrganization(ctx, demo.Slug)
	if err != nil {
		t.Fatal(err)
	}
	ctx = service.OperatorContext(ctx, org, "test")
	all := aims.Page{Limit: aims.MaxLimit}
	var n inventory
	list, total, err := svc.FindSystems(ctx, aims.SystemFilter{Page: all})
	must(t, err)
	n.Systems = total
	for _, s := range list {
		n.ModelVersions += s.ModelVersionCount
		if s.Deployed != nil {
			n.Deployed++
		}
	}
	_, n.Suppliers, err = svc.FindSuppliers(ctx, aims.SupplierFilter{Page: all})
	must(t, err)
	_, n.Datasets, err = svc.FindDatasets(ctx, aims.DatasetFilter{Page: all})
	must(t, err)
	_, n.Members, err = svc.FindMembers(ctx, aims.MemberFilter{Page: all})
	must(t, err)
	_, n.AuditEvents, err = svc.FindAuditEvents(ctx, aims.AuditFilter{Page: aims.Page{Limit: 1}})
	must(t, err)
	return n
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestEnsureLoadsTheDemoOrganizationOnce(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := service.New(db, slog.New(slog.DiscardHandler))
		accounts, err := demo.Ensure(ctx, svc)
		must(t, err)
		var roles []string
		for _, a := range accounts {
			roles = append(roles, a.Role)
			if len(a.Password) < aims.MinPasswordLength {
				t.Errorf("%s has a short password %q", a.Email, a.Password)
			}
		}
		if diff := cmp.Diff([]string{"admin", "aims_manager", "system_owner", "contributor", "auditor", "viewer"}, roles); diff != "" {
			t.Errorf("account roles (-want +got):\n%s", diff)
		}

		got := countDemo(t, svc)
		want := inventory{Systems: 5, Suppliers: 4, Datasets: 10, ModelVersions: 14, Deployed: 5, Members: 10, AuditEvents: got.AuditEvents}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("demo inventory (-want +got):\n%s", diff)
		}

		// Each account signs in with its printed password, in the demo
		// organization, with its role.
		for _, a := range accounts {
			res, err := svc.Login(ctx, a.Email, a.Password, "demo-test")
			if err != nil {
				t.Errorf("%s cannot sign in: %v", a.Email, err)
				continue
			}
			if m := res.Memberships; len(m) != 1 || m[0].Org.Slug != demo.Slug || string(m[0].Role) != a.Role {
				t.Errorf("%s memberships = %+v", a.Email, m)
			}
		}

		// The optimizer is owned by the system owner, acts autonomously and
		// runs the vendor's model 2.3.0.
		org, err := svc.ResolveOrganization(ctx, demo.Slug)
		must(t, err)
		opCtx := service.OperatorContext(ctx, org, "test")
		list, _, err := svc.FindSystems(opCtx, aims.SystemFilter{Search: "setpoint optimizer"})
		must(t, err)
		if len(list) != 1 {
			t.Fatalf("setpoint optimizer: %d found", len(list))
		}
		opt := list[0]
		if opt.OwnerEmail != "owner@demo.example" || opt.Autonomy != aims.AutonomyAutonomous || opt.SupplierName != "Aquametrics Process AI GmbH" ||
			opt.Deployed == nil || opt.Deployed.Version != "2.3.0" {
			t.Errorf("optimizer = owner %s, autonomy %s, supplier %q, deployed %+v", opt.OwnerEmail, opt.Autonomy, opt.SupplierName, opt.Deployed)
		}
		// Issue 17: it reached deployed through a passed system deployment
		// gate, by the AIMS manager's act; the other systems were registered
		// as already deployed and are flagged.
		if opt.LifecycleStage != aims.StageDeployed || opt.GateOverride != nil {
			t.Errorf("optimizer stage %s, gate override %+v; want deployed through a passed gate", opt.LifecycleStage, opt.GateOverride)
		}
		acts, err := svc.FindStageTransitions(opCtx, opt.ID)
		must(t, err)
		if len(acts) != 1 || acts[0].From != aims.StageVerification || acts[0].OverrideReason != "" || !strings.HasPrefix(acts[0].ByLabel, "manager@") {
			t.Errorf("optimizer's stage acts: %+v", acts)
		}
		all, _, err := svc.FindSystems(opCtx, aims.SystemFilter{})
		must(t, err)
		for _, s := range all {
			if s.ID != opt.ID && s.LifecycleStage == aims.StageDeployed && (s.GateOverride == nil || s.GateOverride.Reason != aims.RegisteredDeployedReason) {
				t.Errorf("%s: deployed without a flag: %+v", s.Name, s.GateOverride)
			}
		}
		versions, _, err := svc.FindModelVersions(opCtx, opt.ID, aims.ModelVersionFilter{})
		must(t, err)
		for _, v := range versions {
			if v.Version == "2.3.0" && len(v.Datasets) != 4 {
				t.Errorf("2.3.0 uses %d datasets, want 4", len(v.Datasets))
			}
		}
		// Issue 17: 2.3.0 passed its gates for real, through gate requests
		// (no act overrides a gate), the deployment approved by two people;
		// 2.4.0-rc1 is blocked at its validation gate, saying why.
		byVersion := map[string]*aims.ModelVersion{}
		for _, v := range versions {
			byVersion[v.Version] = v
		}
		released := byVersion["2.3.0"]
		if released == nil || released.Status != aims.ModelDeployed || len(released.Approvals) != 2 {
			t.Fatalf("2.3.0 = %+v, want deployed by two acts", released)
		}
		for _, a := range released.Approvals {
			if a.OverrideReason != "" || a.GateRequestID == "" {
				t.Errorf("2.3.0 %s act: override %q, gate request %q; want passed through a gate request", a.Status, a.OverrideReason, a.GateRequestID)
			}
			roles := map[aims.Role]bool{}
			for _, p := range a.Approvers {
				roles[p.Role] = true
			}
			if a.Status == aims.ModelDeployed && (len(a.Approvers) != 2 || !roles[aims.RoleAdmin] || !roles[aims.RoleAIMSManager]) {
				t.Errorf("2.3.0 deployment approvers = %+v, want the admin and the AIMS manager", a.Approvers)
			}
			if a.Status == aims.ModelDeployed {
				g, err := svc.FindGateRequest(opCtx, opt.ID, released.ID, a.GateRequestID)
				if err != nil || !g.Completed || g.To != aims.ModelDeployed || g.Approval.Status != aims.ApprovalApproved {
					t.Errorf("2.3.0 deployment's gate request = %+v (%v), want completed", g, err)
				}
			}
		}
		if a, err := svc.Authorization(opCtx, opt.ID, "2.3.0"); err != nil || !a.Authorized {
			t.Errorf("2.3.0 authorization = %+v (%v), want authorized", a, err)
		}
		if sum, err := svc.ImpactSummary(opCtx, opt.ID); err != nil || sum.OutOfDate {
			t.Errorf("optimizer's impact assessment = %+v (%v), want current after 2.3.0 went live", sum, err)
		}
		rc := byVersion["2.4.0-rc1"]
		if rc == nil || rc.Status != aims.ModelCandidate {
			t.Fatalf("2.4.0-rc1 = %+v, want a candidate", rc)
		}
		a, err := svc.Authorization(opCtx, opt.ID, "2.4.0-rc1")
		wantWhy := "model version 2.4.0-rc1 has not passed its validation gate: mae 0.41 kg/t does not meet mae <= 0.35 kg/t; " +
			"validation report of model version 2.4.0-rc1 missing"
		if err != nil || a.Authorized || a.Reason != wantWhy {
			t.Errorf("2.4.0-rc1 authorization = %+v (%v), want refused: %s", a, err, wantWhy)
		}
		// Evidence on several controls: current, expiring, expired, and
		// an expected kind missing; live evidence from aims' own records.
		ctrls, sum, err := svc.ControlsEvidence(opCtx, nil)
		must(t, err)
		states := map[string]aims.Freshness{}
		for ref, c := range ctrls {
			states[ref] = c.Freshness
		}
		if diff := cmp.Diff(map[string]aims.Freshness{"iso42001:A.6.2.4": aims.FreshCurrent, "iso42001:A.5.4": aims.FreshExpired,
			"iso42001:A.7.4": aims.FreshMissing, "iso42001:A.8.5": aims.FreshCurrent, "iso42001:A.9.4": aims.FreshCurrent,
			"iso42001:A.6.2.8": states["iso42001:A.6.2.8"], "iso42001:A.7.5": aims.FreshCurrent, "iso42001:A.5.2": aims.FreshCurrent,
			"iso42001:A.4.2": aims.FreshCurrent}, states); diff != "" {
			t.Errorf("demo evidence freshness (-want +got):\n%s", diff)
		}
		if sum.ByOwnRecords < 3 || sum.ByUploads < 3 || sum.NotEvidenced < 1 {
			t.Errorf("evidence summary %+v", sum)
		}
		expiring, _, err := svc.FindEvidence(opCtx, aims.EvidenceFilter{Sort: "expires"})
		must(t, err)
		if len(expiring) < 2 || expiring[0].Freshness != aims.FreshExpired || expiring[1].Freshness != aims.FreshExpiring {
			t.Errorf("evidence by expiry: %+v", expiring)
		}
		// Every change is recorded, made by aims itself.
		evs, _, err := svc.FindAuditEvents(opCtx, aims.AuditFilter{Page: aims.Page{Limit: aims.MaxLimit}})
		must(t, err)
		for _, ev := range evs {
			if ev.Actor.Kind != aims.ActorSystem {
				t.Errorf("audit event %s %s by %+v, want the system", ev.Action, ev.EntityType, ev.Actor)
				break
			}
		}

		// A second start finds the organization and returns the same
		// accounts, adding nothing.
		again, err := demo.Ensure(ctx, svc)
		must(t, err)
		if diff := cmp.Diff(accounts, again); diff != "" {
			t.Errorf("second start's accounts (-first +second):\n%s", diff)
		}
		if diff := cmp.Diff(got, countDemo(t, svc)); diff != "" {
			t.Errorf("second start changed the inventory (-first +second):\n%s", diff)
		}
	})
}

func TestEnsureCompletesAnInterruptedLoad(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := service.New(db, slog.New(slog.DiscardHandler))
		// A load killed after the first account, a supplier and a system.
		org, m, err := svc.BootstrapUser(ctx, service.Bootstrap{OrgSlug: demo.Slug, Email: "owner@demo.example", Name: "Lena",
			Role: aims.RoleSystemOwner, Password: "forgotten password", Actor: aims.Actor{Kind: aims.ActorSystem, Label: "test"}})
		must(t, err)
		opCtx := service.OperatorContext(ctx, org, "test")
		must(t, svc.CreateSupplier(opCtx, &aims.Supplier{Name: "Aquametrics Process AI GmbH", Supplies: []aims.SupplyCategory{aims.SupplyModel}}))
		s := storetest.System("Dewatering setpoint optimizer", m.ID)
		must(t, svc.CreateSystem(opCtx, s))

		accounts, err := demo.Ensure(ctx, svc)
		must(t, err)
		if len(accounts) != 6 {
			t.Fatalf("accounts = %d, want 6", len(accounts))
		}
		got := countDemo(t, svc)
		if got.Systems != 5 || got.Suppliers != 4 || got.ModelVersions != 14 || got.Members != 10 {
			t.Errorf("completed demo = %+v", got)
		}
		for _, a := range accounts {
			if _, err := svc.Login(ctx, a.Email, a.Password, "demo-test"); err != nil {
				t.Errorf("%s cannot sign in: %v", a.Email, err)
			}
		}
	})
}

func TestEnsureLeavesOtherOrganizationsAlone(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := service.New(db, slog.New(slog.DiscardHandler))
		_, _, err := svc.BootstrapUser(ctx, service.Bootstrap{OrgSlug: "acme", Email: "ada@acme.test", Name: "Ada",
			Role: aims.RoleAdmin, Password: "a long password", Actor: aims.Actor{Kind: aims.ActorCLI, Label: "test"}})
		must(t, err)
		accounts, err := demo.Ensure(ctx, svc)
		if err != nil || accounts != nil {
			t.Fatalf("Ensure beside another organization = %v, %v; want nothing", accounts, err)
		}
		if _, err := svc.ResolveOrganization(ctx, demo.Slug); !aims.IsKind(err, aims.KindNotFound) {
			t.Errorf("the demo organization was created: err = %v", err)
		}
	})
}
