package service

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// "My work": what the caller should do, gathered from every capability
// that gives people work (ISO/IEC 42001 7.4 communication, 9.1). Each
// source is one function that returns its items; a capability adds a kind
// of work by adding a WorkKind in package aims and its source to
// workSources. Items are ordered overdue first, then by due date.

// workSource lists the caller's items of one kind.
type workSource func(ctx context.Context, s *Service, w workFor) ([]aims.WorkItem, error)

// workFor is whose work is gathered, and the day it is measured against.
type workFor struct {
	scope aims.Scope
	p     *authz.Principal
	today aims.Date
}

// workSources are the sources of "my work", in the order kinds are shown
// when their dates tie.
var workSources = []workSource{approvalWork, documentReviewWork, acknowledgementWork, riskWork, evidenceWork, reopeningWork}

// reviewHorizon is how far ahead a document review shows as work.
const reviewHorizon = 30 * 24 * time.Hour

// MyWork lists what the caller should do now.
func (s *Service) MyWork(ctx context.Context) ([]aims.WorkItem, error) {
	scope, p, err := authz.Authorize(ctx, authz.Read, "read your work")
	if err != nil {
		return nil, err
	}
	w := workFor{scope: scope, p: p, today: aims.DateOf(time.Now())}
	out := []aims.WorkItem{}
	if p.UserID == "" {
		return out, nil
	}
	for _, src := range workSources {
		items, err := src(ctx, s, w)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
	}
	slices.SortStableFunc(out, func(a, b aims.WorkItem) int {
		switch {
		case a.Overdue != b.Overdue:
			if a.Overdue {
				return -1
			}
			return 1
		case a.Due == nil && b.Due == nil:
			return 0
		case a.Due == nil:
			return 1
		case b.Due == nil:
			return -1
		}
		return a.Due.Compare(b.Due.Time)
	})
	return out, nil
}

// approvalWork: approval requests waiting for the caller's decision.
func approvalWork(ctx context.Context, s *Service, w workFor) ([]aims.WorkItem, error) {
	if !mayDecide(w.p) {
		return nil, nil
	}
	list, _, err := store.FindApprovalRequests(ctx, s.db, w.scope, aims.ApprovalFilter{WaitingFor: w.p.UserID, WaitingRole: w.p.Role,
		Page: aims.Page{Limit: 500}})
	if err != nil {
		return nil, err
	}
	out := make([]aims.WorkItem, 0, len(list))
	for _, r := range list {
		s.markForCaller(r, w.p)
		if !r.WaitingForMe {
			continue
		}
		out = append(out, aims.WorkItem{Kind: aims.WorkApproval, Title: r.SubjectLabel,
			Detail: "Requested by " + r.RequestedByLabel + ": approve or reject", Due: r.DueOn, Overdue: r.Overdue,
			RecordType: aims.EntityApprovalRequest, RecordID: r.ID, Link: "/approvals/" + r.ID})
	}
	return out, nil
}

// documentReviewWork: documents the caller owns whose review is overdue or
// due within 30 days.
func documentReviewWork(ctx context.Context, s *Service, w workFor) ([]aims.WorkItem, error) {
	list, _, err := store.FindDocuments(ctx, s.db, w.scope, aims.DocumentFilter{OwnerID: w.p.UserID, Sort: "next_review", Page: aims.Page{Limit: 500}})
	if err != nil {
		return nil, err
	}
	horizon := w.today.Add(reviewHorizon)
	var out []aims.WorkItem
	for _, d := range list {
		if d.NextReview == nil || d.NextReview.After(horizon) {
			continue
		}
		detail := "Review due on " + d.NextReview.String()
		if d.OverdueReview {
			detail = "Review overdue since " + d.NextReview.String()
		}
		out = append(out, aims.WorkItem{Kind: aims.WorkDocumentReview, Title: d.Title, Detail: detail, Due: d.NextReview,
			Overdue: d.OverdueReview, RecordType: aims.EntityDocument, RecordID: d.ID, Link: "/documents/" + d.ID})
	}
	return out, nil
}

// acknowledgementWork: approved versions the caller has not acknowledged.
func acknowledgementWork(ctx context.Context, s *Service, w workFor) ([]aims.WorkItem, error) {
	if !w.p.Can(authz.Acknowledge) {
		return nil, nil
	}
	list, err := store.ToAcknowledge(ctx, s.db, w.scope, w.p.UserID)
	if err != nil {
		return nil, err
	}
	out := make([]aims.WorkItem, 0, len(list))
	for _, v := range list {
		out = append(out, aims.WorkItem{Kind: aims.WorkAcknowledgement, Title: v.Title + " " + v.Number(),
			Detail: "Read it and acknowledge it", RecordType: aims.EntityDocumentVersion, RecordID: v.ID,
			Link: "/documents/" + v.DocumentID + "/versions/" + v.ID})
	}
	return out, nil
}

// riskWork: risks the caller owns past their review date, and their
// overdue treatment actions.
func riskWork(ctx context.Context, s *Service, w workFor) ([]aims.WorkItem, error) {
	risks, _, err := store.FindRisks(ctx, s.db, w.scope, aims.RiskFilter{OwnerID: w.p.UserID, Overdue: true, Today: w.today,
		Page: aims.Page{Limit: 500}})
	if err != nil {
		return nil, err
	}
	var out []aims.WorkItem
	for _, r := range risks {
		label := fmt.Sprintf("R-%d %s", r.Number, r.Title)
		if r.OverdueReview {
			out = append(out, aims.WorkItem{Kind: aims.WorkRiskReview, Title: label, Detail: "Review the risk: its review date has passed",
				Due: r.NextReview, Overdue: true, RecordType: aims.EntityRisk, RecordID: r.ID, Link: "/risks/" + r.ID})
		}
		if r.OverdueActions == 0 {
			continue
		}
		actions, err := store.FindRiskActions(ctx, s.db, w.scope, r.ID, w.today)
		if err != nil {
			return nil, err
		}
		for _, a := range actions {
			if a.Overdue {
				out = append(out, aims.WorkItem{Kind: aims.WorkTreatmentAction, Title: a.Title, Detail: "Treatment action of " + label,
					Due: a.DueDate, Overdue: true, RecordType: aims.EntityRiskAction, RecordID: a.ID, Link: "/risks/" + r.ID})
			}
		}
	}
	return out, nil
}

// reopeningWork: gates that material changes re-opened on the systems the
// caller owns (change control, 8.1): pass the gate again, or have it
// cleared with a reason.
func reopeningWork(ctx context.Context, s *Service, w workFor) ([]aims.WorkItem, error) {
	list, err := store.FindOpenGateReopenings(ctx, s.db, w.scope, w.p.UserID)
	if err != nil {
		return nil, err
	}
	out := make([]aims.WorkItem, 0, len(list))
	for _, r := range list {
		title, detail, link := r.SystemName, "Re-validate the system's deployment: "+r.Reason, "/systems/"+r.SystemID+"#reopenings"
		if r.ModelVersionID != "" {
			title += " " + r.ModelVersion
			detail = "Pass the validation gate again: " + r.Reason
			link = "/systems/" + r.SystemID + "/versions/" + r.ModelVersionID + "#reopenings"
		}
		out = append(out, aims.WorkItem{Kind: aims.WorkGateReopened, Title: title, Detail: detail,
			RecordType: aims.EntityGateReopening, RecordID: r.ID, Link: link})
	}
	return out, nil
}

// evidenceWork: evidence linked to a record the caller owns (an AI system,
// risk, treatment action or document) that has expired or expires within
// the organization's window, and expected evidence of a kind no upload
// shows yet on an AI system they own.
func evidenceWork(ctx context.Context, s *Service, w workFor) ([]aims.WorkItem, error) {
	now := time.Now()
	window := s.expiringWindow(ctx, w.scope)
	due, err := store.EvidenceDueForOwner(ctx, s.db, w.scope, w.p.UserID, now.Add(window))
	if err != nil {
		return nil, err
	}
	var out []aims.WorkItem
	for _, e := range due {
		day := aims.DateOf(e.ExpiresAt)
		item := aims.WorkItem{Kind: aims.WorkEvidenceDue, Title: e.Title, Due: &day, RecordType: aims.EntityEvidence, RecordID: e.EvidenceID,
			Link: "/evidence/" + e.EvidenceID, Detail: "Expires on " + day.String() + ": add a new revision"}
		if !now.Before(e.ExpiresAt) {
			item.Overdue, item.Detail = true, "Expired on "+day.String()+": add a new revision"
		}
		out = append(out, item)
	}
	owned, err := store.ExpectationsOfOwner(ctx, s.db, w.scope, w.p.UserID)
	if err != nil || len(owned) == 0 {
		return out, err
	}
	shown, err := store.ExpectedEvidence(ctx, s.db, w.scope, now, window)
	if err != nil {
		return nil, err
	}
	for _, x := range owned {
		if _, ok := shown[x.ID]; ok {
			continue
		}
		control, link := x.Requirement, "/evidence/new"
		if ref, ok := aims.ParseRef(x.Requirement); ok {
			control, link = ref.ID, "/catalog/"+ref.Framework+"/"+ref.ID
		}
		out = append(out, aims.WorkItem{Kind: aims.WorkEvidenceMissing, Title: x.Kind + " for " + control + " on " + x.SystemName,
			Detail: "Expected evidence no upload shows yet: add it", RecordType: aims.EntityEvidenceRequirement, RecordID: x.ID, Link: link})
	}
	return out, nil
}
