package service

import (
	"context"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// personDocumentsPreview is how many owned documents and acknowledgements
// a person's page lists.
const personDocumentsPreview = 50

// FindPersonDocuments returns the documented information of a person
// (7.3, 7.5): the documents their account owns, the versions it
// acknowledged and the approved versions in force it has not. A person of
// another organization is not found; one without an account has none.
func (s *Service) FindPersonDocuments(ctx context.Context, personID string) (*aims.PersonDocuments, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read people")
	if err != nil {
		return nil, err
	}
	p, err := s.FindPersonByID(ctx, personID)
	if err != nil {
		return nil, err
	}
	out := &aims.PersonDocuments{HasAccount: p.UserID != "", Owned: []*aims.Document{},
		Acknowledged: []aims.VersionAcknowledged{}, ToAcknowledge: []*aims.DocumentVersion{}}
	if p.UserID == "" {
		return out, nil
	}
	if out.Owned, out.OwnedTotal, err = store.FindDocuments(ctx, s.db, scope,
		aims.DocumentFilter{OwnerID: p.UserID, Page: aims.Page{Limit: personDocumentsPreview}}); err != nil {
		return nil, err
	}
	if out.Acknowledged, err = store.AcknowledgedBy(ctx, s.db, scope, p.UserID, personDocumentsPreview); err != nil {
		return nil, err
	}
	if out.ToAcknowledge, err = store.ToAcknowledge(ctx, s.db, scope, p.UserID); err != nil {
		return nil, err
	}
	return out, nil
}
