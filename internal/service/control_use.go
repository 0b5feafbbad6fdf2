package service

import (
	"context"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/catalog"
	"github.com/aimsproject/aims/internal/store"
)

// ControlUse is what the organization does with one control: its row in
// the newest SoA version, the risks it treats and the AI systems those
// risks concern.
type ControlUse struct {
	SoAVersion int            `json:"soa_version,omitempty" doc:"The newest SoA version; 0 when there is none"`
	SoAStatus  aims.SoAStatus `json:"soa_status,omitempty"`
	Row        *aims.SoARow   `json:"row,omitempty" doc:"The control's row in that version, when it has one"`
	Risks      []*aims.Risk   `json:"risks"`
	Systems    []SystemName   `json:"systems"`
}

// SystemName names an AI system for a link.
type SystemName struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// ControlUse returns the organization's use of the control ref.
func (s *Service) ControlUse(ctx context.Context, ref aims.Ref) (*ControlUse, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read the Statement of Applicability")
	if err != nil {
		return nil, err
	}
	u := &ControlUse{Risks: []*aims.Risk{}, Systems: []SystemName{}}
	v, _, err := loadSoA(ctx, s.db, scope, 0)
	switch {
	case err == nil:
		u.SoAVersion, u.SoAStatus = v.Number, v.Status
		for _, r := range v.Rows {
			if r.Ref() == ref {
				u.Row = r
			}
		}
	case !aims.IsKind(err, aims.KindNotFound):
		return nil, err
	}
	if ref.Framework != catalog.ISO42001 {
		return u, nil
	}
	if u.Risks, _, err = store.FindRisks(ctx, s.db, scope, aims.RiskFilter{Control: ref.ID, Today: s.today(),
		Page: aims.Page{Limit: aims.MaxLimit}}); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, r := range u.Risks {
		if r.SystemID != "" && !seen[r.SystemID] {
			seen[r.SystemID] = true
			u.Systems = append(u.Systems, SystemName{ID: r.SystemID, Name: r.SystemName})
		}
	}
	if u.Risks == nil {
		u.Risks = []*aims.Risk{}
	}
	return u, nil
}
