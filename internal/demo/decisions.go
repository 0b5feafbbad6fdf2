package demo

import (
	"context"
	"fmt"
	mrand "math/rand/v2"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
)

// The demo optimizer's operation (issue 6): four weeks of decisions from
// its edge gateway, with operators' overrides, and a stop and a resume by
// its owner. The inputs are named by the plant's tags:
const (
	TagTorque   = "TT-101 torque"   // centrifuge torque, kNm
	TagFlow     = "FT-201 flow"     // feed flow, m³/h
	TagMoisture = "MT-301 moisture" // cake moisture probe, %
)

// The optimizer's incident, in days before the load: the moisture probe
// reads low from ProbeFaultDays ago (after a cleaning) and operators
// override more and more; its owner stops the optimizer SuspendDays ago;
// the probe is recalibrated RecalibratedDays ago; the optimizer resumes
// ResumeDays ago, once its doses were checked in manual mode. No decision
// is made while it is stopped.
const (
	ProbeFaultDays   = 17
	SuspendDays      = 13
	RecalibratedDays = 12
	ResumeDays       = 10
)

// daysAgo is the hour d days before now.
func daysAgo(now time.Time, d int) time.Time {
	return now.Add(-time.Duration(d) * 24 * time.Hour).Truncate(time.Hour)
}

// SeedDecisions records 28 days of the demo optimizer's decisions (one
// every ten minutes, about 3,500) from the gateway "edge-line2", with
// model version 2.3.0: inputs TT-101 torque, FT-201 flow and MT-301
// moisture, the polymer dose it set, and operators' overrides (more of
// them while the moisture probe read low). Its owner stops the optimizer
// SuspendDays ago and resumes it ResumeDays ago, each recorded at its time,
// and no decision falls between. It does nothing when the optimizer has
// decisions already. ctx acts in the demo organization (as internal/demo's
// loader does).
func SeedDecisions(ctx context.Context, s *service.Service) error {
	list, _, err := s.FindSystems(ctx, aims.SystemFilter{Search: demoOptimizer})
	if err != nil {
		return err
	}
	var sys *aims.AISystem
	for _, x := range list {
		if x.Name == demoOptimizer {
			sys = x
		}
	}
	if sys == nil {
		return fmt.Errorf("demo decisions: no AI system named %q", demoOptimizer)
	}
	if _, n, err := s.FindDecisions(ctx, sys.ID, aims.DecisionFilter{Page: aims.Page{Limit: 1}}); err != nil || n > 0 {
		return err
	}
	rng := mrand.New(mrand.NewPCG(42, 6))
	now := s.DB().Now()
	start := daysAgo(now, 28)
	faultFrom, stop, resume := daysAgo(now, ProbeFaultDays), daysAgo(now, SuspendDays).Add(8*time.Hour), daysAgo(now, ResumeDays).Add(14*time.Hour)
	operators := []string{"operator J. Novak", "operator L. Brandt", "shift lead A. Berg"}
	var before, after []service.ReceivedEvent
	for i, t := 0, start; t.Before(now.Add(-10 * time.Minute)); i, t = i+1, t.Add(10*time.Minute) {
		if !t.Before(stop) && t.Before(resume) {
			continue // stopped: the gateway ran the line in manual mode
		}
		drift := !t.Before(faultFrom) && t.Before(stop) // the moisture probe read low
		torque := 3.2 + rng.Float64()*0.8
		flow := 42 + rng.Float64()*16
		moisture := 72.5 + rng.NormFloat64()*1.1
		if drift {
			moisture -= 4
		}
		dose := 9.5 + (moisture-72.5)*0.6 + (flow-50)*0.05 + rng.NormFloat64()*0.2
		human := ""
		overrideP := 0.04
		if drift {
			overrideP = 0.3
		}
		if rng.Float64() < overrideP {
			human = fmt.Sprintf(`,"human":{"action":"overridden","by":%q,"at":%q,"value":%.1f,"note":"manual dose at the HMI"}`,
				operators[rng.IntN(len(operators))], t.Add(2*time.Minute).Format(time.RFC3339), dose-1.5)
		}
		payload := fmt.Appendf(nil, `{"model_version":"2.3.0","source":"edge-line2","seq":%d,"source_time":%q,`+
			`"inputs":{%q:%.2f,%q:%.1f,%q:%.1f},"output":{"value":%.2f,"unit":"kg/t"}%s,"attributes":{"line":"Line 2","mode":"auto"}}`,
			i, t.Format(time.RFC3339Nano), TagTorque, torque, TagFlow, flow, TagMoisture, moisture, dose, human)
		received := t.Add(time.Duration(200+rng.IntN(600)) * time.Millisecond)
		if t.Before(stop) {
			before = append(before, service.ReceivedEvent{Raw: payload, ReceivedAt: received})
		} else {
			after = append(after, service.ReceivedEvent{Raw: payload, ReceivedAt: received})
		}
	}
	// Each step is recorded at its time in the story.
	if err := s.ImportDecisions(atTime(ctx, stop.Add(-time.Minute)), sys.ID, before, service.ViaCLI); err != nil {
		return fmt.Errorf("demo decisions: %w", err)
	}
	if _, err := s.SuspendSystem(atTime(ctx, stop), sys.ID, aims.NewSuspension{Reason: "The cake moisture probe MT-301 has read about 4 points low " +
		"since the CIP cleaning, and the optimizer overdosed polymer; operators overrode it a third of the time. Stopped until the probe is recalibrated."}); err != nil {
		return fmt.Errorf("demo suspension: %w", err)
	}
	if _, err := s.ResumeSystem(atTime(ctx, resume), sys.ID, aims.Resumption{Note: "MT-301 recalibrated against the lab's oven-dry samples; " +
		"the optimizer's doses were checked for a shift in manual mode before it went back to automatic."}); err != nil {
		return fmt.Errorf("demo resumption: %w", err)
	}
	if err := s.ImportDecisions(atTime(ctx, now.Add(-5*time.Minute)), sys.ID, after, service.ViaCLI); err != nil {
		return fmt.Errorf("demo decisions: %w", err)
	}
	return nil
}
