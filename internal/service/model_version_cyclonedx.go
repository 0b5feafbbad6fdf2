package service

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/cyclonedx"
	"github.com/aimsproject/aims/internal/gate"
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
	if m.Metrics, err = s.bomMetrics(ctx, scope, systemID, id); err != nil {
		return nil, err
	}
	for _, a := range mv.Approvals {
		if a.OverrideReason != "" {
			m.Overrides = append(m.Overrides, fmt.Sprintf("%s passed by override (%s, %s): %s",
				gate.ID(a.Gate).Title(), a.ApprovedByName, a.ApprovedAt.UTC().Format(time.DateOnly), a.OverrideReason))
		}
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

// bomMetrics are the validation metrics of a model version by name, each
// with the first acceptance criterion that holds for the version and
// measures it.
func (s *Service) bomMetrics(ctx context.Context, scope aims.Scope, systemID, versionID string) ([]cyclonedx.Metric, error) {
	metrics, err := store.FindValidationMetrics(ctx, s.db, scope, systemID, versionID)
	if err != nil {
		return nil, err
	}
	criteria, err := store.FindAcceptanceCriteria(ctx, s.db, scope, systemID)
	if err != nil {
		return nil, err
	}
	out := make([]cyclonedx.Metric, 0, len(metrics))
	for _, x := range metrics {
		bm := cyclonedx.Metric{Name: x.Name, Value: x.Value, Unit: x.Unit, Dataset: x.DatasetName}
		for _, c := range criteria {
			if (c.ModelVersionID == "" || c.ModelVersionID == versionID) && c.Measures(&x) {
				bm.Criterion = c.Text()
				if c.DatasetName != "" {
					bm.Criterion += " on " + c.DatasetName
				}
				break
			}
		}
		out = append(out, bm)
	}
	slices.SortStableFunc(out, func(a, b cyclonedx.Metric) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.Dataset, b.Dataset), strings.Compare(a.Unit, b.Unit))
	})
	return out, nil
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
// datasets (its status stays). Its performance metrics become validation
// metrics of the version in the same transaction: a new one is recorded,
// one the version has (same name, unit and dataset) takes the new value.
// The datasets (and the metrics' slices) are found by name among the
// organization's; a document that does not validate, names a dataset
// aims does not know or gives a metric aims cannot record is refused
// with JSON pointers. created says which.
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
	metrics, err := s.importedMetrics(ctx, m, &v)
	if err != nil {
		return nil, false, err
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
		if err := s.createModelVersion(ctx, mv, "", metrics); err != nil {
			return nil, false, err
		}
		return mv, true, nil
	}
	upd := aims.ModelVersionUpdate{Digest: &m.Digest, SourceURI: &m.SourceURI, Notes: &m.Notes, Datasets: &uses}
	if m.TrainingDataSummary != "" {
		upd.TrainingDataSummary = &m.TrainingDataSummary
	}
	mv, err = s.updateModelVersion(ctx, systemID, existing.ID, upd, metrics)
	return mv, false, err
}

// importedMetrics are the BOM's performance metrics as validation metrics,
// with the BOM as their source; what aims cannot record is added to v by
// JSON pointer.
func (s *Service) importedMetrics(ctx context.Context, m *cyclonedx.Model, v *aims.Validation) ([]aims.ValidationMetric, error) {
	source := "CycloneDX BOM"
	if m.Serial != "" {
		source += " " + m.Serial
	}
	var out []aims.ValidationMetric
	for _, x := range m.Metrics {
		vm := aims.ValidationMetric{Name: x.Name, Value: x.Value, Unit: x.Unit, Source: source}
		if x.Dataset != "" {
			id, err := s.datasetIDByName(ctx, x.Dataset)
			if err != nil {
				return nil, err
			}
			if id == "" {
				v.Add(x.Pointer+"/slice", "names no dataset of the organization: register %q first", x.Dataset)
			}
			vm.DatasetID = id
		}
		vm.Normalize()
		var ae *aims.Error
		if err := vm.Validate(); errors.As(err, &ae) {
			for _, f := range ae.Fields {
				at := "/value" // the unit is written with the value
				if f.Field == "name" {
					at = "/type"
				}
				v.Add(x.Pointer+at, "%s %s", strings.ReplaceAll(f.Field, "_", " "), f.Detail)
			}
			continue
		}
		out = append(out, vm)
	}
	return out, nil
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
