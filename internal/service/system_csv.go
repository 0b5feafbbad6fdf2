package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// ImportResult says what an inventory import did (or, in a dry run, would
// do). Rows that match a system and change nothing are counted as
// unchanged and leave no audit event.
type ImportResult struct {
	Created   int  `json:"created"`
	Updated   int  `json:"updated"`
	Unchanged int  `json:"unchanged"`
	DryRun    bool `json:"dry_run"`
}

// ImportSystemsCSV reads an inventory spreadsheet (CSV with a header row)
// and creates or updates the AI systems it lists, matched by name, all in
// one transaction. Every row is checked first: if any row is bad, nothing is
// imported and the *aims.Error names every bad row and column as
// "rows/LINE/COLUMN" (LINE as in the file, the header being line 1).
//
// Columns come in any order; only name is required. A column left out of
// the file leaves that field of existing systems as it is; a column present
// with an empty cell empties the field. Lists are separated by ';'.
//
// Importing needs the Edit permission (contributors, AIMS managers,
// admins): a spreadsheet can name any system, so a system owner, who may
// change only their own, cannot import.
func (s *Service) ImportSystemsCSV(ctx context.Context, r io.Reader, dryRun bool) (*ImportResult, error) {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "import AI systems")
	if err != nil {
		return nil, err
	}
	sh, err := readSheet(r)
	if err != nil {
		return nil, err
	}
	var plan *importPlan
	if dryRun {
		plan, err = planImport(ctx, s.db, scope, sh)
	} else {
		err = s.transact(ctx, func(tx *store.Tx) error {
			var err error
			if plan, err = planImport(ctx, tx, scope, sh); err != nil {
				return err
			}
			return plan.apply(ctx, tx, scope)
		})
	}
	if err != nil {
		return nil, err
	}
	res := &ImportResult{Created: len(plan.creates), Updated: len(plan.updates), Unchanged: plan.unchanged, DryRun: dryRun}
	s.log.InfoContext(ctx, "inventory import", "created", res.Created, "updated", res.Updated, "unchanged", res.Unchanged, "dry_run", dryRun)
	return res, nil
}

// ExportSystemsCSV writes the AI systems matching f as CSV, in the columns
// ImportSystemsCSV reads, so that an export can be edited and imported back.
// The page in f is ignored: every matching system is written. The file
// starts with a UTF-8 byte-order mark, so that spreadsheet programs read
// accented names right.
func (s *Service) ExportSystemsCSV(ctx context.Context, w io.Writer, f aims.SystemFilter) error {
	scope, _, err := authz.Authorize(ctx, authz.Export, "export the AI system inventory")
	if err != nil {
		return err
	}
	if err := validateSystemFilter(f); err != nil {
		return err
	}
	cw, err := newCSVExport(w, SystemCSVColumns())
	if err != nil {
		return err
	}
	rec := make([]string, len(systemColumns))
	err = store.EachSystem(ctx, s.db, scope, f, func(sys *aims.AISystem) error {
		for i, c := range systemColumns {
			rec[i] = c.get(sys)
		}
		return cw.Write(rec)
	})
	if err != nil {
		return err
	}
	return cw.Close()
}

// importRefs is what rows are checked against, loaded once per import.
type importRefs struct {
	members   map[string]*aims.Member   // by email
	suppliers map[string]*aims.Supplier // by name key
	systems   map[string]*aims.AISystem // by name key
}

func loadImportRefs(ctx context.Context, q store.Querier, scope aims.Scope) (*importRefs, error) {
	r := &importRefs{members: map[string]*aims.Member{}, suppliers: map[string]*aims.Supplier{}, systems: map[string]*aims.AISystem{}}
	members, err := store.ListMembers(ctx, q, scope)
	if err != nil {
		return nil, err
	}
	for _, m := range members {
		r.members[m.Email] = m
	}
	suppliers, err := store.ListSuppliers(ctx, q, scope)
	if err != nil {
		return nil, err
	}
	for _, sp := range suppliers {
		r.suppliers[store.NameKey(sp.Name)] = sp
	}
	err = store.EachSystem(ctx, q, scope, aims.SystemFilter{}, func(s *aims.AISystem) error {
		r.systems[store.NameKey(s.Name)] = s
		return nil
	})
	return r, err
}

// importPlan is what an import will write.
type importPlan struct {
	creates   []plannedSystem
	updates   []plannedSystem
	unchanged int
}

type plannedSystem struct {
	line          int
	before, after *aims.AISystem
}

// planImport checks every row against the organization's records and
// returns the plan, or an error naming every bad row and column.
func planImport(ctx context.Context, q store.Querier, scope aims.Scope, sh *sheet) (*importPlan, error) {
	if _, ok := sh.index[colName]; !ok {
		return nil, sh.err() // without names no row can be checked
	}
	refs, err := loadImportRefs(ctx, q, scope)
	if err != nil {
		return nil, err
	}
	plan := &importPlan{}
	seen := map[string]int{}
	for _, r := range sh.rows {
		planRow(sh, refs, seen, plan, r)
	}
	if err := sh.err(); err != nil {
		return nil, err
	}
	return plan, nil
}

// planRow checks one row and adds it to the plan when it is good.
func planRow(sh *sheet, refs *importRefs, seen map[string]int, plan *importPlan, r sheetRow) {
	p := sh.problems
	name, _ := sh.cell(r, colName)
	key := store.NameKey(name)
	sys := &aims.AISystem{InScope: true}
	var before *aims.AISystem
	if key != "" {
		if first, dup := seen[key]; dup {
			p.add(r.line, colName, "repeats the AI system of line %d: list each system once", first)
		} else {
			seen[key] = r.line
		}
		if before = refs.systems[key]; before != nil {
			sys = cloneSystem(before)
		}
	}
	flagged := map[string]bool{}
	for _, c := range systemColumns {
		v, ok := sh.cell(r, c.name)
		if !ok {
			continue
		}
		if problem := c.set(refs, sys, v); problem != "" {
			p.add(r.line, c.name, "%s", problem)
			flagged[c.name] = true
		}
	}
	if sys.OwnerID == "" && !flagged["owner_email"] {
		p.add(r.line, "owner_email", ownerRequired)
		flagged["owner_email"] = true
	}
	sys.Normalize()
	addValidation(p, r.line, sys.Validate(), flagged)
	if before != nil && sys.LifecycleStage.IsValid() && sys.LifecycleStage != before.LifecycleStage && !flagged["lifecycle_stage"] {
		// A stage is set by its act, not by an edit (issue 17).
		p.add(r.line, "lifecycle_stage", "%s", stageEditDetail(before.LifecycleStage, sys.LifecycleStage))
	}
	switch {
	case p.lines[r.line]:
	case before == nil:
		plan.creates = append(plan.creates, plannedSystem{line: r.line, after: sys})
	case sameSystem(before, sys):
		plan.unchanged++
	case refs.members[sys.OwnerEmail] != nil && refs.members[sys.OwnerEmail].Disabled:
		p.add(r.line, "owner_email", "%s", ownerDisabled(sys.OwnerEmail))
	default:
		plan.updates = append(plan.updates, plannedSystem{line: r.line, before: before, after: sys})
	}
}

// addValidation files the domain's field errors under the row's columns,
// leaving alone the cells already reported.
func addValidation(p *lineProblems, line int, err error, flagged map[string]bool) {
	var ae *aims.Error
	if !errors.As(err, &ae) {
		return
	}
	for _, f := range ae.Fields {
		col, entry, _ := strings.Cut(f.Field, "/")
		switch col {
		case "owner_id":
			col = "owner_email"
		case "supplier_id":
			col = "supplier"
		}
		if flagged[col] {
			continue
		}
		detail := f.Detail
		if i, err := strconv.Atoi(entry); err == nil {
			detail = fmt.Sprintf("entry %d: %s", i+1, detail)
		}
		p.add(line, col, "%s", detail)
	}
}

// apply writes the plan. Each create and update goes through the store's
// single write path, which records its audit event.
func (p *importPlan) apply(ctx context.Context, tx *store.Tx, scope aims.Scope) error {
	for _, c := range p.creates {
		act := registeredAtGatedStage(c.after, scope, tx)
		if err := store.CreateSystem(ctx, tx, scope, c.after); err != nil {
			return rowError(c.line, err)
		}
		if act != nil {
			act.SystemID = c.after.ID
			if err := store.CreateStageTransition(ctx, tx, scope, act); err != nil {
				return err
			}
		}
	}
	for _, u := range p.updates {
		if err := store.UpdateSystem(ctx, tx, scope, u.before, u.after); err != nil {
			return rowError(u.line, err)
		}
	}
	return nil
}

// rowError names the row of a write that failed (a name taken meanwhile by
// someone else).
func rowError(line int, err error) error {
	var ae *aims.Error
	if !errors.As(err, &ae) {
		return err
	}
	out := *ae
	out.Fields = nil
	for _, f := range ae.Fields {
		out.Fields = append(out.Fields, aims.FieldError{Field: fmt.Sprintf("rows/%d/%s", line, f.Field), Detail: f.Detail})
	}
	return &out
}

func cloneSystem(s *aims.AISystem) *aims.AISystem {
	c := *s
	c.OperatorRoles = slices.Clone(s.OperatorRoles)
	c.ImpactDomains = slices.Clone(s.ImpactDomains)
	c.Techniques = slices.Clone(s.Techniques)
	c.Tags = slices.Clone(s.Tags)
	return &c
}

// sameSystem reports whether an import row changes nothing that the
// spreadsheet holds. Line ends are compared loosely: CSV readers turn CRLF
// inside a cell into LF.
func sameSystem(a, b *aims.AISystem) bool {
	sameText := func(x, y string) bool {
		return strings.ReplaceAll(x, "\r\n", "\n") == strings.ReplaceAll(y, "\r\n", "\n")
	}
	return a.Name == b.Name && sameText(a.Purpose, b.Purpose) && sameText(a.Description, b.Description) &&
		a.OwnerID == b.OwnerID && a.BusinessUnit == b.BusinessUnit && a.Site == b.Site &&
		slices.Equal(a.OperatorRoles, b.OperatorRoles) && a.LifecycleStage == b.LifecycleStage && a.Autonomy == b.Autonomy &&
		slices.Equal(a.ImpactDomains, b.ImpactDomains) && slices.Equal(a.Techniques, b.Techniques) &&
		a.SupplierID == b.SupplierID && a.InScope == b.InScope && sameText(a.ScopeJustification, b.ScopeJustification) &&
		slices.Equal(a.Tags, b.Tags)
}
