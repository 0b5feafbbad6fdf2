package api

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/service"
)

type classifyInput struct {
	ID   string `path:"id" doc:"The AI system's id"`
	Body aims.ClassificationAnswers
}

func (h *Handlers) registerClassification(api huma.API) {
	const tag = "EU AI Act classification"
	get := operation(http.MethodGet, "/systems/{id}/classification", "get-classification", tag, "Get an AI system's current EU AI Act classification", authz.Read)
	get.Description += " The tier (prohibited, high-risk, transparency, minimal, not-ai-system), the provisions that decide it (basis), " +
		"the organization's operator roles, the obligations that bind those roles with their date of application and its status " +
		"(adopted, or proposed by an amendment under way), the rationale, and the answers it was made from. 404 when the system is not classified yet."
	huma.Register(api, get, func(ctx context.Context, in *IDParam) (*Body[*aims.Classification], error) {
		c, err := h.svc.FindClassification(ctx, in.ID)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.Classification]{Body: c}, nil
	})
	put := operation(http.MethodPut, "/systems/{id}/classification", "classify-system", tag, "Classify an AI system under the EU AI Act", anyWrite...)
	put.Description += " Send the questionnaire's answers; the answer is the resulting classification, a new version when the answers changed " +
		"(answers equal to the current version's return it unchanged). Provisions are named in short form: Art. 5(1) practices as 5(1)(c), " +
		"Annex III points as 4(a), Art. 50 paragraphs as 50(1), Art. 6(3) conditions as a to d. An unknown provision, or answers that " +
		"contradict each other (e.g. the Art. 6(3) derogation without an Annex III point), answer 422 naming the field. Profiling of natural " +
		"persons keeps an Annex III system high-risk whatever derogation is claimed, and the rationale says so. A system owner may classify the systems they own."
	huma.Register(api, put, func(ctx context.Context, in *classifyInput) (*Body[*aims.Classification], error) {
		c, _, err := h.svc.ClassifySystem(ctx, in.ID, in.Body)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.Classification]{Body: c}, nil
	})
	huma.Register(api, operation(http.MethodGet, "/systems/{id}/classification/versions", "list-classification-versions", tag,
		"List every version of an AI system's classification, newest first", authz.Read),
		func(ctx context.Context, in *IDParam) (*Body[[]*aims.Classification], error) {
			list, err := h.svc.FindClassificationVersions(ctx, in.ID)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[[]*aims.Classification]{Body: list}, nil
		})
	huma.Register(api, operation(http.MethodGet, "/classifications", "classification-summary", tag,
		"Summarize the classification of the whole portfolio: systems per tier, obligations per article, unclassified systems", authz.Read),
		func(ctx context.Context, _ *struct{}) (*Body[*service.ClassificationSummary], error) {
			sum, err := h.svc.ClassificationSummary(ctx)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*service.ClassificationSummary]{Body: sum}, nil
		})
	exp := operation(http.MethodGet, "/classifications/export.csv", "export-classification-summary", tag, "Export the portfolio summary as CSV", authz.Export)
	exp.Description += " One row per AI system, in the columns " + strings.Join(service.ClassificationSummaryCSVColumns, ", ") +
		"; lists are separated by `;`, an unclassified system has an empty tier."
	exp.Responses = map[string]*huma.Response{"200": {
		Description: "The summary as CSV (UTF-8 with a byte-order mark)",
		Content:     map[string]*huma.MediaType{"text/csv": {Schema: &huma.Schema{Type: "string"}}},
	}}
	huma.Register(api, exp, func(ctx context.Context, _ *struct{}) (*csvFile, error) {
		var buf bytes.Buffer
		if err := h.svc.ExportClassificationSummaryCSV(ctx, &buf); err != nil {
			return nil, fail(ctx, err)
		}
		name := fmt.Sprintf("eu-ai-act-classifications-%s-%s.csv", authz.PrincipalFrom(ctx).OrgSlug, time.Now().UTC().Format(aims.DateLayout))
		return &csvFile{ContentType: "text/csv; charset=utf-8", ContentDisposition: `attachment; filename="` + name + `"`, Body: buf.Bytes()}, nil
	})
	ic := operation(http.MethodGet, "/systems/{id}/impact-class", "get-impact-class", "AI systems", "Get an AI system's impact class", authz.Read)
	ic.Description += " Low, medium or high, from the first row of the impact class table that holds for the system's autonomy, " +
		"impact domains, current EU AI Act tier and impact assessment; the answer names the row, its reason and what it read."
	huma.Register(api, ic, func(ctx context.Context, in *IDParam) (*Body[*service.ImpactClassView], error) {
		v, err := h.svc.SystemImpactClass(ctx, in.ID)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*service.ImpactClassView]{Body: v}, nil
	})
}
