package service

import (
	"context"
	"strings"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// Authorization answers whether an AI system, and the model version named
// by label, digest or id (empty: the system alone), may act now (ISO/IEC
// 42001 A.9.2; EU AI Act Art. 14 and 26(5)). It is what an edge gateway asks
// before every action: the answer comes from the process's cache.
func (s *Service) Authorization(ctx context.Context, systemID, modelVersion string) (*aims.Authorization, error) {
	scope, _, err := authz.AuthorizeSystem(ctx, authz.ReadAuthorization, systemID, "ask whether this AI system may act")
	if err != nil {
		return nil, err
	}
	st, err := s.systemAuthz(ctx, scope, systemID)
	if err != nil {
		return nil, err
	}
	return DecideAuthorization(st, strings.TrimSpace(modelVersion), s.db.Now()), nil
}

// DecideAuthorization is the rule: the system is deployed and not
// suspended; the model version asked about (if any) is registered for the
// system, approved or deployed, not suspended, and its validation gate not
// re-opened by a material change (change control). The first reason that
// fails is given.
func DecideAuthorization(st *store.SystemAuthz, modelVersion string, now time.Time) *aims.Authorization {
	a := &aims.Authorization{SystemID: st.SystemID, SystemStage: st.Stage, ModelVersion: modelVersion, CheckedAt: now, Authorized: true}
	var versionSuspended *aims.Suspension
	v := findVersion(st, modelVersion)
	for _, sp := range st.Suspensions {
		switch {
		case sp.ModelVersionID == "":
			a.SystemSuspension = sp
		case v != nil && sp.ModelVersionID == v.ID:
			versionSuspended = sp
		}
	}
	refuse := func(code, reason string) *aims.Authorization {
		a.Authorized, a.Code, a.Reason = false, code, reason
		return a
	}
	if v != nil {
		a.ModelVersionID, a.VersionStatus, a.VersionSuspended = v.ID, v.Status, versionSuspended
	}
	switch {
	case a.SystemSuspension != nil:
		return refuse(aims.AuthzSystemSuspended, aims.SuspensionReason("the AI system", a.SystemSuspension))
	case st.Stage != aims.StageDeployed:
		return refuse(aims.AuthzSystemNotDeployed, "the AI system is in the "+strings.ToLower(st.Stage.Title())+" stage, not deployed")
	case modelVersion == "":
		return a
	case v == nil:
		return refuse(aims.AuthzVersionUnknown, "the AI system has no model version "+modelVersion+": register it and have it approved")
	case versionSuspended != nil:
		return refuse(aims.AuthzVersionSuspended, aims.SuspensionReason("model version "+v.Version, versionSuspended))
	case v.Status != aims.ModelApproved && v.Status != aims.ModelDeployed && v.NotPassed != "":
		return refuse(aims.AuthzVersionNotApproved, "model version "+v.Version+" "+v.NotPassed)
	case v.Status != aims.ModelApproved && v.Status != aims.ModelDeployed:
		return refuse(aims.AuthzVersionNotApproved, "model version "+v.Version+" is "+strings.ToLower(v.Status.Title())+", not approved or deployed")
	case v.Reopened != nil:
		return refuse(aims.AuthzGateReopened, v.Reopened.AuthorizationReason())
	}
	return a
}

// findVersion finds a system's model version by id, digest ("sha256:…" or
// 64 hexadecimal characters) or label (any case).
func findVersion(st *store.SystemAuthz, name string) *store.AuthzVersion {
	if name == "" {
		return nil
	}
	digest := aims.NormalizeDigest(name)
	for i := range st.Versions {
		v := &st.Versions[i]
		if v.ID == name || v.Digest == digest || strings.EqualFold(v.Version, name) {
			return v
		}
	}
	return nil
}

// SuspendSystem stops an AI system, or one of its model versions, until it
// is resumed: every authorization answer says no from the commit on (on
// other replicas within authzPollEvery), and the stop goes out on MQTT
// when configured. The system's owner, an AIMS manager or an admin may.
func (s *Service) SuspendSystem(ctx context.Context, systemID string, in aims.NewSuspension) (*aims.Suspension, error) {
	var out *aims.Suspension
	err := s.transact(ctx, func(tx *store.Tx) error {
		sys, err := s.systemForStop(ctx, tx, systemID, "suspend this AI system")
		if err != nil {
			return err
		}
		scope, p, err := authz.AuthorizeSuspend(ctx, sys.OwnerID, "suspend this AI system")
		if err != nil {
			return err
		}
		if err := in.Validate(); err != nil {
			return err
		}
		sp := &aims.Suspension{SystemID: sys.ID, ModelVersionID: in.ModelVersionID, Reason: in.Reason,
			SuspendedBy: p.UserID, SuspendedByLabel: p.Actor().Label}
		if in.ModelVersionID != "" {
			mv, err := store.FindModelVersionByID(ctx, tx, scope, sys.ID, in.ModelVersionID)
			if aims.IsKind(err, aims.KindNotFound) {
				return &aims.Error{Kind: aims.KindInvalid, Message: "no such model version",
					Fields: []aims.FieldError{{Field: "model_version_id", Detail: "is not a model version of this AI system"}}}
			}
			if err != nil {
				return err
			}
			sp.ModelVersion = mv.Version
		}
		if err := store.CreateSuspension(ctx, tx, scope, sp); err != nil {
			return err
		}
		out = sp
		return nil
	})
	if err == nil {
		s.announceAuthorization(ctx, systemID)
	}
	return out, err
}

// ResumeSystem lifts the suspension of an AI system (or of one model
// version); it needs the same authority as the stop, and is recorded.
func (s *Service) ResumeSystem(ctx context.Context, systemID string, in aims.Resumption) (*aims.Suspension, error) {
	var out *aims.Suspension
	err := s.transact(ctx, func(tx *store.Tx) error {
		sys, err := s.systemForStop(ctx, tx, systemID, "resume this AI system")
		if err != nil {
			return err
		}
		scope, p, err := authz.AuthorizeSuspend(ctx, sys.OwnerID, "resume this AI system")
		if err != nil {
			return err
		}
		var v aims.Validation
		v.MaxLen("note", in.Note, 2000)
		if err := v.Err(); err != nil {
			return err
		}
		open, err := store.FindOpenSuspension(ctx, tx, scope, sys.ID, strings.TrimSpace(in.ModelVersionID))
		if aims.IsKind(err, aims.KindNotFound) {
			if in.ModelVersionID != "" {
				return aims.Errorf(aims.KindConflict, "that model version is not suspended")
			}
			return aims.Errorf(aims.KindConflict, "the AI system is not suspended")
		}
		if err != nil {
			return err
		}
		out, err = store.ResumeSuspension(ctx, tx, scope, open, p.UserID, p.Actor().Label, strings.TrimSpace(in.Note))
		return err
	})
	if err == nil {
		s.announceAuthorization(ctx, systemID)
	}
	return out, err
}

// systemForStop loads a system for a suspension or resumption; a gateway
// token (limited to systems) never stops one.
func (s *Service) systemForStop(ctx context.Context, tx *store.Tx, systemID, what string) (*aims.AISystem, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, what)
	if err != nil {
		return nil, err
	}
	return store.FindSystemByID(ctx, tx, scope, systemID)
}

// FindSuspensions lists a system's suspensions, newest first.
func (s *Service) FindSuspensions(ctx context.Context, systemID string, openOnly bool, page aims.Page) ([]*aims.Suspension, int, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read suspensions")
	if err != nil {
		return nil, 0, err
	}
	if _, err := store.FindSystemByID(ctx, s.db, scope, systemID); err != nil {
		return nil, 0, err
	}
	return store.FindSuspensions(ctx, s.db, scope, systemID, openOnly, page)
}

// AuthorizationAnnouncer publishes a system's authorization after it
// changed (MQTT, when configured): the answer for the system, and the open
// suspensions of it and its model versions.
type AuthorizationAnnouncer func(ctx context.Context, orgSlug string, a *aims.Authorization, open []*aims.Suspension)

// SetAuthorizationAnnouncer makes suspensions and resumptions go out
// through fn.
func (s *Service) SetAuthorizationAnnouncer(fn AuthorizationAnnouncer) {
	s.decisions.mu.Lock()
	defer s.decisions.mu.Unlock()
	s.decisions.announce = fn
}

func (s *Service) announceAuthorization(ctx context.Context, systemID string) {
	s.decisions.mu.Lock()
	fn := s.decisions.announce
	s.decisions.mu.Unlock()
	p := authz.PrincipalFrom(ctx)
	if fn == nil || p == nil {
		return
	}
	scope := systemScope(p.OrgID, "aims authorization")
	st, err := store.LoadSystemAuthz(ctx, s.db, scope, systemID)
	if err != nil {
		s.log.WarnContext(ctx, "could not announce authorization", "system", systemID, "err", err)
		return
	}
	fn(ctx, p.OrgSlug, DecideAuthorization(st, "", s.db.Now()), st.Suspensions)
}
