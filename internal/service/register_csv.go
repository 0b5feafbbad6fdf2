package service

import (
	"context"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

// exportPages writes, as one CSV export (csv.go), every record that find
// returns page by page: a list's export holds the whole filtered list, not
// the page on the screen. The caller has authorized the export.
func exportPages[T any](w io.Writer, header []string, find func(aims.Page) ([]*T, int, error), row func(*T) []string) error {
	e, err := newCSVExport(w, header)
	if err != nil {
		return err
	}
	for off := 0; ; {
		list, total, err := find(aims.Page{Limit: aims.MaxLimit, Offset: off})
		if err != nil {
			return err
		}
		for _, t := range list {
			if err := e.Write(row(t)); err != nil {
				return err
			}
		}
		off += len(list)
		if len(list) == 0 || off >= total {
			break
		}
	}
	return e.Close()
}

func csvTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func csvBool(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func csvDate(d *aims.Date) string {
	if d == nil {
		return ""
	}
	return d.String()
}

// DatasetCSVColumns are the columns of the datasets export.
var DatasetCSVColumns = []string{"name", "description", "origin", "collection_method", "personal_data", "licence", "quality_notes",
	"window_start", "window_end", "supplier", "tags", "created_at", "updated_at", "id"}

// ExportDatasetsCSV writes the datasets that f selects (all pages) as CSV.
func (s *Service) ExportDatasetsCSV(ctx context.Context, w io.Writer, f aims.DatasetFilter) error {
	if _, _, err := authz.Authorize(ctx, authz.Export, "export datasets"); err != nil {
		return err
	}
	return exportPages(w, DatasetCSVColumns, func(p aims.Page) ([]*aims.Dataset, int, error) {
		f.Page = p
		return s.FindDatasets(ctx, f)
	}, func(d *aims.Dataset) []string {
		tags := make([]string, len(d.Tags))
		for i, t := range d.Tags {
			tags[i] = t.Name
		}
		return []string{d.Name, d.Description, d.Origin, d.CollectionMethod, string(d.PersonalData), d.Licence, d.QualityNotes,
			csvDate(d.WindowStart), csvDate(d.WindowEnd), d.SupplierName, strings.Join(tags, "; "), csvTime(d.CreatedAt), csvTime(d.UpdatedAt), d.ID}
	})
}

// SupplierCSVColumns are the columns of the suppliers export.
// The due-diligence columns (A.10.3): criticality, the review interval in
// days, the last and next review dates, whether the review is overdue, the
// due-diligence score (0-100, empty when nothing is scored), and the
// AI-relevant commitments as "kind: yes|no (note)" joined by "; ".
var SupplierCSVColumns = []string{"name", "supplies", "contact", "website", "assessment_notes", "criticality", "review_interval_days",
	"last_review_on", "next_review_on", "review_overdue", "due_diligence_score", "commitments", "systems", "created_at", "updated_at", "id"}

// ExportSuppliersCSV writes the suppliers that f selects (all pages) as CSV.
func (s *Service) ExportSuppliersCSV(ctx context.Context, w io.Writer, f aims.SupplierFilter) error {
	if _, _, err := authz.Authorize(ctx, authz.Export, "export suppliers"); err != nil {
		return err
	}
	return exportPages(w, SupplierCSVColumns, func(p aims.Page) ([]*aims.Supplier, int, error) {
		f.Page = p
		return s.FindSuppliers(ctx, f)
	}, func(x *aims.Supplier) []string {
		supplies := make([]string, len(x.Supplies))
		for i, c := range x.Supplies {
			supplies[i] = string(c)
		}
		score := ""
		if x.DueDiligence.Score != nil {
			score = strconv.Itoa(*x.DueDiligence.Score)
		}
		return []string{x.Name, strings.Join(supplies, "; "), x.Contact, x.Website, x.AssessmentNotes, string(x.Criticality),
			strconv.Itoa(x.ReviewIntervalDays), csvDate(x.LastReviewOn), csvDate(x.NextReviewOn), strconv.FormatBool(x.ReviewOverdue),
			score, csvCommitments(x), strconv.Itoa(x.SystemCount), csvTime(x.CreatedAt), csvTime(x.UpdatedAt), x.ID}
	})
}

// csvCommitments writes a supplier's AI-relevant commitments, each kind
// once, as "data_use: yes (clause 7.2); model_change_notice: no".
func csvCommitments(x *aims.Supplier) string {
	parts := make([]string, 0, len(aims.CommitmentKindValues()))
	for _, k := range aims.CommitmentKindValues() {
		c := x.Commitment(k)
		p := string(k) + ": no"
		if c.Present {
			p = string(k) + ": yes"
		}
		if c.Note != "" {
			p += " (" + c.Note + ")"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, "; ")
}

// AuditCSVColumns are the columns of the audit trail export; before and
// after are the records as JSON.
var AuditCSVColumns = []string{"occurred_at", "actor_kind", "actor", "action", "entity_type", "entity_label", "entity_id",
	"request_id", "before", "after", "id"}

// ExportAuditCSV writes the audit events that f selects (all pages, newest
// first) as CSV; it needs both reading the audit trail and exporting.
func (s *Service) ExportAuditCSV(ctx context.Context, w io.Writer, f aims.AuditFilter) error {
	if _, _, err := authz.Authorize(ctx, authz.Export, "export the audit trail"); err != nil {
		return err
	}
	if _, _, err := authz.Authorize(ctx, authz.ReadAudit, "export the audit trail"); err != nil {
		return err
	}
	return exportPages(w, AuditCSVColumns, func(p aims.Page) ([]*aims.AuditEvent, int, error) {
		f.Page = p
		return s.FindAuditEvents(ctx, f)
	}, func(e *aims.AuditEvent) []string {
		return []string{e.OccurredAt.UTC().Format("2006-01-02T15:04:05.000000Z07:00"), string(e.Actor.Kind), e.Actor.Label, string(e.Action), e.EntityType, e.EntityLabel, e.EntityID,
			e.RequestID, string(e.Before), string(e.After), e.ID}
	})
}
