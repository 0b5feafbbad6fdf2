package api

import (
	"context"
	"io"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/service"
)

// CommunicationInput is a new entry of the communication plan (ISO/IEC
// 42001 7.4, A.8).
type CommunicationInput struct {
	Subject       string                     `json:"subject" maxLength:"200" doc:"What is communicated; unique in the organization"`
	AudienceKind  aims.Audience              `json:"audience_kind" enum:"internal,external,affected_persons"`
	Audience      string                     `json:"audience" maxLength:"2000" doc:"To whom, in the organization's words"`
	Channel       string                     `json:"channel,omitempty" maxLength:"2000" doc:"How"`
	Cadence       aims.CommunicationCadence  `json:"cadence,omitempty" enum:"once,monthly,quarterly,half_yearly,yearly,as_needed" default:"once"`
	FirstDue      string                     `json:"first_due,omitempty" format:"date" doc:"When the first communication is due; required unless as needed"`
	ResponsibleID string                     `json:"responsible_id,omitempty" doc:"The member who communicates"`
	Records       []aims.CommunicationRecord `json:"records,omitempty" doc:"Communications already made"`
}

type communicationList struct {
	PageParams
	Q            string `query:"q" doc:"Part of the subject, any case"`
	AudienceKind string `query:"audience_kind" enum:"internal,external,affected_persons"`
	Overdue      bool   `query:"overdue" doc:"Only the entries whose next communication is past due"`
	Sort         string `query:"sort" enum:"name,-name,updated_at,-updated_at" doc:"The order; a leading - reverses it"`
}

func (in *communicationList) filter() aims.CommunicationFilter {
	return aims.CommunicationFilter{Search: in.Q, AudienceKind: aims.Audience(in.AudienceKind), Overdue: in.Overdue, Sort: in.Sort, Page: in.page()}
}

// communicationRecordBody is the record of a communication made.
type communicationRecordBody struct {
	ID   string `path:"id"`
	Body struct {
		Date     string `json:"date" format:"date" doc:"The day it was made"`
		Summary  string `json:"summary" maxLength:"4000" doc:"What was communicated, to whom"`
		Evidence string `json:"evidence,omitempty" maxLength:"2000" doc:"Where the evidence is: a link or a reference"`
	}
}

func (h *Handlers) registerCommunications(api huma.API) {
	crud[aims.Communication, communicationList, CommunicationInput, aims.CommunicationUpdate]{
		tag: "Communication", path: "/communications", noun: "communication", plural: "communications", a: "a",
		list: func(ctx context.Context, in *communicationList) ([]*aims.Communication, int, error) {
			return h.svc.FindCommunications(ctx, in.filter())
		},
		export: func(ctx context.Context, w io.Writer, in *communicationList) error {
			return h.svc.ExportCommunicationsCSV(ctx, w, in.filter())
		},
		exportColumns: service.CommunicationCSVColumns,
		create: func(ctx context.Context, b CommunicationInput) (*aims.Communication, error) {
			return created(ctx, &aims.Communication{Subject: b.Subject, AudienceKind: b.AudienceKind, Audience: b.Audience,
				Channel: b.Channel, Cadence: b.Cadence, FirstDue: dateOrNil(b.FirstDue), ResponsibleID: b.ResponsibleID,
				Records: b.Records}, h.svc.CreateCommunication)
		},
		get: h.svc.FindCommunicationByID, update: h.svc.UpdateCommunication, delete: h.svc.DeleteCommunication,
	}.register(api)

	op := operation(http.MethodPost, "/communications/{id}/records", "record-communication", "Communication",
		"Record a communication made", authz.Edit)
	op.DefaultStatus = http.StatusCreated
	huma.Register(api, op, func(ctx context.Context, in *communicationRecordBody) (*Body[*aims.Communication], error) {
		rec := aims.CommunicationRecord{Summary: in.Body.Summary, Evidence: in.Body.Evidence}
		if d := dateOrNil(in.Body.Date); d != nil {
			rec.Date = *d
		}
		c, err := h.svc.RecordCommunication(ctx, in.ID, rec)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.Communication]{Body: c}, nil
	})
}
