package service

import (
	"context"
	"io"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// ExportDocumentVersionPDF writes a version of a document as a PDF in the
// shared page frame, its status on every page (DRAFT unless approved,
// superseded or withdrawn): the document's facts, then the body as text,
// a line per line of Markdown.
func (s *Service) ExportDocumentVersionPDF(ctx context.Context, w io.Writer, documentID, id string) (*aims.DocumentVersion, error) {
	scope, p, err := authz.Authorize(ctx, authz.Export, "export documents")
	if err != nil {
		return nil, err
	}
	d, err := store.FindDocumentByID(ctx, s.db, scope, documentID)
	if err != nil {
		return nil, err
	}
	v, err := store.FindDocumentVersionByID(ctx, s.db, scope, documentID, id)
	if err != nil {
		return nil, err
	}
	status := strings.ToUpper(v.Status.Title())
	r, err := newPDF(pdfFrame{Org: p.OrgName, Document: d.Title, Label: v.Number(), Status: status,
		Draft: v.Status == aims.DocDraft || v.Status == aims.DocInReview})
	if err != nil {
		return nil, err
	}
	line := d.Type.Title() + " · version " + v.Number() + " · " + v.Status.Title()
	if v.EffectiveOn != nil {
		line += " · effective " + v.EffectiveOn.String()
	}
	if v.ApprovedAt != nil {
		line += " · approved " + v.ApprovedAt.Format("2006-01-02 15:04 UTC")
	}
	r.title(d.Title, p.OrgName+" · "+line+" · owner "+d.OwnerName+" · "+d.Classification.Title()+" · SHA-256 "+v.Digest)
	if v.ChangeSummary != "" {
		r.paragraph("What changed", v.ChangeSummary)
	}
	if v.FileSHA256 != "" {
		r.paragraph("Attached file", "SHA-256 "+v.FileSHA256)
	}
	if v.Body != "" {
		r.paragraph("Text", v.Body)
	}
	b, err := r.bytes()
	if err != nil {
		return nil, err
	}
	_, err = w.Write(b)
	return v, err
}
