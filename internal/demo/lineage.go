package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
)

// The demo plant's lineage (issue 6): the instruments behind the
// optimizer's tags, their calibrations, the features the model versions
// consume and the tags their datasets were drawn from. The cake moisture
// probe MT-301 was out of calibration twice: from 2024-03-04 to 2024-03-18,
// inside the training window of the 2023-2024 extract that model version
// 2.3.0 was trained on, and from ProbeFaultDays to RecalibratedDays before
// the demo was loaded, while the optimizer decided on its readings until
// its owner stopped it (SeedDecisions).
const (
	InstrumentMoisture = "MT-301"
	demoTagTurbidity   = "QT-401 turbidity"
	demoTagBowlSpeed   = "ST-102 bowl speed"
	demoTagDosingMode  = "PLC dosing mode"
)

type demoCalibration struct {
	from, to time.Time
	result   aims.CalibrationResult
	by, note string
}

// SeedLineage records the demo plant's lineage: six instruments (four
// sensors and analysers with calibration histories, one analyser never
// calibrated, the line's PLC as a software source), six tags, six features
// (one not yet mapped to a tag), the features of the optimizer's model
// versions and the tags of its datasets. It does nothing when the demo
// organization has the instrument MT-301 already. ctx acts in the demo
// organization; run it after SeedDecisions, whose times it matches.
func SeedLineage(ctx context.Context, s *service.Service) error {
	if list, _, err := s.FindInstruments(ctx, aims.InstrumentFilter{Query: InstrumentMoisture}); err != nil || len(list) > 0 {
		return err
	}
	now := s.DB().Now()
	day := func(d string) time.Time {
		t, err := time.Parse(time.DateOnly, d)
		if err != nil {
			panic(err)
		}
		return t.Add(9 * time.Hour)
	}
	// The recent stretch: from the probe's fault to its recalibration, as
	// the decisions' drift (SeedDecisions).
	outFrom, outTo := daysAgo(now, ProbeFaultDays), daysAgo(now, RecalibratedDays)
	const workshop, lab = "Riverside Mill instrument workshop", "Riverside Mill process laboratory"
	yearly := func(first time.Time) []demoCalibration {
		var out []demoCalibration
		for from := first; from.Before(now); from = from.AddDate(1, 0, 0) {
			out = append(out, demoCalibration{from: from, to: from.AddDate(1, 0, 0), result: aims.CalibrationPassed, by: workshop,
				note: "As-found within tolerance."})
		}
		return out
	}
	moisture := []demoCalibration{
		{day("2023-09-05"), day("2023-12-04"), aims.CalibrationPassed, lab, "Checked against 10 oven-dry samples: mean error 0.3 points."},
		{day("2023-12-04"), day("2024-03-04"), aims.CalibrationPassed, lab, "Checked against 10 oven-dry samples: mean error 0.4 points."},
		{day("2024-03-04"), day("2024-03-18"), aims.CalibrationFailed, lab,
			"As-found check read 2.1 points high: the NIR window was etched. Out of service until the window was replaced."},
	}
	// Quarterly from the repair to the recent failure.
	var quarters []demoCalibration
	for to := outFrom; ; {
		from := to.AddDate(0, 0, -90)
		if !from.After(day("2024-03-18").AddDate(0, 0, 30)) {
			from = day("2024-03-18")
		}
		quarters = append([]demoCalibration{{from, to, aims.CalibrationPassed, lab, "Checked against 10 oven-dry samples: within 0.5 points."}}, quarters...)
		if from.Equal(day("2024-03-18")) {
			break
		}
		to = from
	}
	quarters[0].result, quarters[0].note = aims.CalibrationAdjusted, "New sapphire window fitted; span adjusted against 12 oven-dry samples."
	moisture = append(moisture, quarters...)
	moisture = append(moisture,
		demoCalibration{outFrom, outTo, aims.CalibrationFailed, lab,
			"As-found check after the CIP cleaning read about 4 points low; the optimizer was stopped until the probe was recalibrated."},
		demoCalibration{outTo, outTo.AddDate(0, 0, 90), aims.CalibrationAdjusted, lab,
			"Recalibrated against 12 oven-dry samples; offset corrected by 3.8 points."})

	instruments := []struct {
		aims.Instrument
		cals []demoCalibration
	}{
		{aims.Instrument{Name: "TT-101", Kind: aims.InstrumentSensor, Description: "Centrifuge drive torque transmitter",
			Location: "Line 2 decanter centrifuge", Manufacturer: "Drive vendor", SerialNumber: "TT101-8841",
			CalibrationRequired: true, CalibrationIntervalDays: 365}, yearly(day("2023-01-10"))},
		{aims.Instrument{Name: "FT-201", Kind: aims.InstrumentMeter, Description: "Electromagnetic feed sludge flow meter",
			Location: "Line 2 centrifuge feed", SerialNumber: "FT201-5520", CalibrationRequired: true, CalibrationIntervalDays: 365},
			yearly(day("2023-02-14"))},
		{aims.Instrument{Name: InstrumentMoisture, Kind: aims.InstrumentAnalyser, Description: "Near-infrared cake moisture probe",
			Location: "Line 2 cake conveyor", SerialNumber: "MT301-0173", CalibrationRequired: true, CalibrationIntervalDays: 90}, moisture},
		{aims.Instrument{Name: "ST-102", Kind: aims.InstrumentSensor, Description: "Bowl speed sensor (logged since the 2024 controller upgrade)",
			Location: "Line 2 decanter centrifuge", CalibrationRequired: true, CalibrationIntervalDays: 365}, yearly(day("2024-06-03"))},
		{aims.Instrument{Name: "QT-401", Kind: aims.InstrumentAnalyser, Description: "Filtrate turbidity analyser, installed for a trial",
			Location: "Line 2 centrate outlet", CalibrationRequired: true, CalibrationIntervalDays: 180}, nil},
		{aims.Instrument{Name: "Line 2 PLC", Kind: aims.InstrumentSoftware, Description: "The line's PLC: operating modes and setpoints",
			Location: "Line 2 control room"}, nil},
	}
	instID := map[string]string{}
	for _, spec := range instruments {
		in := spec.Instrument
		if err := s.CreateInstrument(ctx, &in); err != nil {
			return fmt.Errorf("demo instrument %s: %w", in.Name, err)
		}
		instID[in.Name] = in.ID
		for i, c := range spec.cals {
			ref := fmt.Sprintf("CAL-%s-%s", in.Name, c.from.Format("2006-01-02"))
			sum := sha256.Sum256([]byte("aims demo certificate " + ref))
			cal := &aims.Calibration{ValidFrom: c.from, ValidTo: c.to, Result: c.result, CertificateRef: ref,
				CertificateDigest: hex.EncodeToString(sum[:]), PerformedBy: c.by, Notes: c.note}
			if err := s.CreateCalibration(ctx, in.ID, cal); err != nil {
				return fmt.Errorf("demo calibration %d of %s: %w", i, in.Name, err)
			}
		}
	}

	tags := []aims.Tag{
		{Name: TagTorque, Unit: "kNm", InstrumentID: instID["TT-101"], Description: "Centrifuge drive torque, one-minute mean"},
		{Name: TagFlow, Unit: "m³/h", InstrumentID: instID["FT-201"], Description: "Feed sludge flow, one-minute mean",
			QualityCaveats: "Reads near zero during CIP washing cycles; those minutes are masked before use."},
		{Name: TagMoisture, Unit: "%", InstrumentID: instID[InstrumentMoisture], Description: "Cake moisture, one-minute mean",
			QualityCaveats: "Drifts when the probe window fouls; checked against lab oven-dry samples every quarter and after cleaning."},
		{Name: demoTagBowlSpeed, Unit: "rpm", InstrumentID: instID["ST-102"], Description: "Bowl speed, logged since June 2024"},
		{Name: demoTagTurbidity, Unit: "NTU", InstrumentID: instID["QT-401"], Description: "Centrate turbidity, for a trial; no model uses it yet"},
		{Name: demoTagDosingMode, InstrumentID: instID["Line 2 PLC"], Description: "Automatic or manual polymer dosing, as the operator set it",
			QualityCaveats: "Before February 2024 the mode switch was not logged: manual periods in older data are inferred from the dose."},
	}
	tagID := map[string]string{}
	for _, t := range tags {
		if err := s.CreateTag(ctx, &t); err != nil {
			return fmt.Errorf("demo tag %s: %w", t.Name, err)
		}
		tagID[t.Name] = t.ID
	}

	features := []struct {
		name, transformation, unit string
		tags                       []string
	}{
		{"torque 5 min mean", "Rolling 5-minute mean of the one-minute values", "kNm", []string{TagTorque}},
		{"feed flow 5 min mean", "Rolling 5-minute mean; washing cycles (below 5 m³/h) masked", "m³/h", []string{TagFlow}},
		{"cake moisture lagged", "5-minute mean shifted 3 minutes back for the conveyor's transport delay", "%", []string{TagMoisture}},
		{"solids loading", "Ratio of the 5-minute means of torque and feed flow", "kNm·h/m³", []string{TagTorque, TagFlow}},
		{"bowl speed", "One-minute value", "rpm", []string{demoTagBowlSpeed}},
		{"polymer dose last hour", "Sum of the dosing pump's counter over the last hour; the counter is not yet mapped to a tag", "kg", nil},
	}
	featureID := map[string]string{}
	for _, spec := range features {
		f := &aims.Feature{Name: spec.name, Transformation: spec.transformation, Unit: spec.unit, Tags: []aims.LineageRef{}}
		for _, t := range spec.tags {
			f.Tags = append(f.Tags, aims.LineageRef{ID: tagID[t]})
		}
		if err := s.CreateFeature(ctx, f); err != nil {
			return fmt.Errorf("demo feature %s: %w", f.Name, err)
		}
		featureID[f.Name] = f.ID
	}

	// The tags the Line 2 extracts were drawn from.
	datasetTags := map[string][]string{
		"Line 2 dewatering historian 2023-2024": {TagTorque, TagFlow, TagMoisture, demoTagDosingMode},
		"Line 2 dewatering historian 2025 Q1":   {TagTorque, TagFlow, TagMoisture, demoTagBowlSpeed, demoTagDosingMode},
	}
	for name, names := range datasetTags {
		list, _, err := s.FindDatasets(ctx, aims.DatasetFilter{Search: name})
		if err != nil {
			return err
		}
		for _, d := range list {
			if d.Name != name {
				continue
			}
			ids := make([]string, len(names))
			for i, n := range names {
				ids[i] = tagID[n]
			}
			if _, err := s.UpdateDataset(ctx, d.ID, aims.DatasetUpdate{Tags: &ids}); err != nil {
				return fmt.Errorf("demo dataset %s: %w", name, err)
			}
		}
	}

	// The optimizer's versions and the features they consume.
	base := []string{"torque 5 min mean", "feed flow 5 min mean", "cake moisture lagged"}
	versionFeatures := map[string][]string{
		"2.1.0":     base,
		"2.3.0":     append(base[:3:3], "solids loading"),
		"2.4.0-rc1": append(base[:3:3], "solids loading", "bowl speed"),
	}
	sys, err := findOptimizer(ctx, s)
	if err != nil {
		return err
	}
	versions, _, err := s.FindModelVersions(ctx, sys.ID, aims.ModelVersionFilter{})
	if err != nil {
		return err
	}
	for _, v := range versions {
		names, ok := versionFeatures[v.Version]
		if !ok {
			continue
		}
		ids := make([]string, len(names))
		for i, n := range names {
			ids[i] = featureID[n]
		}
		if _, err := s.UpdateModelVersion(ctx, sys.ID, v.ID, aims.ModelVersionUpdate{Features: &ids}); err != nil {
			return fmt.Errorf("demo model version %s: %w", v.Version, err)
		}
	}
	return nil
}

// demoOptimizer finds the demo's setpoint optimizer.
func findOptimizer(ctx context.Context, s *service.Service) (*aims.AISystem, error) {
	list, _, err := s.FindSystems(ctx, aims.SystemFilter{Search: demoOptimizer})
	if err != nil {
		return nil, err
	}
	for _, x := range list {
		if x.Name == demoOptimizer {
			return x, nil
		}
	}
	return nil, fmt.Errorf("demo: no AI system named %q", demoOptimizer)
}
