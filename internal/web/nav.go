package web

import "github.com/aimsproject/aims/internal/authz"

// The main navigation: a few menus instead of a row of links that wraps.
// Each menu is a <details class="dropdown">, so it opens without script;
// the menu of the current page is marked with aria-current.

// navGroup is one menu of the main navigation.
type navGroup struct {
	Key, Label string
	Items      []navItem
}

// navItem is one link of a menu; Key is the Page.Active value of the pages
// it leads to.
type navItem struct {
	Href, Key, Label string
}

// navGroups lists the menus p's person may see, in order; a menu with no
// link left for them is dropped.
func navGroups(p Page) []navGroup {
	groups := []navGroup{
		{Key: "inventory", Label: "Inventory", Items: []navItem{
			{"/systems", "systems", "AI systems"},
			{"/datasets", "datasets", "Datasets"},
			{"/suppliers", "suppliers", "Suppliers"},
			{"/lineage", "lineage", "Data lineage"},
		}},
		{Key: "planning", Label: "Planning", Items: []navItem{
			{"/risks", "risks", "Risks"},
			{"/risk-criteria", "risk-criteria", "Risk criteria"},
			{"/classifications", "classifications", "EU AI Act classification"},
			{"/soa", "soa", "Statement of Applicability"},
		}},
		{Key: "frameworks", Label: "Frameworks", Items: []navItem{
			{"/catalog", "catalog", "Catalogs and crosswalks"},
			{"/coverage", "coverage", "Coverage"},
		}},
	}
	var records []navItem
	if p.Can(authz.ReadAudit) {
		records = append(records, navItem{"/audit", "audit", "Audit trail"})
	}
	if p.Can(authz.ReadLog) {
		records = append(records, navItem{"/log", "log", "Log"})
	}
	groups = append(groups, navGroup{Key: "records", Label: "Records", Items: records})
	var admin []navItem
	if p.Can(authz.ManageUsers) {
		admin = append(admin, navItem{"/admin/users", "admin", "Users"})
	}
	if p.Can(authz.ManageTokens) {
		admin = append(admin, navItem{"/admin/tokens", "admin-tokens", "API tokens"})
	}
	groups = append(groups, navGroup{Key: "admin", Label: "Admin", Items: admin})
	out := groups[:0]
	for _, g := range groups {
		if len(g.Items) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// Current reports whether the page p shows belongs to g.
func (g navGroup) Current(p Page) bool {
	for _, it := range g.Items {
		if it.Key == p.Active {
			return true
		}
	}
	return false
}
