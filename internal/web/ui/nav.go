package ui

import "github.com/aimsproject/aims/internal/authz"

// The main navigation: a few menus instead of a row of links that wraps.
// Each menu is a <details class="dropdown">, so it opens without script;
// the menu of the current page is marked with aria-current.

// NavGroup is one menu of the main navigation.
type NavGroup struct {
	Key, Label string
	Items      []NavItem
}

// NavItem is one link of a menu; Key is the Page.Active value of the pages
// it leads to.
type NavItem struct {
	Href, Key, Label string
}

// NavGroups lists the menus p's person may see, in order; a menu with no
// link left for them is dropped.
func NavGroups(p Page) []NavGroup {
	groups := []NavGroup{
		{Key: "inventory", Label: "Inventory", Items: []NavItem{
			{"/systems", "systems", "AI systems"},
			{"/datasets", "datasets", "Datasets"},
			{"/suppliers", "suppliers", "Suppliers"},
			{"/supplier-questions", "supplier questions", "Supplier questionnaire"},
			{"/lineage", "lineage", "Data lineage"},
		}},
		{Key: "context", Label: "Context", Items: []NavItem{
			{"/context", "context", "Context"},
			{"/context/issues", "context issues", "Issues"},
			{"/interested-parties", "interested parties", "Interested parties"},
			{"/changes", "planned changes", "Planned changes"},
			{"/resources", "resources", "Resources"},
			{"/communications", "communications", "Communication plan"},
		}},
		{Key: "planning", Label: "Planning", Items: []NavItem{
			{"/risks", "risks", "Risks"},
			{"/objectives", "objectives", "Objectives"},
			{"/risk-criteria", "risk-criteria", "Risk criteria"},
			{"/classifications", "classifications", "EU AI Act classification"},
			{"/soa", "soa", "Statement of Applicability"},
			{"/evidence", "evidence", "Evidence"},
		}},
		{Key: "support", Label: "Support", Items: []NavItem{
			{"/my-work", "my-work", "My work"},
			{"/documents", "documents", "Documents"},
			{"/approvals", "approvals", "Approvals"},
		}},
		{Key: "people", Label: "People", Items: []NavItem{
			{"/people", "people", "People"},
			{"/aims-roles", "aims-roles", "AIMS roles"},
			{"/raci", "raci", "RACI"},
			{"/training-records", "training-records", "Training records"},
			{"/awareness-sessions", "awareness-sessions", "Awareness sessions"},
			{"/ai-literacy", "ai-literacy", "AI literacy"},
		}},
		{Key: "frameworks", Label: "Frameworks", Items: []NavItem{
			{"/catalog", "catalog", "Catalogs and crosswalks"},
			{"/coverage", "coverage", "Coverage"},
		}},
	}
	var records []NavItem
	if p.Can(authz.ReadAudit) {
		records = append(records, NavItem{"/audit", "audit", "Audit trail"})
	}
	if p.Can(authz.ReadLog) {
		records = append(records, NavItem{"/log", "log", "Log"})
	}
	groups = append(groups, NavGroup{Key: "records", Label: "Records", Items: records})
	var admin []NavItem
	if p.Can(authz.ManageUsers) {
		admin = append(admin, NavItem{"/admin/users", "admin", "Users"}, NavItem{"/admin/sign-in", "admin-sign-in", "Sign-in settings"})
	}
	if p.Can(authz.ManageTokens) {
		admin = append(admin, NavItem{"/admin/tokens", "admin-tokens", "API tokens"})
	}
	if p.Can(authz.ManageSettings) {
		admin = append(admin, NavItem{"/admin/settings", "admin-settings", "Approval and evidence settings"})
		admin = append(admin, NavItem{"/admin/gates", "admin-gates", "Lifecycle gates"})
	}
	groups = append(groups, NavGroup{Key: "admin", Label: "Admin", Items: admin})
	out := groups[:0]
	for _, g := range groups {
		if len(g.Items) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// Current reports whether the page p shows belongs to g.
func (g NavGroup) Current(p Page) bool {
	for _, it := range g.Items {
		if it.Key == p.Active {
			return true
		}
	}
	return false
}
