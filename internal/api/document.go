package api

import (
	"bytes"
	"context"
	"io"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/service"
)

// DocumentInput is a new controlled document (ISO/IEC 42001 7.5.2).
type DocumentInput struct {
	Title                string                      `json:"title" maxLength:"200" doc:"Unique in the organization, any case"`
	Type                 aims.DocumentType           `json:"doc_type" enum:"ai_policy,scope_statement,procedure,work_instruction,meeting_record,template,other"`
	Classification       aims.DocumentClassification `json:"classification,omitempty" enum:"public,internal,confidential" doc:"Default internal"`
	OwnerID              string                      `json:"owner_id" doc:"A member who keeps it up to date"`
	ReviewIntervalMonths int                         `json:"review_interval_months,omitempty" minimum:"0" maximum:"60" doc:"0: no periodic review"`
	NextReview           *aims.Date                  `json:"next_review,omitempty"`
	Requirements         []string                    `json:"requirements,omitempty" doc:"Requirement ids it serves, like iso42001:5.2"`
	SystemIDs            []string                    `json:"system_ids,omitempty"`
	Processes            []string                    `json:"processes,omitempty"`
	Sites                []string                    `json:"sites,omitempty"`
	BusinessUnits        []string                    `json:"business_units,omitempty"`
	AIRoles              []aims.OperatorRole         `json:"ai_roles,omitempty" enum:"provider,developer,deployer,importer,distributor"`
	Interfaces           []aims.SystemInterface      `json:"interfaces,omitempty"`
	// Body, when set, starts the document with a draft version 0.1.
	Body string `json:"body,omitempty" doc:"Markdown: when given, the document starts with a draft version 0.1 of this text"`
}

type documentList struct {
	PageParams
	Q       string `query:"q" doc:"Part of the title, any case"`
	Type    string `query:"doc_type" enum:"ai_policy,scope_statement,procedure,work_instruction,meeting_record,template,other"`
	Status  string `query:"status" enum:"draft,in_review,approved,superseded,withdrawn" doc:"The newest version's status"`
	Overdue bool   `query:"overdue" doc:"Only documents past their review date"`
	Sort    string `query:"sort" enum:"title,-title,next_review,-next_review,updated_at,-updated_at"`
}

func (in *documentList) filter() aims.DocumentFilter {
	return aims.DocumentFilter{Search: in.Q, Type: aims.DocumentType(in.Type), Status: aims.DocumentStatus(in.Status),
		Overdue: in.Overdue, Sort: in.Sort, Page: in.page()}
}

// VersionInput is a new version of a document.
type VersionInput struct {
	Major         int        `json:"major" minimum:"0" maximum:"999"`
	Minor         int        `json:"minor" minimum:"0" maximum:"999"`
	ChangeSummary string     `json:"change_summary,omitempty" maxLength:"4000" doc:"What changed, in a few words"`
	Body          string     `json:"body,omitempty" doc:"Markdown; raw HTML is not rendered"`
	FileSHA256    string     `json:"file_sha256,omitempty" doc:"An attached file's SHA-256 (the evidence store keeps the bytes)"`
	EffectiveOn   *aims.Date `json:"effective_on,omitempty" doc:"Default: the day it is approved"`
}

type versionPath struct {
	ID        string `path:"id" doc:"The document's id"`
	VersionID string `path:"version_id" doc:"The version's id"`
}

type versionCreate struct {
	ID   string `path:"id"`
	Body VersionInput
}

type versionPatch struct {
	ID        string `path:"id" doc:"The document's id"`
	VersionID string `path:"version_id" doc:"The version's id"`
	Body      aims.DocumentVersionUpdate
}

type versionSubmit struct {
	ID        string `path:"id" doc:"The document's id"`
	VersionID string `path:"version_id" doc:"The version's id"`
	Body      aims.ApprovalAsk
}

func (h *Handlers) registerDocuments(api huma.API) {
	const tag = "Documents"
	crud[aims.Document, documentList, DocumentInput, aims.DocumentUpdate]{
		tag: tag, path: "/documents", noun: "document", plural: "documents", a: "a",
		deleteNote: "Refused with 409 once the document has versions: withdraw them instead.",
		list: func(ctx context.Context, in *documentList) ([]*aims.Document, int, error) {
			return h.svc.FindDocuments(ctx, in.filter())
		},
		export: func(ctx context.Context, w io.Writer, in *documentList) error {
			return h.svc.ExportDocumentsCSV(ctx, w, in.filter())
		},
		exportColumns: service.DocumentCSVColumns,
		create: func(ctx context.Context, b DocumentInput) (*aims.Document, error) {
			d := &aims.Document{Title: b.Title, Type: b.Type, Classification: b.Classification, OwnerID: b.OwnerID,
				ReviewIntervalMonths: b.ReviewIntervalMonths, NextReview: b.NextReview, Requirements: b.Requirements,
				SystemIDs: b.SystemIDs, Processes: b.Processes, Sites: b.Sites, BusinessUnits: b.BusinessUnits,
				AIRoles: b.AIRoles, Interfaces: b.Interfaces}
			if err := h.svc.CreateDocument(ctx, d); err != nil {
				return nil, err
			}
			if b.Body != "" {
				if err := h.svc.CreateDocumentVersion(ctx, d.ID, &aims.DocumentVersion{Major: 0, Minor: 1, Body: b.Body,
					ChangeSummary: "First draft"}); err != nil {
					return nil, err
				}
				return h.svc.FindDocumentByID(ctx, d.ID)
			}
			return d, nil
		},
		get: h.svc.FindDocumentByID, update: h.svc.UpdateDocument, delete: h.svc.DeleteDocument,
	}.register(api)

	huma.Register(api, operation(http.MethodGet, "/documents/{id}/versions", "list-document-versions", tag, "List a document's versions, newest first", authz.Read),
		func(ctx context.Context, in *IDParam) (*Body[[]*aims.DocumentVersion], error) {
			list, err := h.svc.FindDocumentVersions(ctx, in.ID)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[[]*aims.DocumentVersion]{Body: list}, nil
		})
	create := operation(http.MethodPost, "/documents/{id}/versions", "create-document-version", tag, "Add a draft version", authz.Edit)
	create.DefaultStatus = http.StatusCreated
	huma.Register(api, create, func(ctx context.Context, in *versionCreate) (*Body[*aims.DocumentVersion], error) {
		v := &aims.DocumentVersion{Major: in.Body.Major, Minor: in.Body.Minor, ChangeSummary: in.Body.ChangeSummary,
			Body: in.Body.Body, FileSHA256: in.Body.FileSHA256, EffectiveOn: in.Body.EffectiveOn}
		if err := h.svc.CreateDocumentVersion(ctx, in.ID, v); err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.DocumentVersion]{Body: v}, nil
	})
	huma.Register(api, operation(http.MethodGet, "/documents/{id}/versions/{version_id}", "get-document-version", tag, "Get a version", authz.Read),
		func(ctx context.Context, in *versionPath) (*Body[*aims.DocumentVersion], error) {
			v, err := h.svc.FindDocumentVersion(ctx, in.ID, in.VersionID)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*aims.DocumentVersion]{Body: v}, nil
		})
	patch := operation(http.MethodPatch, "/documents/{id}/versions/{version_id}", "update-document-version", tag, "Change a draft or in-review version", authz.Edit)
	patch.Description += " A change to the content of a version in review voids its approval request and puts it back to draft. " +
		"An approved, superseded or withdrawn version is fixed: 409."
	huma.Register(api, patch, func(ctx context.Context, in *versionPatch) (*Body[*aims.DocumentVersion], error) {
		v, err := h.svc.UpdateDocumentVersion(ctx, in.ID, in.VersionID, in.Body)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.DocumentVersion]{Body: v}, nil
	})
	submit := operation(http.MethodPost, "/documents/{id}/versions/{version_id}/submit", "submit-document-version", tag, "Submit a draft for approval", authz.Edit)
	submit.Description += " Opens an approval request over the version's SHA-256: named approvers and/or roles, a quorum (default 1), " +
		"a due date, and separation of duties (default: the organization's approval settings, on unless an administrator turned it off; " +
		"false while the organization requires it is refused with 422 naming separation_of_duties)."
	submit.DefaultStatus = http.StatusCreated
	huma.Register(api, submit, func(ctx context.Context, in *versionSubmit) (*Body[*aims.ApprovalRequest], error) {
		r, err := h.svc.SubmitDocumentVersion(ctx, in.ID, in.VersionID, in.Body)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.ApprovalRequest]{Body: r}, nil
	})
	huma.Register(api, operation(http.MethodPost, "/documents/{id}/versions/{version_id}/withdraw", "withdraw-document-version", tag, "Withdraw a version", authz.Edit),
		func(ctx context.Context, in *versionPath) (*Body[*aims.DocumentVersion], error) {
			v, err := h.svc.WithdrawDocumentVersion(ctx, in.ID, in.VersionID)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*aims.DocumentVersion]{Body: v}, nil
		})
	huma.Register(api, sends(operation(http.MethodGet, "/documents/{id}/versions/{version_id}/pdf", "export-document-version", tag,
		"The version as a PDF, its status on every page", authz.Export), "application/pdf"),
		func(ctx context.Context, in *versionPath) (*FileOutput, error) {
			var buf bytes.Buffer
			v, err := h.svc.ExportDocumentVersionPDF(ctx, &buf, in.ID, in.VersionID)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return fileOf(buf.Bytes(), "application/pdf", "document-"+v.Number()+".pdf"), nil
		})
	huma.Register(api, operation(http.MethodGet, "/documents/{id}/versions/{version_id}/acknowledgements", "list-acknowledgements", tag,
		"Who has acknowledged the version, and who has not", authz.Read),
		func(ctx context.Context, in *versionPath) (*Body[[]aims.AckStatus], error) {
			list, err := h.svc.FindAcknowledgements(ctx, in.ID, in.VersionID)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[[]aims.AckStatus]{Body: list}, nil
		})
	ack := operation(http.MethodPost, "/documents/{id}/versions/{version_id}/acknowledgements", "create-acknowledgement", tag,
		"Acknowledge the approved version yourself", authz.Acknowledge)
	ack.Description += " Records that you read it (ISO/IEC 42001 7.3). Only the approved version in force; a second time is 409."
	ack.DefaultStatus = http.StatusCreated
	huma.Register(api, ack, func(ctx context.Context, in *versionPath) (*Body[*aims.Acknowledgement], error) {
		a, err := h.svc.AcknowledgeDocumentVersion(ctx, in.ID, in.VersionID)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.Acknowledgement]{Body: a}, nil
	})
}
