package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestSystemPageIsTheHub checks that the system page shows its risks, the
// controls that treat them with the SoA version they come from, its
// obligations with a status that its editors set, and what blocks it,
// each linked to its own page; and that the risk and control pages link
// back.
func TestSystemPageIsTheHub(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		owner := e.members[aims.RoleSystemOwner]
		sys := e.mustSystem("Credit scoring", owner)
		yes := true
		if _, _, err := e.svc.ClassifySystem(e.ctx(aims.RoleAdmin), sys.ID, aims.ClassificationAnswers{AISystem: &yes,
			Roles: []aims.OperatorRole{aims.OperatorDeployer}, Rationale: "Scores loan applicants."}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.StartSoADraft(e.ctx(aims.RoleAdmin), "first"); err != nil {
			t.Fatal(err)
		}
		// The "Add a risk" form comes pre-filled with the system.
		form := e.get(aims.RoleSystemOwner, "/risks/new?system_id="+sys.ID).want(t, http.StatusOK)
		query(t, form.doc, `select#system_id option[value="`+sys.ID+`"][selected]`)
		created := e.post(aims.RoleSystemOwner, "/risks/new", riskFormValues(sys.ID, owner.ID)).want(t, http.StatusSeeOther)
		riskURL := created.location
		systemURL := "/systems/" + sys.ID

		p := e.get(aims.RoleViewer, systemURL).want(t, http.StatusOK)
		query(t, p.doc, `#risk-panel #system-risks a[href="`+riskURL+`"]`)
		if got := text(query(t, p.doc, "#system-risks tbody td span.badge")); got != "High" {
			t.Errorf("risk level = %q, want the word High", got)
		}
		query(t, p.doc, `#control-panel #system-controls a[href="/catalog/iso42001/A.5.4"]`)
		if got := text(query(t, p.doc, "#controls-soa")); !strings.Contains(got, "SoA version 1 (draft)") {
			t.Errorf("controls from %q, want SoA version 1 named", got)
		}
		query(t, p.doc, `#obligation-panel #obligation-status a[href="/catalog/eu-ai-act/Art.%204"]`)
		query(t, p.doc, `#blockers .blocker-risk_above_appetite a[href="`+riskURL+`"]`)
		query(t, p.doc, `#blockers .blocker-obligation_open a[href="`+systemURL+`#obligation-panel"]`)
		if len(queryAll(p.doc, "#add-risk")) != 0 || len(queryAll(p.doc, "#obligation-form")) != 0 {
			t.Error("a viewer is offered to add a risk or set an obligation's status")
		}

		p = e.get(aims.RoleSystemOwner, systemURL).want(t, http.StatusOK)
		query(t, p.doc, `a#add-risk[href="/risks/new?system_id=`+sys.ID+`"]`)
		query(t, p.doc, "form#obligation-form")
		bad := e.post(aims.RoleSystemOwner, systemURL+"/obligations",
			url.Values{"article": {"Art. 4"}, "status": {"not_applicable"}}).want(t, http.StatusUnprocessableEntity)
		query(t, bad.doc, "#note-error")
		e.post(aims.RoleSystemOwner, systemURL+"/obligations",
			url.Values{"article": {"Art. 4"}, "status": {"met"}, "note": {"Training given"}}).want(t, http.StatusSeeOther)
		e.post(aims.RoleViewer, systemURL+"/obligations",
			url.Values{"article": {"Art. 4"}, "status": {"open"}}).want(t, http.StatusForbidden)
		p = e.get(aims.RoleViewer, systemURL).want(t, http.StatusOK)
		if got := text(query(t, p.doc, "#obligation-status tbody tr")); !strings.Contains(got, "Met") || !strings.Contains(got, "Training given") ||
			!strings.Contains(got, "UTC") {
			t.Errorf("Art. 4 row = %q, want met, the note, who and when", got)
		}
		if len(queryAll(p.doc, "#blockers .blocker-obligation_open")) != 0 {
			t.Error("a met obligation still blocks the system")
		}

		trail := e.get(aims.RoleAuditor, "/audit?entity_type="+aims.EntityObligationStatus).want(t, http.StatusOK)
		query(t, trail.doc, `a[href="`+systemURL+`#obligation-panel"]`)

		// The risk links its system; the control's page shows the SoA row,
		// the risk and the system.
		r := e.get(aims.RoleViewer, riskURL).want(t, http.StatusOK)
		query(t, r.doc, `a.risk-system[href="`+systemURL+`"]`)
		c := e.get(aims.RoleViewer, "/catalog/iso42001/A.5.4").want(t, http.StatusOK)
		query(t, c.doc, "#control-use #control-soa-row")
		query(t, c.doc, `#control-risks a[href="`+riskURL+`"]`)
		query(t, c.doc, `#control-systems a[href="`+systemURL+`"]`)
	})
}
