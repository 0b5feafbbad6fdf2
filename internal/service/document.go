package service

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// documents is the register of controlled documents (ISO/IEC 42001 7.5.2,
// 7.5.3): the AI policy, the scope statement, procedures and the rest.
var documents = register[aims.Document, *aims.Document, aims.DocumentFilter, aims.DocumentUpdate]{
	plural: "documents",
	list:   store.FindDocuments, find: store.FindDocumentByID,
	create: store.CreateDocument, update: store.UpdateDocument, delete: store.DeleteDocument,
	checkFilter: func(f aims.DocumentFilter) error {
		var v aims.Validation
		if f.Type != "" && !f.Type.IsValid() {
			v.Add("doc_type", "is not a known document type")
		}
		if f.Status != "" && !f.Status.IsValid() {
			v.Add("status", "is not a known version status")
		}
		return v.Err()
	},
	checkRefs: checkDocumentRefs,
}

// checkDocumentRefs checks that the owner is an active member and that the
// AI systems named are the organization's, and fills in the owner's name.
func checkDocumentRefs(ctx context.Context, q store.Querier, scope aims.Scope, d *aims.Document) error {
	var v aims.Validation
	m, err := store.FindMemberByID(ctx, q, scope, d.OwnerID)
	switch {
	case aims.IsKind(err, aims.KindNotFound) || err == nil && m.Disabled:
		v.Add("owner_id", "is not an active member of this organization")
	case err != nil:
		return err
	default:
		d.OwnerName = m.Name
	}
	for i, id := range d.SystemIDs {
		_, err := store.FindSystemByID(ctx, q, scope, id)
		if aims.IsKind(err, aims.KindNotFound) {
			v.Add(fmt.Sprintf("system_ids/%d", i), "no such AI system")
		} else if err != nil {
			return err
		}
	}
	return v.Err()
}

// FindDocuments lists the documents of the caller's organization.
func (s *Service) FindDocuments(ctx context.Context, f aims.DocumentFilter) ([]*aims.Document, int, error) {
	return documents.findAll(ctx, s, f)
}

// FindDocumentByID returns one document.
func (s *Service) FindDocumentByID(ctx context.Context, id string) (*aims.Document, error) {
	return documents.findByID(ctx, s, id)
}

// CreateDocument adds a document; its content comes in versions.
func (s *Service) CreateDocument(ctx context.Context, in *aims.Document) error {
	return documents.add(ctx, s, in)
}

// UpdateDocument changes a document's owner, type, review and links.
func (s *Service) UpdateDocument(ctx context.Context, id string, upd aims.DocumentUpdate) (*aims.Document, error) {
	return documents.change(ctx, s, id, upd)
}

// DeleteDocument removes a document that has no versions yet.
func (s *Service) DeleteDocument(ctx context.Context, id string) error {
	return documents.remove(ctx, s, id)
}

// DocumentCSVColumns are the columns of the documents' CSV export.
var DocumentCSVColumns = []string{"title", "doc_type", "classification", "owner", "current_version", "latest_version",
	"latest_status", "review_interval_months", "next_review", "overdue_review", "requirements", "updated_at", "id"}

// ExportDocumentsCSV writes every document f selects (all pages) as CSV.
func (s *Service) ExportDocumentsCSV(ctx context.Context, w io.Writer, f aims.DocumentFilter) error {
	if _, _, err := authz.Authorize(ctx, authz.Export, "export documents"); err != nil {
		return err
	}
	return exportPages(w, DocumentCSVColumns, func(p aims.Page) ([]*aims.Document, int, error) {
		f.Page = p
		return s.FindDocuments(ctx, f)
	}, func(d *aims.Document) []string {
		next, overdue := "", ""
		if d.NextReview != nil {
			next = d.NextReview.String()
		}
		if d.OverdueReview {
			overdue = "yes"
		}
		return []string{d.Title, string(d.Type), string(d.Classification), d.OwnerName, d.Current, d.Latest,
			string(d.LatestStatus), itoa(d.ReviewIntervalMonths), next, overdue, strings.Join(d.Requirements, "; "),
			csvTime(d.UpdatedAt), d.ID}
	})
}
