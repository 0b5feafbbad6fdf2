package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/gate"
	"github.com/aimsproject/aims/internal/service"
)

// The organization's lifecycle gate definitions (issue 17; ISO/IEC 42001
// A.6.2.4, A.6.2.5): each gate as in force, for ordinary and for strict
// systems, marked as the organization's own or the default; an admin edits
// a gate's checks or resets it to the default. The form offers each check
// kind once.

func (ui *UI) registerGateDefinitions(r chi.Router) {
	r.Get("/admin/gates", ui.handle(ui.gateDefinitionsPage))
	r.Get("/admin/gates/{gate}", ui.handle(ui.gateDefinitionEdit))
	r.Post("/admin/gates/{gate}", ui.handle(ui.gateDefinitionSave))
	r.Post("/admin/gates/{gate}/reset", ui.handle(ui.gateDefinitionReset))
}

// gateDefinitionsView lists every gate with its checks.
type gateDefinitionsView struct {
	Defs *service.GateDefinitions
}

// Own reports whether the organization defined gate g itself.
func (v gateDefinitionsView) Own(g gate.ID) bool { return slices.Contains(v.Defs.Own, g) }

// checkText says what a check asks, for people.
func checkText(c gate.Check) string {
	switch c.Kind {
	case gate.CheckEvidence:
		kinds := make([]string, len(c.EvidenceKinds))
		for i, k := range c.EvidenceKinds {
			kinds[i] = strings.ReplaceAll(k, "-", " ")
		}
		s := "Evidence attached: " + strings.Join(kinds, ", ")
		if c.OfThisVersion {
			s += " (of the model version itself)"
		}
		return s
	case gate.CheckApprovals:
		roles := make([]string, len(c.Roles))
		for i, r := range c.Roles {
			roles[i] = r.Title()
		}
		who := "1 person"
		if c.Quorum > 1 {
			who = strconv.Itoa(c.Quorum) + " people"
		}
		return "Approved by " + who + " (" + strings.Join(roles, " or ") + ")"
	}
	return c.Kind.Title()
}

// gateForm edits one gate's checks.
type gateForm struct {
	Gate          gate.ID
	Kinds         []gate.CheckKind
	EvidenceKinds string
	OfThisVersion bool
	Roles         []aims.Role
	Quorum        string
	Errors        formErrors
}

// KindOptions are the check kinds, ticked as chosen.
func (f gateForm) KindOptions() []option {
	var out []option
	for _, k := range gate.CheckKindValues() {
		out = append(out, option{Value: string(k), Label: k.Title(), Selected: slices.Contains(f.Kinds, k)})
	}
	return out
}

// RoleOptions are the roles that may approve, ticked as chosen.
func (f gateForm) RoleOptions() []option {
	var out []option
	for _, r := range []aims.Role{aims.RoleAdmin, aims.RoleAIMSManager, aims.RoleSystemOwner, aims.RoleContributor} {
		out = append(out, option{Value: string(r), Label: r.Title(), Selected: slices.Contains(f.Roles, r)})
	}
	return out
}

// ForVersion reports whether the gate is a model version's.
func (f gateForm) ForVersion() bool { return f.Gate != gate.SystemDeployment }

func gateFormOf(d gate.Definition) gateForm {
	f := gateForm{Gate: d.Gate, Quorum: "1"}
	var evidence []string
	for _, c := range d.Checks {
		if !slices.Contains(f.Kinds, c.Kind) {
			f.Kinds = append(f.Kinds, c.Kind)
		}
		switch c.Kind {
		case gate.CheckEvidence:
			// Two evidence checks (a strict default) become one asking
			// for every kind.
			evidence = append(evidence, c.EvidenceKinds...)
			f.EvidenceKinds = strings.Join(evidence, ", ")
			f.OfThisVersion = f.OfThisVersion || c.OfThisVersion
		case gate.CheckApprovals:
			f.Roles, f.Quorum = c.Roles, strconv.Itoa(c.Quorum)
		}
	}
	return f
}

func (ui *UI) gateDefinitionsPage(w http.ResponseWriter, r *http.Request) error {
	if err := ui.allowed(r, viewer(r).Can(authz.ManageSettings), "define lifecycle gates"); err != nil {
		return err
	}
	defs, err := ui.Svc.FindGateDefinitions(r.Context())
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, GateDefinitionsPage(ui.page(r, "Lifecycle gates", "admin-gates"), gateDefinitionsView{Defs: defs}))
}

func (ui *UI) gateForPath(r *http.Request) (gate.ID, error) {
	if err := ui.allowed(r, viewer(r).Can(authz.ManageSettings), "define lifecycle gates"); err != nil {
		return "", err
	}
	g := gate.ID(chi.URLParam(r, "gate"))
	if !g.IsValid() {
		return "", aims.ErrNotFound("gate")
	}
	return g, nil
}

func (ui *UI) gateDefinitionEdit(w http.ResponseWriter, r *http.Request) error {
	g, err := ui.gateForPath(r)
	if err != nil {
		return err
	}
	defs, err := ui.Svc.FindGateDefinitions(r.Context())
	if err != nil {
		return err
	}
	f := gateForm{Gate: g}
	for _, d := range defs.Definitions {
		if d.Gate == g {
			f = gateFormOf(d)
		}
	}
	return render(w, r, http.StatusOK, GateDefinitionPage(ui.page(r, "Edit the "+g.Title(), "admin-gates"), f))
}

func (ui *UI) gateDefinitionSave(w http.ResponseWriter, r *http.Request) error {
	g, err := ui.gateForPath(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	p := r.PostForm
	f := gateForm{Gate: g, EvidenceKinds: p.Get("evidence_kinds"), OfThisVersion: p.Get("of_this_version") == "true", Quorum: p.Get("quorum")}
	for _, k := range p["kinds"] {
		f.Kinds = append(f.Kinds, gate.CheckKind(k))
	}
	for _, role := range p["roles"] {
		f.Roles = append(f.Roles, aims.Role(role))
	}
	d := gate.Definition{Gate: g, Checks: []gate.Check{}}
	fe := formErrors{}
	for _, k := range f.Kinds {
		c := gate.Check{Kind: k}
		switch k {
		case gate.CheckEvidence:
			c.EvidenceKinds, c.OfThisVersion = splitList(f.EvidenceKinds), f.OfThisVersion
		case gate.CheckApprovals:
			c.Roles = f.Roles
			n, err := strconv.Atoi(strings.TrimSpace(f.Quorum))
			if err != nil {
				fe["quorum"] = "must be a whole number between 1 and 20"
			}
			c.Quorum = n
		}
		d.Checks = append(d.Checks, c)
	}
	if len(d.Checks) == 0 {
		fe["kinds"] = "choose at least one check: a gate without checks never passes"
	}
	if len(fe) == 0 {
		err = ui.Svc.PutGateDefinition(r.Context(), d)
		if ve, ok := fieldErrors(err); ok {
			for k, msg := range ve {
				fe[gateFormField(k)] = msg
			}
		} else if err != nil {
			return err
		}
	}
	if len(fe) > 0 {
		f.Errors = fe
		return render(w, r, http.StatusUnprocessableEntity, GateDefinitionPage(ui.page(r, "Edit the "+g.Title(), "admin-gates"), f))
	}
	return ui.done(w, r, "Saved the "+g.Title()+".", "/admin/gates")
}

// gateFormField maps a definition's field error (checks/2/roles/0) to the
// form's field (roles).
func gateFormField(k string) string {
	parts := strings.Split(k, "/")
	if len(parts) >= 3 && parts[0] == "checks" {
		switch parts[2] {
		case "kind":
			return "kinds"
		case "roles", "quorum", "evidence_kinds", "of_this_version":
			return parts[2]
		}
	}
	return "kinds"
}

func (ui *UI) gateDefinitionReset(w http.ResponseWriter, r *http.Request) error {
	g, err := ui.gateForPath(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	if err := ui.Svc.DeleteGateDefinition(r.Context(), g); err != nil {
		return err
	}
	return ui.done(w, r, "The "+g.Title()+" is the default again.", "/admin/gates")
}
