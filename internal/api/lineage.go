package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

// Data lineage (ISO/IEC 42001 A.7.4 data quality, A.7.5 data provenance):
// instruments and their calibrations, tags, features; see docs/lineage.md.

// InstrumentInput is a new instrument.
type InstrumentInput struct {
	Name         string              `json:"name" maxLength:"200" doc:"Unique in the organization, any case (e.g. MT-301)"`
	Kind         aims.InstrumentKind `json:"kind" enum:"sensor,analyser,meter,laboratory,manual_entry,software"`
	Description  string              `json:"description,omitempty" maxLength:"20000"`
	Location     string              `json:"location,omitempty" maxLength:"2000"`
	Manufacturer string              `json:"manufacturer,omitempty" maxLength:"2000"`
	SerialNumber string              `json:"serial_number,omitempty" maxLength:"200"`
	// CalibrationRequired defaults by kind.
	CalibrationRequired     *bool `json:"calibration_required,omitempty" doc:"Whether readings are trusted only under a calibration in force; by default yes, except for software and manual_entry"`
	CalibrationIntervalDays int   `json:"calibration_interval_days,omitempty" minimum:"0" maximum:"36600" doc:"How often it is calibrated, in days (0: unspecified)"`
}

func (in InstrumentInput) instrument() *aims.Instrument {
	req := in.Kind.NeedsCalibration()
	if in.CalibrationRequired != nil {
		req = *in.CalibrationRequired
	}
	return &aims.Instrument{Name: in.Name, Kind: in.Kind, Description: in.Description, Location: in.Location,
		Manufacturer: in.Manufacturer, SerialNumber: in.SerialNumber, CalibrationRequired: req,
		CalibrationIntervalDays: in.CalibrationIntervalDays}
}

// CalibrationInput is a calibration record.
type CalibrationInput struct {
	ValidFrom         time.Time              `json:"valid_from" doc:"Start of the validity (RFC 3339)"`
	ValidTo           time.Time              `json:"valid_to" doc:"End of the validity, exclusive (RFC 3339); after valid_from"`
	Result            aims.CalibrationResult `json:"result" enum:"passed,adjusted,failed" doc:"A failed calibration covers nothing"`
	CertificateRef    string                 `json:"certificate_ref,omitempty" maxLength:"2000" doc:"The certificate's number or URI"`
	CertificateDigest string                 `json:"certificate_digest,omitempty" doc:"SHA-256 of the certificate file: 64 hexadecimal characters, optionally prefixed sha256:"`
	PerformedBy       string                 `json:"performed_by,omitempty" maxLength:"2000"`
	Notes             string                 `json:"notes,omitempty" maxLength:"20000"`
}

// TagInput is a new tag.
type TagInput struct {
	Name           string `json:"name" maxLength:"200" doc:"Unique in the organization, any case; exactly the input name gateways send in decision events"`
	Unit           string `json:"unit,omitempty" maxLength:"50"`
	InstrumentID   string `json:"instrument_id,omitempty" doc:"The instrument that produces it"`
	Description    string `json:"description,omitempty" maxLength:"20000"`
	QualityCaveats string `json:"quality_caveats,omitempty" maxLength:"20000" doc:"Known quality caveats (A.7.4)"`
}

// FeatureInput is a new feature.
type FeatureInput struct {
	Name           string   `json:"name" maxLength:"200" doc:"Unique in the organization, any case"`
	Description    string   `json:"description,omitempty" maxLength:"20000"`
	Transformation string   `json:"transformation,omitempty" maxLength:"20000" doc:"How it is derived from its tags"`
	Unit           string   `json:"unit,omitempty" maxLength:"50"`
	Tags           []string `json:"tags,omitempty" doc:"The ids of the tags it is derived from"`
}

type instrumentList struct {
	PageParams
	Q     string `query:"q" doc:"Part of the name, any case"`
	Kind  string `query:"kind" enum:"sensor,analyser,meter,laboratory,manual_entry,software"`
	State string `query:"state" enum:"in_calibration,out_of_calibration,never_calibrated,not_required" doc:"Calibration state now"`
}

type tagList struct {
	PageParams
	Q            string `query:"q" doc:"Part of the name, any case"`
	InstrumentID string `query:"instrument_id"`
}

type featureList struct {
	PageParams
	Q     string `query:"q" doc:"Part of the name, any case"`
	TagID string `query:"tag_id" doc:"Features derived from this tag"`
}

type calibrationPath struct {
	ID            string `path:"id" doc:"The instrument's id"`
	CalibrationID string `path:"calibration_id"`
}

func (h *Handlers) registerLineage(api huma.API) {
	const tag = "Data lineage"
	h.registerInstruments(api, tag)
	h.registerTags(api, tag)
	h.registerFeatures(api, tag)
	h.registerLineageCSV(api, tag)
	h.registerLineageQueries(api, tag)
}

func (h *Handlers) registerInstruments(api huma.API, tag string) {
	const base = "/lineage/instruments"
	huma.Register(api, operation(http.MethodGet, base, "list-instruments", tag, "List instruments with their calibration state", authz.Read),
		func(ctx context.Context, in *instrumentList) (*PageOutput[*aims.Instrument], error) {
			list, total, err := h.svc.FindInstruments(ctx, aims.InstrumentFilter{Query: in.Q, Kind: aims.InstrumentKind(in.Kind),
				State: aims.CalibrationState(in.State), Page: in.page()})
			if err != nil {
				return nil, fail(ctx, err)
			}
			return pageOf(list, total, in.PageParams), nil
		})
	create := operation(http.MethodPost, base, "create-instrument", tag, "Add an instrument", authz.Edit)
	create.DefaultStatus = http.StatusCreated
	huma.Register(api, create, func(ctx context.Context, in *struct{ Body InstrumentInput }) (*Body[*aims.Instrument], error) {
		i := in.Body.instrument()
		if err := h.svc.CreateInstrument(ctx, i); err != nil {
			return nil, fail(ctx, err)
		}
		return h.instrument(ctx, i.ID)
	})
	huma.Register(api, operation(http.MethodGet, base+"/{id}", "get-instrument", tag, "Get an instrument with its calibration in force and its tags", authz.Read),
		func(ctx context.Context, in *IDParam) (*Body[*aims.Instrument], error) {
			return h.instrument(ctx, in.ID)
		})
	huma.Register(api, operation(http.MethodPatch, base+"/{id}", "update-instrument", tag, "Change an instrument", authz.Edit),
		func(ctx context.Context, in *struct {
			ID   string `path:"id"`
			Body aims.InstrumentUpdate
		}) (*Body[*aims.Instrument], error) {
			i, err := h.svc.UpdateInstrument(ctx, in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*aims.Instrument]{Body: i}, nil
		})
	del := operation(http.MethodDelete, base+"/{id}", "delete-instrument", tag, "Delete an instrument that produces no tag, with its calibrations", authz.Edit)
	del.DefaultStatus = http.StatusNoContent
	huma.Register(api, del, func(ctx context.Context, in *IDParam) (*noContent, error) {
		if err := h.svc.DeleteInstrument(ctx, in.ID); err != nil {
			return nil, fail(ctx, err)
		}
		return &noContent{}, nil
	})
	huma.Register(api, operation(http.MethodGet, base+"/{id}/calibrations", "list-calibrations", tag, "List an instrument's calibrations, newest first", authz.Read),
		func(ctx context.Context, in *IDParam) (*Body[[]*aims.Calibration], error) {
			list, err := h.svc.FindCalibrations(ctx, in.ID)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[[]*aims.Calibration]{Body: list}, nil
		})
	cal := operation(http.MethodPost, base+"/{id}/calibrations", "create-calibration", tag, "Record a calibration", authz.Edit)
	cal.DefaultStatus = http.StatusCreated
	cal.Description += " Calibrations are not changed: one entered by mistake is deleted and entered again."
	huma.Register(api, cal, func(ctx context.Context, in *struct {
		ID   string `path:"id" doc:"The instrument's id"`
		Body CalibrationInput
	}) (*Body[*aims.Calibration], error) {
		b := in.Body
		c := &aims.Calibration{ValidFrom: b.ValidFrom, ValidTo: b.ValidTo, Result: b.Result, CertificateRef: b.CertificateRef,
			CertificateDigest: b.CertificateDigest, PerformedBy: b.PerformedBy, Notes: b.Notes}
		if err := h.svc.CreateCalibration(ctx, in.ID, c); err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.Calibration]{Body: c}, nil
	})
	delCal := operation(http.MethodDelete, base+"/{id}/calibrations/{calibration_id}", "delete-calibration", tag, "Delete a calibration entered by mistake", authz.Edit)
	delCal.DefaultStatus = http.StatusNoContent
	huma.Register(api, delCal, func(ctx context.Context, in *calibrationPath) (*noContent, error) {
		if err := h.svc.DeleteCalibration(ctx, in.ID, in.CalibrationID); err != nil {
			return nil, fail(ctx, err)
		}
		return &noContent{}, nil
	})
}

func (h *Handlers) instrument(ctx context.Context, id string) (*Body[*aims.Instrument], error) {
	i, err := h.svc.FindInstrumentByID(ctx, id)
	if err != nil {
		return nil, fail(ctx, err)
	}
	return &Body[*aims.Instrument]{Body: i}, nil
}

func (h *Handlers) registerTags(api huma.API, tag string) {
	const base = "/lineage/tags"
	huma.Register(api, operation(http.MethodGet, base, "list-tags", tag, "List tags", authz.Read),
		func(ctx context.Context, in *tagList) (*PageOutput[*aims.Tag], error) {
			list, total, err := h.svc.FindTags(ctx, aims.TagFilter{Query: in.Q, InstrumentID: in.InstrumentID, Page: in.page()})
			if err != nil {
				return nil, fail(ctx, err)
			}
			return pageOf(list, total, in.PageParams), nil
		})
	create := operation(http.MethodPost, base, "create-tag", tag, "Add a tag", authz.Edit)
	create.DefaultStatus = http.StatusCreated
	huma.Register(api, create, func(ctx context.Context, in *struct{ Body TagInput }) (*Body[*aims.Tag], error) {
		b := in.Body
		t := &aims.Tag{Name: b.Name, Unit: b.Unit, InstrumentID: b.InstrumentID, Description: b.Description, QualityCaveats: b.QualityCaveats}
		if err := h.svc.CreateTag(ctx, t); err != nil {
			return nil, fail(ctx, err)
		}
		return h.tag(ctx, t.ID)
	})
	huma.Register(api, operation(http.MethodGet, base+"/{id}", "get-tag", tag, "Get a tag with the features and datasets that use it", authz.Read),
		func(ctx context.Context, in *IDParam) (*Body[*aims.Tag], error) { return h.tag(ctx, in.ID) })
	huma.Register(api, operation(http.MethodPatch, base+"/{id}", "update-tag", tag, "Change a tag", authz.Edit),
		func(ctx context.Context, in *struct {
			ID   string `path:"id"`
			Body aims.TagUpdate
		}) (*Body[*aims.Tag], error) {
			t, err := h.svc.UpdateTag(ctx, in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*aims.Tag]{Body: t}, nil
		})
	del := operation(http.MethodDelete, base+"/{id}", "delete-tag", tag, "Delete a tag no feature or dataset uses", authz.Edit)
	del.DefaultStatus = http.StatusNoContent
	huma.Register(api, del, func(ctx context.Context, in *IDParam) (*noContent, error) {
		if err := h.svc.DeleteTag(ctx, in.ID); err != nil {
			return nil, fail(ctx, err)
		}
		return &noContent{}, nil
	})
}

func (h *Handlers) tag(ctx context.Context, id string) (*Body[*aims.Tag], error) {
	t, err := h.svc.FindTagByID(ctx, id)
	if err != nil {
		return nil, fail(ctx, err)
	}
	return &Body[*aims.Tag]{Body: t}, nil
}

func (h *Handlers) registerFeatures(api huma.API, tag string) {
	const base = "/lineage/features"
	huma.Register(api, operation(http.MethodGet, base, "list-features", tag, "List features with their tags", authz.Read),
		func(ctx context.Context, in *featureList) (*PageOutput[*aims.Feature], error) {
			list, total, err := h.svc.FindFeatures(ctx, aims.FeatureFilter{Query: in.Q, TagID: in.TagID, Page: in.page()})
			if err != nil {
				return nil, fail(ctx, err)
			}
			return pageOf(list, total, in.PageParams), nil
		})
	create := operation(http.MethodPost, base, "create-feature", tag, "Add a feature", authz.Edit)
	create.DefaultStatus = http.StatusCreated
	huma.Register(api, create, func(ctx context.Context, in *struct{ Body FeatureInput }) (*Body[*aims.Feature], error) {
		b := in.Body
		f := &aims.Feature{Name: b.Name, Description: b.Description, Transformation: b.Transformation, Unit: b.Unit, Tags: aims.RefsOf(b.Tags)}
		if err := h.svc.CreateFeature(ctx, f); err != nil {
			return nil, fail(ctx, err)
		}
		return h.feature(ctx, f.ID)
	})
	huma.Register(api, operation(http.MethodGet, base+"/{id}", "get-feature", tag, "Get a feature with its tags and the model versions that consume it", authz.Read),
		func(ctx context.Context, in *IDParam) (*Body[*aims.Feature], error) { return h.feature(ctx, in.ID) })
	huma.Register(api, operation(http.MethodPatch, base+"/{id}", "update-feature", tag, "Change a feature", authz.Edit),
		func(ctx context.Context, in *struct {
			ID   string `path:"id"`
			Body aims.FeatureUpdate
		}) (*Body[*aims.Feature], error) {
			f, err := h.svc.UpdateFeature(ctx, in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err)
			}
			return &Body[*aims.Feature]{Body: f}, nil
		})
	del := operation(http.MethodDelete, base+"/{id}", "delete-feature", tag, "Delete a feature no model version consumes", authz.Edit)
	del.DefaultStatus = http.StatusNoContent
	huma.Register(api, del, func(ctx context.Context, in *IDParam) (*noContent, error) {
		if err := h.svc.DeleteFeature(ctx, in.ID); err != nil {
			return nil, fail(ctx, err)
		}
		return &noContent{}, nil
	})
}

func (h *Handlers) feature(ctx context.Context, id string) (*Body[*aims.Feature], error) {
	f, err := h.svc.FindFeatureByID(ctx, id)
	if err != nil {
		return nil, fail(ctx, err)
	}
	return &Body[*aims.Feature]{Body: f}, nil
}
