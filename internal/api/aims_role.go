package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

// AIMSRoleInput is a new AIMS role (ISO/IEC 42001 5.3, A.3.2).
type AIMSRoleInput struct {
	Name             string `json:"name" maxLength:"200" doc:"Unique in the organization, any case"`
	Responsibilities string `json:"responsibilities,omitempty" maxLength:"20000"`
	Authorities      string `json:"authorities,omitempty" maxLength:"20000"`
	StopAuthority    bool   `json:"stop_authority,omitempty" doc:"Holders may stop an AI system"`
	ReceivesReport   bool   `json:"receives_report,omitempty" doc:"Holders receive the report of the AIMS's performance to top management (5.3 b)"`
}

type aimsRoleList struct {
	PageParams
	Q string `query:"q" doc:"Part of the name, any case"`
}

// RoleAssignmentInput gives a person a role.
type RoleAssignmentInput struct {
	RoleID   string `json:"role_id"`
	PersonID string `json:"person_id"`
	SystemID string `json:"system_id,omitempty" doc:"The AI system the person holds the role for; empty for the whole AIMS"`
	Note     string `json:"note,omitempty" maxLength:"2000"`
}

type roleAssignmentList struct {
	PageParams
	RoleID   string `query:"role_id"`
	PersonID string `query:"person_id"`
	SystemID string `query:"system_id"`
}

// RACIInput sets cells of the RACI matrix.
type RACIInput struct {
	Cells []aims.RACIChange `json:"cells" doc:"Each cell to set; an empty letter clears it"`
}

type roleGaps struct {
	Gaps []aims.CompetenceGap `json:"gaps"`
}

func (h *Handlers) registerAIMSRoles(api huma.API) {
	crud[aims.AIMSRole, aimsRoleList, AIMSRoleInput, aims.AIMSRoleUpdate]{
		tag: "AIMS roles", path: "/aims-roles", noun: "aims-role", plural: "aims-roles", a: "an",
		deleteNote: "Refused with 409 while someone holds the role or the RACI or a competence requirement names it.",
		list: func(ctx context.Context, in *aimsRoleList) ([]*aims.AIMSRole, int, error) {
			return h.svc.FindAIMSRoles(ctx, aims.AIMSRoleFilter{Search: in.Q, Page: in.page()})
		},
		create: func(ctx context.Context, b AIMSRoleInput) (*aims.AIMSRole, error) {
			return created(ctx, &aims.AIMSRole{Name: b.Name, Responsibilities: b.Responsibilities, Authorities: b.Authorities,
				StopAuthority: b.StopAuthority, ReceivesReport: b.ReceivesReport}, h.svc.CreateAIMSRole)
		},
		get: h.svc.FindAIMSRoleByID, update: h.svc.UpdateAIMSRole, delete: h.svc.DeleteAIMSRole,
	}.register(api)
	crud[aims.RoleAssignment, roleAssignmentList, RoleAssignmentInput, aims.RoleAssignmentUpdate]{
		tag: "AIMS roles", path: "/role-assignments", noun: "role-assignment", plural: "role-assignments", a: "a",
		list: func(ctx context.Context, in *roleAssignmentList) ([]*aims.RoleAssignment, int, error) {
			return h.svc.FindRoleAssignments(ctx, aims.RoleAssignmentFilter{RoleID: in.RoleID, PersonID: in.PersonID, SystemID: in.SystemID, Page: in.page()})
		},
		create: func(ctx context.Context, b RoleAssignmentInput) (*aims.RoleAssignment, error) {
			return created(ctx, &aims.RoleAssignment{RoleID: b.RoleID, PersonID: b.PersonID, SystemID: b.SystemID, Note: b.Note}, h.svc.CreateRoleAssignment)
		},
		get: h.svc.FindRoleAssignmentByID, update: h.svc.UpdateRoleAssignment, delete: h.svc.DeleteRoleAssignment,
	}.register(api)

	huma.Register(api, operation(http.MethodGet, "/raci", "get-raci", "AIMS roles", "Get the RACI of the AIMS processes by role", authz.Read),
		func(ctx context.Context, _ *struct{}) (*Body[*aims.RACIMatrix], error) {
			m, err := h.svc.FindRACI(ctx)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*aims.RACIMatrix]{Body: m}, nil
		})
	huma.Register(api, operation(http.MethodPatch, "/raci", "update-raci", "AIMS roles", "Set cells of the RACI", authz.Edit),
		func(ctx context.Context, in *Body[RACIInput]) (*Body[*aims.RACIMatrix], error) {
			m, err := h.svc.SetRACI(ctx, in.Body.Cells)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*aims.RACIMatrix]{Body: m}, nil
		})
	huma.Register(api, operation(http.MethodGet, "/aims-roles/{id}/gaps", "list-aims-role-gaps", "Competence",
		"List the competence gaps of a role's holders", authz.Read),
		func(ctx context.Context, in *IDParam) (*Body[roleGaps], error) {
			gaps, err := h.svc.FindRoleGaps(ctx, in.ID)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[roleGaps]{Body: roleGaps{Gaps: gaps}}, nil
		})
}
