package service

import (
	"context"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/approval"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// versionDigest is the SHA-256 of a version's canonical content.
func versionDigest(v *aims.DocumentVersion) (string, error) { return approval.Digest(v.Content()) }

// documentVersionSubject lets approval requests name document versions.
var documentVersionSubject = approvalSubject{
	current: func(ctx context.Context, q store.Querier, scope aims.Scope, id string) (string, error) {
		v, err := store.FindVersionByID(ctx, q, scope, id)
		if err != nil {
			return "", err
		}
		return versionDigest(v)
	},
	decided: func(ctx context.Context, tx *store.Tx, scope aims.Scope, r *aims.ApprovalRequest) error {
		v, err := store.FindVersionByID(ctx, tx, scope, r.SubjectID)
		if err != nil {
			return err
		}
		if r.Status == aims.ApprovalRejected {
			after := *v
			after.Status = aims.DocDraft
			return store.UpdateDocumentVersion(ctx, tx, scope, v, &after)
		}
		return approveVersion(ctx, tx, scope, v)
	},
	link: func(ctx context.Context, q store.Querier, scope aims.Scope, id string) string {
		v, err := store.FindVersionByID(ctx, q, scope, id)
		if err != nil {
			return ""
		}
		return "/documents/" + v.DocumentID + "/versions/" + v.ID
	},
}

// approveVersion makes v the document's approved version: the one approved
// before is superseded, the effective date defaults to today, and the
// document's next review falls one review interval later.
func approveVersion(ctx context.Context, tx *store.Tx, scope aims.Scope, v *aims.DocumentVersion) error {
	all, err := store.FindDocumentVersions(ctx, tx, scope, v.DocumentID)
	if err != nil {
		return err
	}
	for _, old := range all {
		if old.ID != v.ID && old.Status == aims.DocApproved {
			after := *old
			after.Status = aims.DocSuperseded
			if err := store.UpdateDocumentVersion(ctx, tx, scope, old, &after); err != nil {
				return err
			}
		}
	}
	now := tx.Now()
	after := *v
	after.Status, after.ApprovedAt = aims.DocApproved, &now
	if after.EffectiveOn == nil {
		today := aims.DateOf(now)
		after.EffectiveOn = &today
	}
	if err := store.UpdateDocumentVersion(ctx, tx, scope, v, &after); err != nil {
		return err
	}
	d, err := store.FindDocumentByID(ctx, tx, scope, v.DocumentID)
	if err != nil || d.ReviewIntervalMonths == 0 {
		return err
	}
	next := aims.Date{Time: after.EffectiveOn.AddDate(0, d.ReviewIntervalMonths, 0)}
	dAfter := *d
	dAfter.NextReview = &next
	return store.UpdateDocument(ctx, tx, scope, d, &dAfter)
}

// FindDocumentVersions lists a document's versions, newest first.
func (s *Service) FindDocumentVersions(ctx context.Context, documentID string) ([]*aims.DocumentVersion, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read documents")
	if err != nil {
		return nil, err
	}
	if _, err := store.FindDocumentByID(ctx, s.db, scope, documentID); err != nil {
		return nil, err
	}
	return store.FindDocumentVersions(ctx, s.db, scope, documentID)
}

// FindDocumentVersion returns one version of a document.
func (s *Service) FindDocumentVersion(ctx context.Context, documentID, id string) (*aims.DocumentVersion, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read documents")
	if err != nil {
		return nil, err
	}
	return store.FindDocumentVersionByID(ctx, s.db, scope, documentID, id)
}

// CreateDocumentVersion adds a draft version to a document.
func (s *Service) CreateDocumentVersion(ctx context.Context, documentID string, in *aims.DocumentVersion) error {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "write documents")
	if err != nil {
		return err
	}
	in.DocumentID = documentID
	in.Normalize()
	if err := in.Validate(); err != nil {
		return err
	}
	in.Status, in.ApprovalID, in.ApprovedAt = aims.DocDraft, "", nil
	if in.Digest, err = versionDigest(in); err != nil {
		return err
	}
	return s.transact(ctx, func(tx *store.Tx) error {
		d, err := store.FindDocumentByID(ctx, tx, scope, documentID)
		if err != nil {
			return err
		}
		in.Title = d.Title
		return store.CreateDocumentVersion(ctx, tx, scope, in)
	})
}

// UpdateDocumentVersion changes a draft or in-review version. A change to
// the content of a version in review voids its approval request and puts
// it back to draft: what was asked for is no longer what is there.
func (s *Service) UpdateDocumentVersion(ctx context.Context, documentID, id string, upd aims.DocumentVersionUpdate) (*aims.DocumentVersion, error) {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "write documents")
	if err != nil {
		return nil, err
	}
	var out *aims.DocumentVersion
	err = s.transact(ctx, func(tx *store.Tx) error {
		before, err := store.FindDocumentVersionByID(ctx, tx, scope, documentID, id)
		if err != nil {
			return err
		}
		if !before.Status.Editable() {
			return aims.Errorf(aims.KindConflict, "version %s is %s: its content is fixed; add a new version instead",
				before.Number(), before.Status.Title())
		}
		after := upd.Apply(*before)
		after.Normalize()
		if err := after.Validate(); err != nil {
			return err
		}
		if after.Digest, err = versionDigest(&after); err != nil {
			return err
		}
		if after.Digest != before.Digest && before.Status == aims.DocInReview {
			if err := voidApproval(ctx, tx, scope, before.ApprovalID, after.Digest); err != nil {
				return err
			}
			after.Status = aims.DocDraft
		}
		if err := store.UpdateDocumentVersion(ctx, tx, scope, before, &after); err != nil {
			return err
		}
		out, err = store.FindDocumentVersionByID(ctx, tx, scope, documentID, id)
		return err
	})
	return out, err
}

// SubmitDocumentVersion puts a draft version in review: it asks for
// approval of the version's exact content as ask says.
func (s *Service) SubmitDocumentVersion(ctx context.Context, documentID, id string, ask aims.ApprovalAsk) (*aims.ApprovalRequest, error) {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "submit documents for approval")
	if err != nil {
		return nil, err
	}
	var out *aims.ApprovalRequest
	err = s.transact(ctx, func(tx *store.Tx) error {
		v, err := store.FindDocumentVersionByID(ctx, tx, scope, documentID, id)
		if err != nil {
			return err
		}
		if v.Status != aims.DocDraft {
			return aims.Errorf(aims.KindConflict, "version %s is %s: only a draft is submitted for approval", v.Number(), v.Status.Title())
		}
		digest, err := versionDigest(v)
		if err != nil {
			return err
		}
		out, err = openApproval(ctx, tx, scope, approval.Subject{Kind: aims.EntityDocumentVersion, ID: v.ID, Digest: digest},
			v.Title+" "+v.Number(), ask)
		if err != nil {
			return err
		}
		after := *v
		after.Status, after.ApprovalID, after.Digest = aims.DocInReview, out.ID, digest
		return store.UpdateDocumentVersion(ctx, tx, scope, v, &after)
	})
	return out, err
}

// WithdrawDocumentVersion withdraws a version: it no longer applies. A
// pending approval request of it is voided.
func (s *Service) WithdrawDocumentVersion(ctx context.Context, documentID, id string) (*aims.DocumentVersion, error) {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "withdraw documents")
	if err != nil {
		return nil, err
	}
	var out *aims.DocumentVersion
	err = s.transact(ctx, func(tx *store.Tx) error {
		v, err := store.FindDocumentVersionByID(ctx, tx, scope, documentID, id)
		if err != nil {
			return err
		}
		if v.Status == aims.DocWithdrawn {
			return aims.Errorf(aims.KindConflict, "version %s is already withdrawn", v.Number())
		}
		if v.Status == aims.DocInReview && v.ApprovalID != "" {
			r, err := store.FindApprovalRequestByID(ctx, tx, scope, v.ApprovalID)
			if err != nil {
				return err
			}
			if r.Status == aims.ApprovalPending {
				if _, err := store.SetApprovalStatus(ctx, tx, scope, r, aims.ApprovalVoid, "the version was withdrawn"); err != nil {
					return err
				}
			}
		}
		after := *v
		after.Status = aims.DocWithdrawn
		if err := store.UpdateDocumentVersion(ctx, tx, scope, v, &after); err != nil {
			return err
		}
		out = &after
		return nil
	})
	return out, err
}

// AcknowledgeDocumentVersion records that the caller has read an approved
// version (7.3 awareness), with the acknowledge permission, for
// themselves; a second time is a conflict.
func (s *Service) AcknowledgeDocumentVersion(ctx context.Context, documentID, id string) (*aims.Acknowledgement, error) {
	scope, p, err := authz.Authorize(ctx, authz.Acknowledge, "acknowledge documents")
	if err != nil {
		return nil, err
	}
	if p.UserID == "" {
		return nil, aims.ErrForbidden("acknowledge documents for someone: a person acknowledges for themselves")
	}
	a := &aims.Acknowledgement{VersionID: id}
	err = s.transact(ctx, func(tx *store.Tx) error {
		v, err := store.FindDocumentVersionByID(ctx, tx, scope, documentID, id)
		if err != nil {
			return err
		}
		if v.Status != aims.DocApproved {
			return aims.Errorf(aims.KindConflict, "version %s is %s: only the approved version in force is acknowledged", v.Number(), v.Status.Title())
		}
		return store.CreateAcknowledgement(ctx, tx, scope, a)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// FindAcknowledgements lists every member with when they acknowledged the
// version, those who have not first.
func (s *Service) FindAcknowledgements(ctx context.Context, documentID, id string) ([]aims.AckStatus, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read documents")
	if err != nil {
		return nil, err
	}
	if _, err := store.FindDocumentVersionByID(ctx, s.db, scope, documentID, id); err != nil {
		return nil, err
	}
	return store.FindAcknowledgements(ctx, s.db, scope, id)
}
