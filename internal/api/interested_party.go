package api

import (
	"context"
	"io"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
)

// InterestedPartyInput is a new interested party (ISO/IEC 42001 4.2).
type InterestedPartyInput struct {
	Name         string                  `json:"name" maxLength:"200" doc:"Unique in the organization, any case"`
	Kind         aims.PartyKind          `json:"kind" enum:"regulator,customer,worker,works_council,affected_persons,supplier,owner,public,other"`
	Origin       aims.IssueOrigin        `json:"origin" enum:"internal,external"`
	Description  string                  `json:"description,omitempty" maxLength:"20000"`
	Requirements []aims.PartyRequirement `json:"requirements,omitempty" maxItems:"200" doc:"The party's requirements relevant to the AIMS and how the AIMS addresses each"`
	ReviewDate   string                  `json:"review_date,omitempty" format:"date" doc:"When the party and its requirements are next reviewed"`
}

type interestedPartyList struct {
	PageParams
	Q    string `query:"q" doc:"Part of the name, any case"`
	Kind string `query:"kind" enum:"regulator,customer,worker,works_council,affected_persons,supplier,owner,public,other"`
	Sort string `query:"sort" enum:"name,-name,updated_at,-updated_at,review,-review" doc:"The order; a leading - reverses it"`
}

func (in *interestedPartyList) filter() aims.InterestedPartyFilter {
	return aims.InterestedPartyFilter{Search: in.Q, Kind: aims.PartyKind(in.Kind), Sort: in.Sort, Page: in.page()}
}

func (h *Handlers) registerInterestedParties(api huma.API) {
	crud[aims.InterestedParty, interestedPartyList, InterestedPartyInput, aims.InterestedPartyUpdate]{
		tag: "Context", path: "/interested-parties", noun: "interested party", plural: "interested parties", ids: [2]string{"interested-party", "interested-parties"}, a: "an",
		list: func(ctx context.Context, in *interestedPartyList) ([]*aims.InterestedParty, int, error) {
			return h.svc.FindInterestedParties(ctx, in.filter())
		},
		export: func(ctx context.Context, w io.Writer, in *interestedPartyList) error {
			return h.svc.ExportInterestedPartiesCSV(ctx, w, in.filter())
		},
		exportColumns: service.InterestedPartyCSVColumns,
		create: func(ctx context.Context, b InterestedPartyInput) (*aims.InterestedParty, error) {
			return created(ctx, &aims.InterestedParty{Name: b.Name, Kind: b.Kind, Origin: b.Origin, Description: b.Description,
				Requirements: b.Requirements, ReviewDate: dateOrNil(b.ReviewDate)}, h.svc.CreateInterestedParty)
		},
		get: h.svc.FindInterestedPartyByID, update: h.svc.UpdateInterestedParty, delete: h.svc.DeleteInterestedParty,
	}.register(api)
}
