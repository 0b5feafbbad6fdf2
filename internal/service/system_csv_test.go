package service_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// inventoryOrg is an organization with members of several roles and one
// supplier, for import and export tests.
type inventoryOrg struct {
	*storetest.Fixture
	svc      *service.Service
	db       *store.DB
	owner    *aims.Member // a system owner
	disabled *aims.Member
	supplier *aims.Supplier
}

func newInventoryOrg(t testing.TB, db *store.DB, slug string) *inventoryOrg {
	t.Helper()
	o := &inventoryOrg{Fixture: storetest.NewOrg(t, db, slug), svc: service.New(db, slog.New(slog.DiscardHandler)), db: db}
	o.owner = o.AddMember(t, db, "owner@"+slug+".test", aims.RoleSystemOwner)
	o.disabled = o.AddMember(t, db, "gone@"+slug+".test", aims.RoleContributor)
	o.supplier = &aims.Supplier{Name: "Dewatering Controls GmbH", Supplies: []aims.SupplyCategory{aims.SupplyModel}}
	if err := o.svc.CreateSupplier(o.as(aims.RoleAdmin), o.supplier); err != nil {
		t.Fatal(err)
	}
	if _, err := o.svc.UpdateMember(o.as(aims.RoleAdmin), o.disabled.ID, aims.MemberUpdate{Disabled: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	return o
}

// as returns a context acting as a member of the organization with role
// (the admin's account, with the role given).
func (o *inventoryOrg) as(role aims.Role) context.Context {
	return authz.WithPrincipal(context.Background(), &authz.Principal{UserID: o.Admin.ID, Email: o.Admin.Email,
		OrgID: o.Org.ID, OrgSlug: o.Org.Slug, Role: role})
}

func (o *inventoryOrg) systems(t testing.TB) map[string]*aims.AISystem {
	t.Helper()
	list, _, err := o.svc.FindSystems(o.as(aims.RoleViewer), aims.SystemFilter{Page: aims.Page{Limit: aims.MaxLimit}})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*aims.AISystem{}
	for _, s := range list {
		out[s.Name] = s
	}
	return out
}

func (o *inventoryOrg) systemEvents(t testing.TB) []*aims.AuditEvent {
	t.Helper()
	evs, _, err := o.svc.FindAuditEvents(o.as(aims.RoleAuditor), aims.AuditFilter{EntityType: aims.EntityAISystem, Page: aims.Page{Limit: aims.MaxLimit}})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func ptr[T any](v T) *T { return &v }

const goodCSV = "\ufeffName,Purpose,owner_email,operator_roles,lifecycle_stage,autonomy,impact_domains,techniques,supplier,in_scope,scope_justification,tags,site\r\n" +
	"Setpoint optimizer,Keeps the dewatering line's polymer dose near the optimum,OWNER@acme.test,deployer,deployed,autonomous,safety; quality;environment,gradient boosting;  ,dewatering controls gmbh,,,Plant; dewatering,Plant North\r\n" +
	"CV screener,\"Ranks applications, for recruiters\",admin@acme.test,deployer,Verification and validation,advisory,employment;fundamental_rights,LLM,,no,Pilot outside the AIMS scope until the works council agrees,,\r\n" +
	",,,,,,,,,,,,\r\n" +
	"Chatbot,\"Answers customers'\nquestions\",owner@acme.test,deployer;provider,design,human_override,privacy,,,yes,,,\r\n"

func TestImportSystemsCSV(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		o := newInventoryOrg(t, db, "acme")
		existing := storetest.System("chatbot", o.Admin.ID)
		existing.Purpose = "Old purpose"
		existing.LifecycleStage = aims.StageDesign // the file keeps it: a stage is not imported over (issue 17)
		if err := o.svc.CreateSystem(o.as(aims.RoleAdmin), existing); err != nil {
			t.Fatal(err)
		}
		eventsBefore := len(o.systemEvents(t))

		// A dry run checks and counts, and writes nothing.
		res, err := o.svc.ImportSystemsCSV(o.as(aims.RoleContributor), strings.NewReader(goodCSV), true)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(&service.ImportResult{Created: 2, Updated: 1, DryRun: true}, res); diff != "" {
			t.Errorf("dry run (-want +got):\n%s", diff)
		}
		if n := len(o.systems(t)); n != 1 {
			t.Fatalf("after a dry run: %d systems, want 1", n)
		}

		res, err = o.svc.ImportSystemsCSV(o.as(aims.RoleContributor), strings.NewReader(goodCSV), false)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(&service.ImportResult{Created: 2, Updated: 1}, res); diff != "" {
			t.Errorf("import (-want +got):\n%s", diff)
		}
		got := o.systems(t)
		if len(got) != 3 {
			t.Fatalf("systems = %d, want 3", len(got))
		}
		opt := got["Setpoint optimizer"]
		want := aims.AISystem{Name: "Setpoint optimizer", Purpose: "Keeps the dewatering line's polymer dose near the optimum",
			OwnerID: o.owner.ID, Site: "Plant North", OperatorRoles: []aims.OperatorRole{aims.OperatorDeployer},
			LifecycleStage: aims.StageDeployed, Autonomy: aims.AutonomyAutonomous,
			ImpactDomains: []aims.ImpactDomain{aims.DomainSafety, aims.DomainQuality, aims.DomainEnvironment},
			Techniques:    []string{"gradient boosting"}, SupplierID: o.supplier.ID, InScope: true, Tags: []string{"plant", "dewatering"}}
		if diff := cmp.Diff(want, *opt, cmp.FilterPath(func(p cmp.Path) bool {
			switch p.Last().String() {
			case ".ID", ".OwnerName", ".OwnerEmail", ".SupplierName", ".CreatedAt", ".UpdatedAt", ".GateOverride":
				return true
			}
			return false
		}, cmp.Ignore())); diff != "" {
			t.Errorf("imported system (-want +got):\n%s", diff)
		}
		// Registered at deployed, it did not pass its gate in aims: flagged.
		if opt.GateOverride == nil || opt.GateOverride.Reason != aims.RegisteredDeployedReason {
			t.Errorf("imported as deployed: override %+v", opt.GateOverride)
		}
		if cv := got["CV screener"]; cv.GateOverride != nil {
			t.Errorf("imported at verification: override %+v", cv.GateOverride)
		}
		cv := got["CV screener"]
		if cv.InScope || cv.LifecycleStage != aims.StageVerification || cv.Purpose != "Ranks applications, for recruiters" {
			t.Errorf("CV screener = in scope %v, stage %s, purpose %q", cv.InScope, cv.LifecycleStage, cv.Purpose)
		}
		// The existing system (matched in any case) takes the file's name,
		// and keeps what the file does not say.
		chat := got["Chatbot"]
		if chat == nil || chat.ID != existing.ID || chat.Purpose != "Answers customers'\nquestions" || chat.OwnerID != o.owner.ID {
			t.Fatalf("updated system = %+v", chat)
		}
		if chat.Autonomy != aims.AutonomyHumanOverride || len(chat.OperatorRoles) != 2 {
			t.Errorf("updated system autonomy %s, roles %v", chat.Autonomy, chat.OperatorRoles)
		}

		evs := o.systemEvents(t)
		if n := len(evs) - eventsBefore; n != 3 {
			t.Fatalf("import left %d audit events, want 3", n)
		}
		actions := map[aims.AuditAction]int{}
		for _, ev := range evs[:3] {
			actions[ev.Action]++
			if ev.Actor.UserID != o.Admin.ID {
				t.Errorf("event actor = %+v", ev.Actor)
			}
		}
		if actions[aims.ActionCreate] != 2 || actions[aims.ActionUpdate] != 1 {
			t.Errorf("event actions = %v, want 2 creates and 1 update", actions)
		}
	})
}

func TestImportSystemsCSVBadRowsImportNothing(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		o := newInventoryOrg(t, db, "acme")
		file := "name,purpose,owner_email,operator_roles,lifecycle_stage,autonomy,impact_domains,supplier,in_scope,tags\n" +
			"Good one,Fine,owner@acme.test,deployer,idea,advisory,,,,\n" + // line 2: good
			"Bad owner,Fine,nobody@acme.test,deployer,idea,advisory,,,,\n" + // 3
			"Many problems,,gone@acme.test,deployer;seller,launched,advisory,safety;weather,No Such Ltd,maybe,\n" + // 4
			"good ONE,Fine,owner@acme.test,deployer,idea,advisory,,,,\n" + // 5: repeats line 2
			",Fine,owner@acme.test,deployer,idea,advisory,,,no,\n" + // 6: no name, no justification
			"Too wide,Fine,owner@acme.test,deployer,idea,advisory,,,,a,extra\n" + // 7
			"Long tag,Fine,owner@acme.test,deployer,idea,advisory,,,," + strings.Repeat("x", 61) + "\n" // 8
		_, err := o.svc.ImportSystemsCSV(o.as(aims.RoleAIMSManager), strings.NewReader(file), false)
		if !aims.IsKind(err, aims.KindInvalid) {
			t.Fatalf("err = %v, want invalid", err)
		}
		var got []string
		for _, f := range err.(*aims.Error).Fields {
			got = append(got, f.Field)
		}
		want := []string{
			"rows/3/owner_email",
			"rows/4/purpose", "rows/4/owner_email", "rows/4/operator_roles", "rows/4/lifecycle_stage",
			"rows/4/impact_domains", "rows/4/supplier", "rows/4/in_scope",
			"rows/5/name",
			"rows/6/name", "rows/6/scope_justification",
			"rows/7",
			"rows/8/tags",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("bad fields (-want +got):\n%s\n%v", diff, err.(*aims.Error).Fields)
		}
		details := map[string]string{}
		for _, f := range err.(*aims.Error).Fields {
			details[f.Field] = f.Detail
		}
		for field, part := range map[string]string{
			"rows/3/owner_email":    "nobody@acme.test is not a member",
			"rows/4/owner_email":    "disabled account",
			"rows/4/supplier":       `no supplier is named "No Such Ltd"`,
			"rows/4/operator_roles": `entry 2: "seller" is not a known operator role`,
			"rows/5/name":           "line 2",
			"rows/8/tags":           "entry 1: must be at most 60 characters",
		} {
			if !strings.Contains(details[field], part) {
				t.Errorf("%s = %q, want it to say %q", field, details[field], part)
			}
		}
		if n := len(o.systems(t)); n != 0 {
			t.Errorf("a bad file imported %d systems", n)
		}
		if n := len(o.systemEvents(t)); n != 0 {
			t.Errorf("a bad file left %d audit events", n)
		}
	})
}

func TestImportSystemsCSVFileProblems(t *testing.T) {
	db := storetest.OpenSQLite(t)
	o := newInventoryOrg(t, db, "acme")
	ctx := o.as(aims.RoleContributor)
	tests := []struct {
		name, file string
		kind       aims.ErrorKind
		fields     []string
	}{
		{"empty", "", aims.KindInvalid, []string{"rows/1"}},
		{"unknown and repeated columns", "name,purpose,owner_email,operator_roles,lifecycle_stage,autonomy,colour,Name,a/b\n" +
			"X,p,admin@acme.test,deployer,idea,advisory,red,X,1\n", aims.KindInvalid,
			[]string{"rows/1/colour", "rows/1/name", "rows/1/a~1b"}},
		{"no name column", "purpose\nsomething\n", aims.KindInvalid, []string{"rows/1/name"}},
		{"header after empty lines", "\n\npurpose\nsomething\n", aims.KindInvalid, []string{"rows/3/name"}},
		{"stray quote", "name,purpose\nX,\"unclosed\n", aims.KindInvalid, []string{"rows/2"}},
		{"not UTF-8", "name,purpose,owner_email,operator_roles,lifecycle_stage,autonomy\n" +
			"X,caf\xe9,admin@acme.test,deployer,idea,advisory\n", aims.KindInvalid, []string{"rows/2/purpose"}},
		{"value under a blank column", "name,,purpose\nX,oops,p\n", aims.KindInvalid, []string{"rows/2", "rows/2/owner_email", "rows/2/operator_roles", "rows/2/lifecycle_stage", "rows/2/autonomy"}},
	}
	for _, tc := range tests {
		_, err := o.svc.ImportSystemsCSV(ctx, strings.NewReader(tc.file), true)
		if !aims.IsKind(err, tc.kind) {
			t.Errorf("%s: err = %v, want %s", tc.name, err, tc.kind)
			continue
		}
		var got []string
		for _, f := range err.(*aims.Error).Fields {
			got = append(got, f.Field)
		}
		if diff := cmp.Diff(tc.fields, got); diff != "" {
			t.Errorf("%s: fields (-want +got):\n%s", tc.name, diff)
		}
	}

	// Over 10 MiB, or over 50,000 rows: too large, before any row is checked.
	big := io.LimitReader(strings.NewReader("name\n"+strings.Repeat("x", service.MaxImportBytes)), service.MaxImportBytes+1)
	if _, err := o.svc.ImportSystemsCSV(ctx, big, true); !aims.IsKind(err, aims.KindTooLarge) {
		t.Errorf("11 MiB: err = %v, want too large", err)
	}
	var many strings.Builder
	many.WriteString("name\n")
	for i := range service.MaxImportRows + 1 {
		fmt.Fprintf(&many, "s%d\n", i)
	}
	if _, err := o.svc.ImportSystemsCSV(ctx, strings.NewReader(many.String()), true); !aims.IsKind(err, aims.KindTooLarge) {
		t.Errorf("50,001 rows: err = %v, want too large", err)
	}
}

func TestExportImportRoundTrip(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		o := newInventoryOrg(t, db, "acme")
		ctx := o.as(aims.RoleContributor)
		if _, err := o.svc.ImportSystemsCSV(ctx, strings.NewReader(goodCSV), false); err != nil {
			t.Fatal(err)
		}
		// Cells a spreadsheet would run as formulas, a CRLF, and an owner
		// whose account was disabled later.
		odd := storetest.System("=Formula, \"quoted\"", o.owner.ID)
		odd.Description = "-5% scrap\r\nsecond line"
		odd.Tags = []string{"@home", "'quoted"}
		if err := o.svc.CreateSystem(ctx, odd); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := o.svc.ExportSystemsCSV(o.as(aims.RoleAuditor), &buf, aims.SystemFilter{}); err != nil {
			t.Fatal(err)
		}
		export := buf.String()
		if !strings.HasPrefix(export, "\ufeffname,purpose,description,owner_email,") {
			t.Errorf("export starts %q", export[:40])
		}
		if !strings.Contains(export, `"'=Formula, ""quoted"""`) || !strings.Contains(export, `'@home; 'quoted`) {
			t.Errorf("formula cells are not escaped:\n%s", export)
		}
		if _, err := o.svc.UpdateMember(o.as(aims.RoleAdmin), o.owner.ID, aims.MemberUpdate{Disabled: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		events := len(o.systemEvents(t))

		res, err := o.svc.ImportSystemsCSV(ctx, strings.NewReader(export), false)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(&service.ImportResult{Unchanged: 4}, res); diff != "" {
			t.Errorf("re-import of an export (-want +got):\n%s", diff)
		}
		if n := len(o.systemEvents(t)) - events; n != 0 {
			t.Errorf("re-import of an export left %d audit events", n)
		}

		// An edited export updates what changed; a change to a system whose
		// owner is disabled must name a new owner.
		if !strings.Contains(export, aims.RegisteredDeployedReason+" (") || !strings.Contains(export, ",tags,gate_override") {
			t.Errorf("the export does not flag the system registered as deployed:\n%s", export)
		}
		edited := strings.Replace(export, ",deployed,autonomous,", ",deployed,human_override,", 1)
		edited = strings.Replace(edited, "Ranks applications, for recruiters", "Ranks applications", 1)
		res, err = o.svc.ImportSystemsCSV(ctx, strings.NewReader(edited), false)
		if !aims.IsKind(err, aims.KindInvalid) || !strings.Contains(err.(*aims.Error).Fields[0].Detail, "disabled account") {
			t.Fatalf("editing a system of a disabled owner: err = %v", err)
		}
		edited = strings.ReplaceAll(edited, "owner@acme.test", "admin@acme.test")
		if res, err = o.svc.ImportSystemsCSV(ctx, strings.NewReader(edited), false); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(&service.ImportResult{Updated: 4}, res); diff != "" {
			t.Errorf("edited import (-want +got):\n%s", diff)
		}
		if s := o.systems(t)["Setpoint optimizer"]; s.Autonomy != aims.AutonomyHumanOverride || s.GateOverride == nil {
			t.Errorf("autonomy = %s, override %+v; want human override, still flagged", s.Autonomy, s.GateOverride)
		}
		// A row that changes a stage is bad (a stage is set by its act, issue
		// 17), and the import stays atomic: the other row's edit is not written.
		staged := strings.Replace(edited, ",deployed,human_override,", ",suspended,human_override,", 1)
		staged = strings.Replace(staged, "Ranks applications", "Ranks job applications", 1)
		_, err = o.svc.ImportSystemsCSV(ctx, strings.NewReader(staged), false)
		if !aims.IsKind(err, aims.KindInvalid) || len(err.(*aims.Error).Fields) != 1 ||
			!strings.HasSuffix(err.(*aims.Error).Fields[0].Field, "/lifecycle_stage") ||
			!strings.Contains(err.(*aims.Error).Fields[0].Detail, "stage act") {
			t.Fatalf("import changing a stage: %v", err)
		}
		if s := o.systems(t)["Setpoint optimizer"]; s.LifecycleStage != aims.StageDeployed {
			t.Errorf("stage after a refused import = %s", s.LifecycleStage)
		}
		if s := o.systems(t)["CV screener"]; s.Purpose != "Ranks applications" {
			t.Errorf("a refused import wrote another row: %q", s.Purpose)
		}
		if s := o.systems(t)["=Formula, \"quoted\""]; s == nil || s.Tags[1] != "'quoted" {
			t.Errorf("formula system after round trip = %+v", s)
		}
	})
}

func TestImportExportPermissionsAndTenancy(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		a := newInventoryOrg(t, db, "acme")
		b := newInventoryOrg(t, db, "beta")
		if _, err := a.svc.ImportSystemsCSV(a.as(aims.RoleAdmin), strings.NewReader(goodCSV), false); err != nil {
			t.Fatal(err)
		}
		for _, role := range []aims.Role{aims.RoleAuditor, aims.RoleViewer, aims.RoleSystemOwner} {
			if _, err := a.svc.ImportSystemsCSV(a.as(role), strings.NewReader(goodCSV), true); !aims.IsKind(err, aims.KindForbidden) {
				t.Errorf("%s imports: err = %v, want forbidden", role, err)
			}
		}
		if err := a.svc.ExportSystemsCSV(a.as(aims.RoleViewer), io.Discard, aims.SystemFilter{}); !aims.IsKind(err, aims.KindForbidden) {
			t.Errorf("viewer exports: err = %v, want forbidden", err)
		}

		// B imports the same names: new systems in B, nothing of A's
		// touched; B's owners are B's members.
		aBefore := a.systems(t)
		file := strings.ReplaceAll(goodCSV, "acme.test", "beta.test")
		res, err := b.svc.ImportSystemsCSV(b.as(aims.RoleContributor), strings.NewReader(file), false)
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 3 {
			t.Errorf("B created %d, want 3", res.Created)
		}
		if diff := cmp.Diff(aBefore, a.systems(t)); diff != "" {
			t.Errorf("A's systems changed (-before +after):\n%s", diff)
		}
		// A's member is no owner in B.
		_, err = b.svc.ImportSystemsCSV(b.as(aims.RoleContributor), strings.NewReader(goodCSV), true)
		if !aims.IsKind(err, aims.KindInvalid) {
			t.Errorf("B names A's members as owners: err = %v, want invalid", err)
		}
		var buf bytes.Buffer
		if err := b.svc.ExportSystemsCSV(b.as(aims.RoleAuditor), &buf, aims.SystemFilter{LifecycleStage: aims.StageDeployed}); err != nil {
			t.Fatal(err)
		}
		if lines := strings.Count(buf.String(), "\n"); lines != 2 || strings.Contains(buf.String(), "acme.test") {
			t.Errorf("B's export of deployed systems:\n%s", buf.String())
		}
	})
}
