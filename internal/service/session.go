package service

import (
	"context"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// Sessions a person can see (ASVS 5.0 V7.4): the account page lists the
// person's live web sessions and ends any of them; an admin ends all the
// sessions of a member.

// FindMySessions lists the caller's live web sessions; current is the
// token of the session asking, marked as such.
func (s *Service) FindMySessions(ctx context.Context, current string) ([]aims.SessionInfo, error) {
	p, err := signedInPerson(ctx, "see your sessions")
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Sessions().FindUserSessions(ctx, p.UserID)
	if err != nil {
		return nil, err
	}
	out := make([]aims.SessionInfo, 0, len(rows))
	for _, r := range rows {
		out = append(out, aims.SessionInfo{ID: r.ID, UserAgent: r.UserAgent, Address: r.Address, Method: r.Method,
			StartedAt: r.StartedAt, LastSeenAt: r.LastSeenAt, Current: r.Token == current})
	}
	return out, nil
}

// EndMySession ends one of the caller's sessions.
func (s *Service) EndMySession(ctx context.Context, id string) error {
	p, err := signedInPerson(ctx, "end your sessions")
	if err != nil {
		return err
	}
	ok, err := s.db.Sessions().EndUserSession(ctx, p.UserID, id)
	if err != nil {
		return err
	}
	if !ok {
		return aims.ErrNotFound("session")
	}
	return nil
}

// EndMemberSessions ends every web session of a member in the caller's
// organization (admins: a lost laptop, a person leaving) and records it.
func (s *Service) EndMemberSessions(ctx context.Context, memberID string) (int, error) {
	scope, _, err := authz.Authorize(ctx, authz.ManageUsers, "end members' sessions")
	if err != nil {
		return 0, err
	}
	m, err := store.FindMemberByID(ctx, s.db, scope, memberID)
	if err != nil {
		return 0, err
	}
	n, err := s.db.Sessions().EndMemberSessions(ctx, scope.OrgID(), m.ID)
	if err != nil {
		return 0, err
	}
	err = s.transact(ctx, func(tx *store.Tx) error { return store.RecordSessionsEnded(ctx, tx, scope, m, n) })
	return n, err
}

// NoteSession records what the person will see of a new web session.
func (s *Service) NoteSession(ctx context.Context, token, userID, orgID, userAgent, address, method string) error {
	return s.db.Sessions().NoteSession(ctx, token, userID, orgID, userAgent, address, method)
}

// SeenSession stamps a session's last use.
func (s *Service) SeenSession(ctx context.Context, token, address string) error {
	return s.db.Sessions().SeenSession(ctx, token, address)
}
