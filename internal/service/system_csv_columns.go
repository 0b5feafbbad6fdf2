package service

import (
	"fmt"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
)

// colName is the column that matches a row to an AI system.
const colName = "name"

// csvColumn is one column of the inventory spreadsheet: how an export
// writes it and how an import reads it. set returns a problem with the
// cell, or "".
type csvColumn struct {
	name string
	get  func(s *aims.AISystem) string
	set  func(r *importRefs, s *aims.AISystem, v string) string
}

// systemColumns are the spreadsheet's columns in the order of an export.
var systemColumns = []csvColumn{
	textColumn(colName, func(s *aims.AISystem) *string { return &s.Name }),
	textColumn("purpose", func(s *aims.AISystem) *string { return &s.Purpose }),
	textColumn("description", func(s *aims.AISystem) *string { return &s.Description }),
	{"owner_email", func(s *aims.AISystem) string { return s.OwnerEmail }, setOwner},
	textColumn("business_unit", func(s *aims.AISystem) *string { return &s.BusinessUnit }),
	textColumn("site", func(s *aims.AISystem) *string { return &s.Site }),
	listColumn("operator_roles", func(s *aims.AISystem) *[]aims.OperatorRole { return &s.OperatorRoles }, enumList[aims.OperatorRole]),
	enumColumn("lifecycle_stage", func(s *aims.AISystem) *aims.LifecycleStage { return &s.LifecycleStage }),
	enumColumn("autonomy", func(s *aims.AISystem) *aims.Autonomy { return &s.Autonomy }),
	listColumn("impact_domains", func(s *aims.AISystem) *[]aims.ImpactDomain { return &s.ImpactDomains }, enumList[aims.ImpactDomain]),
	listColumn("techniques", func(s *aims.AISystem) *[]string { return &s.Techniques }, splitList),
	{"supplier", func(s *aims.AISystem) string { return s.SupplierName }, setSupplier},
	{"in_scope", func(s *aims.AISystem) string { return yesNo(s.InScope) }, setInScope},
	textColumn("scope_justification", func(s *aims.AISystem) *string { return &s.ScopeJustification }),
	listColumn("tags", func(s *aims.AISystem) *[]string { return &s.Tags }, splitList),
	// Read only: the flag of a system at its stage without a passed gate
	// (issue 17); an import ignores it, so that an export imports back.
	{"gate_override", func(s *aims.AISystem) string { return s.GateOverride.Words() },
		func(*importRefs, *aims.AISystem, string) string { return "" }},
}

// SystemCSVColumns lists the inventory spreadsheet's columns in the order
// an export writes them.
func SystemCSVColumns() []string {
	out := make([]string, len(systemColumns))
	for i, c := range systemColumns {
		out[i] = c.name
	}
	return out
}

// textColumn is a column of free text.
func textColumn(name string, field func(*aims.AISystem) *string) csvColumn {
	return csvColumn{name,
		func(s *aims.AISystem) string { return *field(s) },
		func(_ *importRefs, s *aims.AISystem, v string) string { *field(s) = v; return "" }}
}

// enumColumn is a column of one enum value; Validate names a bad one.
func enumColumn[T ~string](name string, field func(*aims.AISystem) *T) csvColumn {
	return csvColumn{name,
		func(s *aims.AISystem) string { return string(*field(s)) },
		func(_ *importRefs, s *aims.AISystem, v string) string { *field(s) = T(enumToken(v)); return "" }}
}

// listColumn is a column of a list, separated by ';'.
func listColumn[T ~string](name string, field func(*aims.AISystem) *[]T, read func(string) []T) csvColumn {
	return csvColumn{name,
		func(s *aims.AISystem) string { return joinList(*field(s)) },
		func(_ *importRefs, s *aims.AISystem, v string) string { *field(s) = read(v); return "" }}
}

// setOwner looks the owner up by email. A disabled account may stay the
// owner of a row that changes nothing (so that an export imports back); a
// row that changes the system must name an active member (planRow).
func setOwner(r *importRefs, s *aims.AISystem, v string) string {
	email := aims.NormalizeEmail(v)
	current := s.OwnerID
	s.OwnerID, s.OwnerName, s.OwnerEmail = "", "", email
	m := r.members[email]
	switch {
	case email == "":
		return ownerRequired
	case m == nil:
		return fmt.Sprintf("%s is not a member of this organization: add them as a user first", email)
	case m.Disabled && m.ID != current:
		return ownerDisabled(email)
	}
	s.OwnerID, s.OwnerName = m.ID, m.Name
	return ""
}

const ownerRequired = "is required: the email of the member with authority to stop the system"

func ownerDisabled(email string) string {
	return fmt.Sprintf("%s is a disabled account: name an active member with authority to stop the system", email)
}

func setSupplier(r *importRefs, s *aims.AISystem, v string) string {
	v = strings.TrimSpace(v)
	s.SupplierID, s.SupplierName = "", v
	if v == "" {
		return ""
	}
	sp := r.suppliers[store.NameKey(v)]
	if sp == nil {
		return fmt.Sprintf("no supplier is named %q: add it under Suppliers first, or leave the cell empty", v)
	}
	s.SupplierID, s.SupplierName = sp.ID, sp.Name
	return ""
}

func setInScope(_ *importRefs, s *aims.AISystem, v string) string {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "yes", "true":
		s.InScope = true
	case "no", "false":
		s.InScope = false
	default:
		return "must be yes or no (an empty cell means yes)"
	}
	return ""
}
