package service

import (
	"context"
	"io"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/cyclonedx"
	"github.com/aimsproject/aims/internal/store"
)

// A model version as a CycloneDX ML-BOM (issue 17 item 6): exported with
// its datasets, what its approvals found and the considerations of the
// system's impact assessment; imported to register or update one.

// ExportModelVersionCycloneDX writes a model version of a system as a
// CycloneDX 1.6 JSON BOM and returns it.
func (s *Service) ExportModelVersionCycloneDX(ctx context.Context, w io.Writer, systemID, id string) (*aims.ModelVersion, error) {
	scope, _, err := authz.Authorize(ctx, authz.Export, "export model versions")
	if err != nil {
		return nil, err
	}
	sys, err := store.FindSystemByID(ctx, s.db, scope, systemID)
	if err != nil {
		return nil, err
	}
	mv, err := store.FindModelVersionByID(ctx, s.db, scope, systemID, id)
	if err != nil {
		return nil, err
	}
	m := cyclonedx.Model{SystemName: sys.Name, Supplier: sys.SupplierName, Version: mv.Version, Digest: mv.Digest,
		SourceURI: mv.SourceURI, Status: string(mv.Status), Notes: mv.Notes, TrainingDataSummary: mv.TrainingDataSummary,
		UseCases: nonEmpty(sys.Purpose)}
	for _, d := range mv.Datasets {
		m.Datasets = append(m.Datasets, cyclonedx.Dataset{Name: d.DatasetName, Purpose: string(d.Purpose)})
	}
	for _, a := range mv.Approvals {
		m.Metrics = append(m.Metrics, cyclonedx.Metric{Type: a.AcceptanceCriteria, Value: a.Result, Slice: a.Evidence})
	}
	if a, err := s.latestAssessment(ctx, systemID); err != nil {
		return nil, err
	} else if a != nil {
		m.UseCases = nonEmpty(a.IntendedUse)
		if a.ForeseeableMisuse != "" {
			m.TechnicalLimitations = []string{"Foreseeable misuse: " + a.ForeseeableMisuse}
		}
		for _, area := range a.Areas {
			if area.NotApplicable || area.Severity == 0 {
				continue
			}
			name := area.Area.Title()
			if area.People != "" {
				name += ": " + area.People
			}
			m.Ethical = append(m.Ethical, cyclonedx.Consideration{Name: name, Mitigation: area.Mitigations})
		}
	}
	return mv, cyclonedx.Encode(w, m, s.db.Now())
}

// latestAssessment is the system's newest signed-off impact assessment,
// else its newest one; nil when it has none.
func (s *Service) latestAssessment(ctx context.Context, systemID string) (*aims.ImpactAssessment, error) {
	list, err := s.FindImpactAssessments(ctx, systemID)
	if err != nil {
		return nil, err
	}
	var best *aims.ImpactAssessment
	for _, a := range list {
		switch {
		case best == nil:
			best = a
		case (a.SignedOffAt != nil) != (best.SignedOffAt != nil):
			if a.SignedOffAt != nil {
				best = a
			}
		case a.Version > best.Version:
			best = a
		}
	}
	return best, nil
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// ImportModelVersionCycloneDX reads a CycloneDX 1.6 ML-BOM and registers
// its model version with the system as a candidate, or, when the system
// has a version of that name, updates its digest, source, notes and
// datasets (its status stays). The datasets are found by name among the
// organization's; a document that does not validate, or names a dataset
// aims does not know, is refused with JSON pointers. created says which.
func (s *Service) ImportModelVersionCycloneDX(ctx context.Context, systemID string, doc []byte) (mv *aims.ModelVersion, created bool, err error) {
	if _, _, err := authz.AuthorizeSystemWrite(ctx, "import model versions"); err != nil {
		return nil, false, err
	}
	m, err := cyclonedx.Decode(doc)
	if err != nil {
		return nil, false, err
	}
	uses := []aims.DatasetUse{}
	var v aims.Validation
	for _, d := range m.Datasets {
		id, err := s.datasetIDByName(ctx, d.Name)
		if err != nil {
			return nil, false, err
		}
		if id == "" {
			v.Add(d.Pointer, "names no dataset of the organization: register %q first", d.Name)
			continue
		}
		purpose := aims.DatasetPurpose(d.Purpose)
		if !purpose.IsValid() {
			purpose = aims.PurposeTraining
		}
		uses = append(uses, aims.DatasetUse{DatasetID: id, Purpose: purpose})
	}
	if err := v.Err(); err != nil {
		return nil, false, err
	}
	existing, err := s.modelVersionByName(ctx, systemID, m.Version)
	if err != nil {
		return nil, false, err
	}
	if existing == nil {
		mv = &aims.ModelVersion{SystemID: systemID, Version: m.Version, Digest: m.Digest, SourceURI: m.SourceURI,
			Notes: m.Notes, TrainingDataSummary: m.TrainingDataSummary, Status: aims.ModelCandidate, Datasets: uses}
		if err := s.CreateModelVersion(ctx, mv); err != nil {
			return nil, false, err
		}
		return mv, true, nil
	}
	upd := aims.ModelVersionUpdate{Digest: &m.Digest, SourceURI: &m.SourceURI, Notes: &m.Notes, Datasets: &uses}
	if m.TrainingDataSummary != "" {
		upd.TrainingDataSummary = &m.TrainingDataSummary
	}
	mv, err = s.UpdateModelVersion(ctx, systemID, existing.ID, upd)
	return mv, false, err
}

// datasetIDByName finds the organization's dataset of this name, any
// case; "" when there is none.
func (s *Service) datasetIDByName(ctx context.Context, name string) (string, error) {
	list, _, err := s.FindDatasets(ctx, aims.DatasetFilter{Search: name, Page: aims.Page{Limit: aims.MaxLimit}})
	if err != nil {
		return "", err
	}
	for _, d := range list {
		if strings.EqualFold(d.Name, name) {
			return d.ID, nil
		}
	}
	return "", nil
}

// modelVersionByName finds the system's model version of this name; nil
// when there is none.
func (s *Service) modelVersionByName(ctx context.Context, systemID, version string) (*aims.ModelVersion, error) {
	for page := 1; ; page++ {
		list, total, err := s.FindModelVersions(ctx, systemID, aims.ModelVersionFilter{Page: aims.Page{Limit: aims.MaxLimit, Offset: (page - 1) * aims.MaxLimit}})
		if err != nil {
			return nil, err
		}
		for _, mv := range list {
			if mv.Version == version {
				return mv, nil
			}
		}
		if page*aims.MaxLimit >= total || len(list) == 0 {
			return nil, nil
		}
	}
}
