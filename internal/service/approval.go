package service

import (
	"context"
	"fmt"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/approval"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// approvalSubject is what the service knows about one kind of record that
// approval requests name: how to read its current digest, and what to do
// when a request about it is approved or rejected. A capability that asks
// for approvals (documents now; lifecycle gates and risk acceptance next)
// adds one entry to approvalSubjects.
type approvalSubject struct {
	// current returns the record's current digest and its label.
	current func(ctx context.Context, q store.Querier, scope aims.Scope, id string) (digest string, err error)
	// decided runs in the deciding transaction once the request is
	// approved or rejected.
	decided func(ctx context.Context, tx *store.Tx, scope aims.Scope, r *aims.ApprovalRequest) error
	// link is the page of the record, for people.
	link func(ctx context.Context, q store.Querier, scope aims.Scope, id string) string
}

// approvalSubjects are the kinds of records approval requests may name.
var approvalSubjects = map[string]approvalSubject{
	aims.EntityDocumentVersion: documentVersionSubject,
}

// engineRequest is r as the approval engine reads it.
func engineRequest(r *aims.ApprovalRequest) (approval.Request, []approval.Decision) {
	req := approval.Request{Subject: approval.Subject{Kind: r.SubjectKind, ID: r.SubjectID, Digest: r.SubjectDigest},
		Approvers: r.Approvers, Quorum: r.Quorum, Requester: r.RequestedBy, SeparationOfDuties: r.SeparationOfDuties}
	for _, role := range r.ApproverRoles {
		req.Roles = append(req.Roles, string(role))
	}
	if r.DueOn != nil {
		req.Due = r.DueOn.AddDate(0, 0, 1) // due at the end of the day
	}
	ds := make([]approval.Decision, len(r.Decisions))
	for i, d := range r.Decisions {
		ds[i] = approval.Decision{By: d.DecidedBy, Verdict: approval.Verdict(d.Verdict), Digest: d.SubjectDigest, At: d.DecidedAt}
	}
	return req, ds
}

// openApproval asks for approval of subject (kind, id, digest, label) as
// ask says, by the scope's actor, in tx.
func openApproval(ctx context.Context, tx *store.Tx, scope aims.Scope, subject approval.Subject, label string, ask aims.ApprovalAsk) (*aims.ApprovalRequest, error) {
	ask.Normalize()
	if err := ask.Validate(); err != nil {
		return nil, err
	}
	policy, err := store.FindApprovalSettings(ctx, tx, scope)
	if err != nil {
		return nil, err
	}
	var v aims.Validation
	sod := policy.Effective(ask.SeparationOfDuties, &v)
	r := &aims.ApprovalRequest{SubjectKind: subject.Kind, SubjectID: subject.ID, SubjectDigest: subject.Digest, SubjectLabel: label,
		Approvers: ask.Approvers, ApproverRoles: ask.ApproverRoles, Quorum: ask.Quorum, DueOn: ask.DueOn,
		SeparationOfDuties: sod, Status: aims.ApprovalPending, RequestedBy: scope.Actor().UserID}
	for i, id := range r.Approvers {
		m, err := store.FindMemberByID(ctx, tx, scope, id)
		switch {
		case aims.IsKind(err, aims.KindNotFound) || err == nil && m.Disabled:
			v.Add(fmt.Sprintf("approvers/%d", i), "is not an active member of this organization")
		case err != nil:
			return nil, err
		case !authz.Can(m.Role, authz.Edit) && !authz.Can(m.Role, authz.EditOwned) && !authz.Can(m.Role, authz.Approve):
			v.Add(fmt.Sprintf("approvers/%d", i), "is an auditor or viewer, who may not write: name someone else")
		}
	}
	req, _ := engineRequest(r)
	for _, p := range approval.Check(req) {
		v.Add(p.Field, "%s", p.Detail)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	o := approval.Evaluate(req, nil, subject.Digest)
	r.Reason = o.Reason
	return r, store.CreateApprovalRequest(ctx, tx, scope, r)
}

// voidApproval marks the pending request id void because its subject's
// content changed, in tx.
func voidApproval(ctx context.Context, tx *store.Tx, scope aims.Scope, id, current string) error {
	r, err := store.FindApprovalRequestByID(ctx, tx, scope, id)
	if err != nil || r.Status != aims.ApprovalPending {
		return err
	}
	req, ds := engineRequest(r)
	o := approval.Evaluate(req, ds, current)
	_, err = store.SetApprovalStatus(ctx, tx, scope, r, aims.ApprovalVoid, o.Reason)
	return err
}

// ApprovalQuery selects approval requests for the caller.
type ApprovalQuery struct {
	Status       aims.ApprovalStatus
	WaitingForMe bool
	Page         aims.Page
}

// FindApprovals lists the approval requests of the caller's organization,
// newest first; WaitingForMe keeps those the caller may decide now.
func (s *Service) FindApprovals(ctx context.Context, q ApprovalQuery) ([]*aims.ApprovalRequest, int, error) {
	scope, p, err := authz.Authorize(ctx, authz.Read, "read approval requests")
	if err != nil {
		return nil, 0, err
	}
	if q.Status != "" && !q.Status.IsValid() {
		return nil, 0, &aims.Error{Kind: aims.KindInvalid, Message: "unknown approval status",
			Fields: []aims.FieldError{{Field: "status", Detail: "must be one of pending, approved, rejected, void"}}}
	}
	f := aims.ApprovalFilter{Status: q.Status, Page: q.Page}
	if q.WaitingForMe {
		if p.UserID == "" || !mayDecide(p) {
			return []*aims.ApprovalRequest{}, 0, nil
		}
		f.WaitingFor, f.WaitingRole = p.UserID, p.Role
	}
	list, total, err := store.FindApprovalRequests(ctx, s.db, scope, f)
	if err != nil {
		return nil, 0, err
	}
	for _, r := range list {
		s.markForCaller(r, p)
	}
	return list, total, nil
}

// FindApprovalByID returns one approval request with its decisions.
func (s *Service) FindApprovalByID(ctx context.Context, id string) (*aims.ApprovalRequest, error) {
	scope, p, err := authz.Authorize(ctx, authz.Read, "read approval requests")
	if err != nil {
		return nil, err
	}
	r, err := store.FindApprovalRequestByID(ctx, s.db, scope, id)
	if err != nil {
		return nil, err
	}
	s.markForCaller(r, p)
	return r, nil
}

// markForCaller sets whether r waits for the caller and is overdue. The
// stored status stands in for the current digest: a changed subject voids
// its pending request in the transaction that changes it.
func (s *Service) markForCaller(r *aims.ApprovalRequest, p *authz.Principal) {
	req, ds := engineRequest(r)
	if r.Status == aims.ApprovalPending && mayDecide(p) {
		r.WaitingForMe = approval.Waiting(req, ds, r.SubjectDigest, approval.Person{ID: p.UserID, Role: string(p.Role)})
	}
	r.Overdue = approval.Overdue(req, approval.Status(r.Status), time.Now())
}

// mayDecide reports whether the caller's role writes at all: an auditor or
// a viewer never decides, whatever a request names.
func mayDecide(p *authz.Principal) bool {
	return p.Can(authz.Edit) || p.Can(authz.EditOwned) || p.Can(authz.Approve)
}

// DecideApproval records the caller's decision on request id: 403 when the
// engine says they may not decide it, 409 when the request is closed or the
// subject's content changed since approval was asked for. When the
// decision settles the request, the subject follows (an approved document
// version takes effect).
func (s *Service) DecideApproval(ctx context.Context, id string, in aims.DecisionInput) (*aims.ApprovalRequest, error) {
	scope, p, err := authz.Authorize(ctx, authz.Read, "decide approval requests")
	if err != nil {
		return nil, err
	}
	if !mayDecide(p) {
		return nil, aims.ErrForbidden("decide approval requests (auditors and viewers write nothing)")
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *aims.ApprovalRequest
	err = s.transact(ctx, func(tx *store.Tx) error {
		r, err := store.FindApprovalRequestByID(ctx, tx, scope, id)
		if err != nil {
			return err
		}
		subject, ok := approvalSubjects[r.SubjectKind]
		if !ok {
			return fmt.Errorf("approval request %s names an unknown kind of record %q", r.ID, r.SubjectKind)
		}
		current, err := subject.current(ctx, tx, scope, r.SubjectID)
		if err != nil {
			return err
		}
		req, ds := engineRequest(r)
		if r.Status == aims.ApprovalVoid || current != r.SubjectDigest {
			o := approval.Evaluate(req, ds, current)
			return &aims.Error{Kind: aims.KindConflict, Message: "this approval request is void: " + o.Reason +
				"; ask for approval of the current content"}
		}
		if r.Status != aims.ApprovalPending {
			return aims.Errorf(aims.KindConflict, "this approval request is already %s", r.Status)
		}
		if ok, why := approval.MayDecide(req, ds, current, approval.Person{ID: p.UserID, Role: string(p.Role)}); !ok {
			return &aims.Error{Kind: aims.KindForbidden, Message: "you may not decide this request: " + why}
		}
		d := &aims.ApprovalDecision{Verdict: in.Verdict, Comment: in.Comment, SubjectDigest: current}
		ds = append(ds, approval.Decision{By: p.UserID, Verdict: approval.Verdict(in.Verdict), Digest: current})
		o := approval.Evaluate(req, ds, current)
		out, err = store.RecordApprovalDecision(ctx, tx, scope, r, d, aims.ApprovalStatus(o.Status), o.Reason)
		if err != nil {
			return err
		}
		if out.Status == aims.ApprovalApproved || out.Status == aims.ApprovalRejected {
			if err := subject.decided(ctx, tx, scope, out); err != nil {
				return err
			}
			// The subject may have said more (a gate request that cannot
			// complete yet says why).
			out, err = store.FindApprovalRequestByID(ctx, tx, scope, id)
		}
		return err
	})
	return out, err
}

// ApprovalLink is the page of the record an approval request names.
func (s *Service) ApprovalLink(ctx context.Context, r *aims.ApprovalRequest) string {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read approval requests")
	if err != nil {
		return ""
	}
	if sub, ok := approvalSubjects[r.SubjectKind]; ok && sub.link != nil {
		return sub.link(ctx, s.db, scope, r.SubjectID)
	}
	return ""
}

// FindApprovalSettings returns the organization's approval policy.
func (s *Service) FindApprovalSettings(ctx context.Context) (aims.ApprovalSettings, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read the approval settings")
	if err != nil {
		return aims.ApprovalSettings{}, err
	}
	return store.FindApprovalSettings(ctx, s.db, scope)
}

// SetApprovalSettings sets the organization's approval policy: whether
// anybody may decide their own approval request (ISO/IEC 42001 A.3.2).
// It holds for requests made from now on; pending requests keep what they
// were made with.
func (s *Service) SetApprovalSettings(ctx context.Context, in aims.ApprovalSettings) error {
	scope, _, err := authz.Authorize(ctx, authz.ManageSettings, "change the approval settings")
	if err != nil {
		return err
	}
	return s.transact(ctx, func(tx *store.Tx) error { return store.SetApprovalSettings(ctx, tx, scope, in) })
}
