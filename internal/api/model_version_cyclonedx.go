package api

import (
	"bytes"
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

// cycloneDXType is the media type of a CycloneDX JSON document.
const cycloneDXType = "application/vnd.cyclonedx+json"

type cycloneDXImport struct {
	ID      string `path:"id" doc:"The AI system's id"`
	RawBody []byte `contentType:"application/vnd.cyclonedx+json"`
}

type cycloneDXImported struct {
	Status int `json:"-"`
	Body   *aims.ModelVersion
}

func (h *Handlers) registerModelVersionCycloneDX(api huma.API) {
	const tag = "Model versions"
	huma.Register(api, sends(operation(http.MethodGet, "/systems/{id}/model-versions/{version_id}/cyclonedx", "export-model-version-cyclonedx", tag,
		"The model version as a CycloneDX 1.6 ML-BOM", authz.Export), cycloneDXType),
		func(ctx context.Context, in *modelVersionPath) (*FileOutput, error) {
			var buf bytes.Buffer
			mv, err := h.svc.ExportModelVersionCycloneDX(ctx, &buf, in.ID, in.VersionID)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return fileOf(buf.Bytes(), cycloneDXType, "model-version-"+mv.Version+".cdx.json"), nil
		})
	imp := operation(http.MethodPost, "/systems/{id}/model-versions/cyclonedx", "import-model-version-cyclonedx", tag,
		"Register or update a model version from a CycloneDX ML-BOM", anyWrite...)
	imp.Description += " Send a CycloneDX 1.6 JSON document as the body (`Content-Type: application/vnd.cyclonedx+json` or " +
		"`application/json`). It is validated against the official CycloneDX 1.6 JSON schema; every violation is listed with its " +
		"JSON pointer in the 422 answer. Its first machine-learning-model component (the metadata's, else the first of the components) " +
		"names the model version by its `version` and SHA-256 hash; the model card's datasets must name the organization's datasets. " +
		"A new version is registered as a candidate (201); a version of the same name is updated (200) and keeps its status."
	huma.Register(api, imp, func(ctx context.Context, in *cycloneDXImport) (*cycloneDXImported, error) {
		mv, created, err := h.svc.ImportModelVersionCycloneDX(ctx, in.ID, in.RawBody)
		if err != nil {
			return nil, fail(ctx, err)
		}
		status := http.StatusOK
		if created {
			status = http.StatusCreated
		}
		return &cycloneDXImported{Status: status, Body: mv}, nil
	})
}
