package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/api"
	"github.com/aimsproject/aims/internal/catalog"
)

// Who may call what, written by hand from the role descriptions, so
// that a wrong permission in code is caught rather than copied.
var (
	everyone = aims.RoleValues()
	// writers create and change AI systems and model versions; a system
	// owner only those they own (the fixtures make the caller the owner).
	writers   = []aims.Role{aims.RoleAdmin, aims.RoleAIMSManager, aims.RoleSystemOwner, aims.RoleContributor}
	editors   = []aims.Role{aims.RoleAdmin, aims.RoleAIMSManager, aims.RoleContributor}
	exporters = []aims.Role{aims.RoleAdmin, aims.RoleAIMSManager, aims.RoleSystemOwner, aims.RoleContributor, aims.RoleAuditor}
	trail     = []aims.Role{aims.RoleAdmin, aims.RoleAIMSManager, aims.RoleAuditor}
	admins    = []aims.Role{aims.RoleAdmin}
	// approvers approve the Statement of Applicability (the issue: "a
	// draft is approved by an aims_manager"; an admin may do everything).
	approvers = []aims.Role{aims.RoleAdmin, aims.RoleAIMSManager}
)

// opCase is how to call one operation validly, and who may.
type opCase struct {
	allowed []aims.Role
	// prepare makes the records the call needs for caller (in organization
	// o) and returns the path parameters (and the query string under the
	// key "?") and a valid body.
	prepare     func(t *testing.T, e *apiEnv, o *orgEnv, caller *aims.Member) (params map[string]string, body any)
	contentType string
	success     int // the status of an allowed call; 0 means any status but 403 and 5xx
}

func noParams(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) { return nil, nil }

func anySystem(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
	return map[string]string{"id": o.mustSystem(t, e.db, o.Admin.ID).ID}, nil
}

// ownSystem makes a system owned by the caller, so that a system owner's
// right to edit it is what is tested.
func ownSystem(body any) func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
	return func(t *testing.T, e *apiEnv, o *orgEnv, caller *aims.Member) (map[string]string, any) {
		return map[string]string{"id": o.mustSystem(t, e.db, caller.ID).ID}, body
	}
}

func ownModelVersion(body any) func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
	return func(t *testing.T, e *apiEnv, o *orgEnv, caller *aims.Member) (map[string]string, any) {
		s := o.mustSystem(t, e.db, caller.ID)
		return map[string]string{"id": s.ID, "version_id": o.mustModelVersion(t, e.db, s.ID).ID}, body
	}
}

func aDataset(body any) func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
	return func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
		return map[string]string{"id": o.mustDataset(t, e.db).ID}, body
	}
}

func aSupplier(body any) func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
	return func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
		return map[string]string{"id": o.mustSupplier(t, e.db).ID}, body
	}
}

func newMemberEmail() string { return fmt.Sprintf("member%d@example.test", seq.Add(1)) }

// validDigest is a well-formed SHA-256.
var validDigest = strings.Repeat("0123456789abcdef", 4)

// opCases has one entry per API operation. A new operation without an entry
// fails TestRoleMatrix.
var opCases = map[string]opCase{
	"get-me":       {allowed: everyone, prepare: noParams, success: 200},
	"list-systems": {allowed: everyone, prepare: noParams, success: 200},
	"create-system": {allowed: writers, success: 201, prepare: func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
		return nil, map[string]any{"name": unique("Created"), "purpose": "Test", "operator_roles": []string{"deployer"},
			"lifecycle_stage": "idea", "autonomy": "advisory"}
	}},
	"get-system":                     {allowed: everyone, prepare: anySystem, success: 200},
	"update-system":                  {allowed: writers, prepare: ownSystem(map[string]any{"description": "changed"}), success: 200},
	"delete-system":                  {allowed: writers, prepare: ownSystem(nil), success: 204},
	"list-model-versions":            {allowed: everyone, prepare: anySystem, success: 200},
	"create-model-version":           {allowed: writers, prepare: ownSystem(map[string]any{"version": "1.0", "digest": validDigest}), success: 201},
	"get-model-version":              {allowed: everyone, prepare: ownModelVersion(nil), success: 200},
	"update-model-version":           {allowed: writers, prepare: ownModelVersion(map[string]any{"notes": "changed"}), success: 200},
	"delete-model-version":           {allowed: writers, prepare: ownModelVersion(nil), success: 204},
	"export-model-version-cyclonedx": {allowed: exporters, prepare: ownModelVersion(nil), success: 200},
	"import-model-version-cyclonedx": {allowed: writers, contentType: "application/vnd.cyclonedx+json", success: 201,
		prepare: func(t *testing.T, e *apiEnv, o *orgEnv, caller *aims.Member) (map[string]string, any) {
			return map[string]string{"id": o.mustSystem(t, e.db, caller.ID).ID}, modelBOM(unique("v"))
		}},
	"create-model-version-approval": {allowed: approvers, prepare: ownModelVersion(map[string]any{"status": "approved",
		"evidence": "validation report VR-7", "acceptance_criteria": "MAE below 0.5", "result": "MAE 0.41"}), success: 200},
	"list-datasets":   {allowed: everyone, prepare: noParams, success: 200},
	"export-datasets": {allowed: exporters, prepare: noParams, success: 200},
	"create-dataset": {allowed: editors, success: 201, prepare: func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
		return nil, map[string]any{"name": unique("Dataset"), "personal_data": "no"}
	}},
	"get-dataset":      {allowed: everyone, prepare: aDataset(nil), success: 200},
	"update-dataset":   {allowed: editors, prepare: aDataset(map[string]any{"description": "changed"}), success: 200},
	"delete-dataset":   {allowed: editors, prepare: aDataset(nil), success: 204},
	"list-suppliers":   {allowed: everyone, prepare: noParams, success: 200},
	"export-suppliers": {allowed: exporters, prepare: noParams, success: 200},
	"create-supplier": {allowed: editors, success: 201, prepare: func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
		return nil, map[string]any{"name": unique("Supplier"), "supplies": []string{"model"}}
	}},
	"get-supplier":            {allowed: everyone, prepare: aSupplier(nil), success: 200},
	"update-supplier":         {allowed: editors, prepare: aSupplier(map[string]any{"contact": "changed"}), success: 200},
	"delete-supplier":         {allowed: editors, prepare: aSupplier(nil), success: 204},
	"list-supplier-questions": {allowed: everyone, prepare: noParams, success: 200},
	"create-supplier-question": {allowed: editors, success: 201, prepare: func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
		return nil, map[string]any{"question": unique("Question"), "answer_type": "yes_no", "weight": 10}
	}},
	"get-supplier-question":    {allowed: everyone, prepare: aSupplierQuestion(nil), success: 200},
	"update-supplier-question": {allowed: editors, prepare: aSupplierQuestion(map[string]any{"weight": 20}), success: 200},
	"delete-supplier-question": {allowed: editors, prepare: aSupplierQuestion(nil), success: 204},
	"list-audit-events":        {allowed: trail, prepare: noParams, success: 200},
	"export-audit-events":      {allowed: trail, prepare: noParams, success: 200},
	"list-users":               {allowed: everyone, prepare: noParams, success: 200},
	"get-user": {allowed: everyone, success: 200, prepare: func(_ *testing.T, _ *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
		return map[string]string{"id": o.Admin.ID}, nil
	}},
	"create-user": {allowed: admins, success: 201, prepare: func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
		return nil, map[string]any{"email": newMemberEmail(), "role": "viewer"}
	}},

	"update-user": {allowed: admins, success: 200, prepare: func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
		m := o.AddMember(t, e.db, newMemberEmail(), aims.RoleViewer)
		return map[string]string{"id": m.ID}, map[string]any{"role": "contributor"}
	}},
	"list-tokens": {allowed: everyone, prepare: noParams, success: 200},
	"create-token": {allowed: admins, success: 201, prepare: func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
		return nil, map[string]any{"name": unique("pipeline")}
	}},
	"revoke-token": {allowed: admins, success: 204, prepare: func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
		return map[string]string{"id": o.mustTokenRecord(t, e.svc)}, nil
	}},
	// The CSV import changes systems of any owner in bulk: a system owner
	// may not.
	"import-systems": {allowed: editors, contentType: "text/csv", success: 200, prepare: func(_ *testing.T, _ *apiEnv, _ *orgEnv, caller *aims.Member) (map[string]string, any) {
		return nil, "name,purpose,owner_email,lifecycle_stage,autonomy,operator_roles\n" + unique("Imported") + ",Test," + caller.Email + ",idea,advisory,deployer\n"
	}},
	"export-systems": {allowed: exporters, prepare: noParams, success: 200},

	// Catalogs and crosswalks: everyone reads them; downloading one is an
	// export. Importing catalogs and your own requirement texts, and adding
	// mappings, change the organization's records: edit, as for any record.
	"list-frameworks":     {allowed: everyone, prepare: noParams, success: 200},
	"get-framework":       {allowed: everyone, prepare: params(map[string]string{"framework": catalog.EUAIAct}), success: 200},
	"search-requirements": {allowed: everyone, prepare: params(map[string]string{"framework": catalog.NISTAIRMF, query: "q=govern"}), success: 200},
	"get-requirement": {allowed: everyone, success: 200,
		prepare: params(map[string]string{"framework": catalog.NISTAIRMF, "id": url.PathEscape("GOVERN 1.1")})},
	"export-framework": {allowed: exporters, prepare: params(map[string]string{"framework": catalog.ISO42001, query: "format=oscal"}), success: 200},
	"import-framework": {allowed: editors, contentType: "application/octet-stream", success: 201,
		prepare: func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
			return map[string]string{query: "id=" + newFrameworkID()}, oscalCatalog(unique("Imported controls"))
		}},
	"delete-framework": {allowed: editors, success: 204, prepare: func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
		return map[string]string{"framework": o.mustFramework(t, e.svc).ID}, nil
	}},
	"import-requirement-texts": {allowed: editors, contentType: "text/csv", success: 200,
		prepare: func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
			return map[string]string{"framework": catalog.ISO42001}, "id,text\nA.2.2," + unique("Our licensed text") + "\n"
		}},
	"delete-requirement-texts": {allowed: editors, success: 200, prepare: func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
		o.mustOwnerText(t, e.svc, "A.2.2", unique("Our licensed text"))
		return map[string]string{"framework": catalog.ISO42001}, nil
	}},
	"list-crosswalks":  {allowed: everyone, prepare: noParams, success: 200},
	"get-crosswalk":    {allowed: everyone, prepare: params(map[string]string{"id": "nist-ai-rmf_iso42001"}), success: 200},
	"export-crosswalk": {allowed: exporters, prepare: params(map[string]string{"id": "iso42001_eu-ai-act", query: "format=oscal"}), success: 200},
	"list-mappings":    {allowed: everyone, prepare: noParams, success: 200},
	"create-mapping": {allowed: editors, success: 201, prepare: func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
		m := o.newMapping(t, e.svc)
		return nil, map[string]any{"from": m.From, "source": m.Source, "to": m.To, "target": m.Target, "relationship": m.Relationship, "rationale": m.Rationale}
	}},
	"delete-mapping": {allowed: editors, success: 204, prepare: func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
		return map[string]string{"id": o.mustMapping(t, e.svc, o.newMapping(t, e.svc)).ID}, nil
	}},

	// The Statement of Applicability: contributors edit the draft (they
	// edit records and approve nothing), a system owner edits only their own
	// systems; only an AIMS manager or an admin approves; an auditor reads
	// and exports every version, a viewer reads.
	"list-soa-versions": {allowed: everyone, prepare: noParams, success: 200},
	"get-soa-version":   {allowed: everyone, prepare: soaVersion(false), success: 200},
	"start-soa-draft": {allowed: editors, success: 201, prepare: func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
		o.noSoADraft(t, e.svc)
		return nil, map[string]any{"note": "Yearly review"}
	}},
	"update-soa-control": {allowed: editors, success: 200, prepare: func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
		d := o.soaDraft(t, e.svc)
		return controlParams(d.Number, aims.Ref{Framework: catalog.ISO42001, ID: "A.6.2.8"}),
			map[string]any{"applicability": "applicable", "justification": "We log every AI decision", "notes": unique("note")}
	}},
	"bulk-update-soa": {allowed: editors, success: 200, prepare: func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
		d := o.soaDraft(t, e.svc)
		return map[string]string{"number": strconv.Itoa(d.Number)}, map[string]any{
			"controls": []map[string]string{{"framework": catalog.ISO42001, "requirement_id": "A.2.2"}, {"framework": catalog.ISO42001, "requirement_id": "A.2.3"}},
			"set":      map[string]any{"implementation_status": "planned", "notes": unique("note")}}
	}},
	"add-soa-control": {allowed: editors, success: 201, prepare: func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
		d := o.soaDraft(t, e.svc)
		ref := absentControl(t, d)
		return map[string]string{"number": strconv.Itoa(d.Number)}, map[string]any{"framework": ref.Framework, "requirement_id": ref.ID}
	}},
	"remove-soa-control": {allowed: editors, success: 204, prepare: func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
		return controlParams(o.addedControl(t, e.svc)), nil
	}},
	"approve-soa-version": {allowed: approvers, success: 200, prepare: func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
		return map[string]string{"number": strconv.Itoa(o.decidedSoADraft(t, e.svc).Number)}, map[string]any{"note": "Reviewed"}
	}},
	"export-soa-version": {allowed: exporters, prepare: soaVersion(true), success: 200},
	"diff-soa-versions": {allowed: everyone, success: 200, prepare: func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
		from := o.soaApproved(t, e.svc)
		return map[string]string{query: fmt.Sprintf("from=%d&to=%d", from, o.soaDraft(t, e.svc).Number)}, nil
	}},
	"soa-coverage": {allowed: everyone, success: 200, prepare: func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
		return map[string]string{query: "version=" + strconv.Itoa(o.soaApproved(t, e.svc))}, nil
	}},
}

// params returns a prepare function that gives fixed parameters.
func params(p map[string]string) func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
	return func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) { return p, nil }
}

// soaVersion names an SoA version: the newest approved one, or the draft.
func soaVersion(approved bool) func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
	return func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
		n := o.soaDraft(t, e.svc).Number
		if approved {
			n = o.soaApproved(t, e.svc)
		}
		return map[string]string{"number": strconv.Itoa(n)}, nil
	}
}

// operations lists every operation of the API's OpenAPI document.
func operations(a huma.API) []*huma.Operation {
	var out []*huma.Operation
	for _, item := range a.OpenAPI().Paths {
		for _, op := range []*huma.Operation{item.Get, item.Put, item.Post, item.Patch, item.Delete, item.Head, item.Options, item.Trace} {
			if op != nil {
				out = append(out, op)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Method < out[j].Method
	})
	return out
}

func isWrite(method string) bool {
	return method != http.MethodGet && method != http.MethodHead && method != http.MethodOptions
}

// query is the key of opCase parameters that holds the query string.
const query = "?"

// fillPath puts params into an OpenAPI path template.
func fillPath(t *testing.T, tmpl string, params map[string]string) string {
	t.Helper()
	for k, v := range params {
		tmpl = strings.ReplaceAll(tmpl, "{"+k+"}", v)
	}
	if strings.Contains(tmpl, "{") {
		t.Fatalf("path %s: the test case gives no value for a parameter", tmpl)
	}
	if q := params[query]; q != "" {
		tmpl += "?" + q
	}
	return tmpl
}

// TestRoleMatrix calls every operation of the OpenAPI document as each role
// with a valid request: the roles allowed get the operation's answer, every
// other role 403, and a caller without a token 401. An auditor's token gets
// 403 on every write.
func TestRoleMatrix(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		o := e.orgs["a"]
		registered := map[string]bool{}
		for _, op := range operations(e.srv.API()) {
			registered[op.OperationID] = true
			c, ok := opCases[op.OperationID]
			if !ok {
				t.Errorf("operation %q (%s %s) has no entry in opCases (internal/api/roles_test.go): add one with the roles that may call it and a valid request",
					op.OperationID, op.Method, op.Path)
				continue
			}
			if got := api.Roles(op); !slices.Equal(got, c.allowed) {
				t.Errorf("operation %q: code allows %v, the expectation is %v: fix the permission in code, or the expectation if the policy changed",
					op.OperationID, got, c.allowed)
			}
			if isWrite(op.Method) && slices.Contains(c.allowed, aims.RoleAuditor) {
				t.Errorf("operation %q writes, but the expectation lets an auditor call it", op.OperationID)
			}
			t.Run(op.OperationID, func(t *testing.T) {
				params, body := c.prepare(t, e, o, o.Admin)
				res := e.do(t, request{method: op.Method, url: fillPath(t, op.Path, params), body: body, contentType: c.contentType})
				if res.Code != http.StatusUnauthorized {
					t.Errorf("without a token: status %d, want 401; body: %s", res.Code, res.Body)
				}
				for _, role := range aims.RoleValues() {
					caller := o.members[role]
					params, body := c.prepare(t, e, o, caller)
					url := fillPath(t, op.Path, params)
					res := e.do(t, request{method: op.Method, url: url, token: o.tokens[role], body: body, contentType: c.contentType})
					allowed := slices.Contains(c.allowed, role)
					switch {
					case !allowed && res.Code != http.StatusForbidden:
						t.Errorf("%s %s as %s: status %d, want 403; body: %s", op.Method, url, role, res.Code, res.Body)
					case !allowed:
						decodeProblem(t, res)
					case c.success != 0 && res.Code != c.success:
						t.Errorf("%s %s as %s: status %d, want %d; body: %s", op.Method, url, role, res.Code, c.success, res.Body)
					case res.Code == http.StatusForbidden || res.Code >= 500:
						t.Errorf("%s %s as %s: status %d, want it allowed; body: %s", op.Method, url, role, res.Code, res.Body)
					}
				}
			})
		}
		for id := range opCases {
			if !registered[id] {
				t.Logf("operation %q is not registered yet: skipped", id)
			}
		}
	})
}
