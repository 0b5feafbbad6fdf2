package rules

import (
	"slices"
	"time"

	"github.com/aimsproject/aims/internal/aims"
)

// OutOfCalibration returns the parts of [from, to) in which an instrument's
// readings are not vouched for by a calibration (ISO/IEC 42001 A.7.4 data
// quality): the gaps between the periods its passed or adjusted
// calibrations vouch for (see Vouched). A failed calibration covers
// nothing. An instrument that needs no calibration is never out of
// calibration. The periods come in time order, merged where they touch.
func OutOfCalibration(cals []aims.Calibration, required bool, from, to time.Time) []aims.Period {
	if !required || !to.After(from) {
		return nil
	}
	covered := make([]aims.Period, 0, len(cals))
	for _, v := range Vouched(cals) {
		p := aims.Period{From: later(v.From, from), To: earlier(v.To, to)}
		if !p.Empty() {
			covered = append(covered, p)
		}
	}
	slices.SortFunc(covered, func(a, b aims.Period) int { return a.From.Compare(b.From) })
	var out []aims.Period
	at := from
	for _, c := range covered {
		if c.From.After(at) {
			out = append(out, aims.Period{From: at, To: c.From})
		}
		at = later(at, c.To)
	}
	if to.After(at) {
		out = append(out, aims.Period{From: at, To: to})
	}
	return out
}

// CalibrationStateAt says whether an instrument was in calibration at t, and
// which calibration vouched for it then (the one valid longest after t,
// when several overlap). See aims.CalibrationState for the states.
func CalibrationStateAt(cals []aims.Calibration, required bool, t time.Time) (aims.CalibrationState, *aims.Calibration) {
	if !required {
		return aims.CalibrationNotRequired, nil
	}
	if len(cals) == 0 {
		return aims.CalibrationNever, nil
	}
	var best *aims.Calibration
	for i := range cals {
		c := &cals[i]
		if c.Covers(t) && vouchedUntil(cals, c).After(t) && (best == nil || c.ValidTo.After(best.ValidTo)) {
			best = c
		}
	}
	if best == nil {
		return aims.CalibrationOut, nil
	}
	return aims.CalibrationIn, best
}

// Vouched returns the period each passed or adjusted calibration vouches
// for: its validity, cut short by the first failed calibration after its
// start. A failed check finds the instrument out of tolerance, so readings
// from then on are not vouched for by an earlier pass, however long that
// pass was meant to last; a pass or adjustment at or after the failure
// vouches again. Entries follow the order of cals; failed ones are left out.
func Vouched(cals []aims.Calibration) []aims.Period {
	out := make([]aims.Period, 0, len(cals))
	for i := range cals {
		c := &cals[i]
		if !c.Result.Vouches() {
			continue
		}
		if p := (aims.Period{From: c.ValidFrom, To: vouchedUntil(cals, c)}); !p.Empty() {
			out = append(out, p)
		}
	}
	return out
}

// vouchedUntil is the end of what c vouches for: its ValidTo, or the start
// of the first failed calibration after c's start, whichever is earlier.
func vouchedUntil(cals []aims.Calibration, c *aims.Calibration) time.Time {
	end := c.ValidTo
	for _, f := range cals {
		if f.Result == aims.CalibrationFailed && f.ValidFrom.After(c.ValidFrom) && f.ValidFrom.Before(end) {
			end = f.ValidFrom
		}
	}
	return end
}

// IntersectPeriods returns the parts of the periods in ps that fall in w.
func IntersectPeriods(ps []aims.Period, w aims.Period) []aims.Period {
	var out []aims.Period
	for _, p := range ps {
		q := aims.Period{From: later(p.From, w.From), To: earlier(p.To, w.To)}
		if !q.Empty() {
			out = append(out, q)
		}
	}
	return out
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
