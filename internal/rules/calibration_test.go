package rules_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/rules"
)

// day returns 2026-03-DD 00:00 UTC.
func day(d int) time.Time { return time.Date(2026, 3, d, 0, 0, 0, 0, time.UTC) }

func cal(from, to int, r aims.CalibrationResult) aims.Calibration {
	return aims.Calibration{ValidFrom: day(from), ValidTo: day(to), Result: r}
}

// periods writes periods as "from-to" days of March, for short tables.
func periods(ps []aims.Period) string {
	var b []string
	for _, p := range ps {
		b = append(b, fmt.Sprintf("%d-%d", p.From.Day(), p.To.Day()))
	}
	return strings.Join(b, " ")
}

func TestOutOfCalibration(t *testing.T) {
	passed, adjusted, failed := aims.CalibrationPassed, aims.CalibrationAdjusted, aims.CalibrationFailed
	tests := []struct {
		name     string
		cals     []aims.Calibration
		required bool
		from, to int
		want     string
	}{
		{"not required: never out", nil, false, 1, 20, ""},
		{"not required even with a failed calibration", []aims.Calibration{cal(1, 20, failed)}, false, 1, 20, ""},
		{"required, no calibration: the whole window", nil, true, 1, 20, "1-20"},
		{"fully covered", []aims.Calibration{cal(1, 25, passed)}, true, 5, 20, ""},
		{"covered exactly (half-open)", []aims.Calibration{cal(5, 20, passed)}, true, 5, 20, ""},
		{"expired in the middle", []aims.Calibration{cal(1, 10, passed)}, true, 5, 20, "10-20"},
		{"starts late", []aims.Calibration{cal(8, 25, adjusted)}, true, 5, 20, "5-8"},
		{"gap between two", []aims.Calibration{cal(1, 9, passed), cal(12, 25, adjusted)}, true, 5, 20, "9-12"},
		{"back to back", []aims.Calibration{cal(1, 10, passed), cal(10, 25, passed)}, true, 5, 20, ""},
		{"overlapping, unordered", []aims.Calibration{cal(9, 25, passed), cal(1, 12, passed)}, true, 5, 20, ""},
		{"failed covers nothing", []aims.Calibration{cal(1, 9, passed), cal(9, 25, failed)}, true, 5, 20, "9-20"},
		{"a failed check ends an earlier pass", []aims.Calibration{cal(1, 25, passed), cal(12, 13, failed)}, true, 5, 20, "12-20"},
		{"a failed check then an adjustment", []aims.Calibration{cal(1, 25, passed), cal(12, 13, failed), cal(15, 25, adjusted)}, true, 5, 20, "12-15"},
		{"fail and adjustment at the same time: the adjustment vouches", []aims.Calibration{cal(1, 25, passed), cal(12, 13, failed), cal(12, 25, adjusted)}, true, 5, 20, ""},
		{"a failure before a pass does not cut it", []aims.Calibration{cal(2, 3, failed), cal(4, 25, passed)}, true, 5, 20, ""},
		{"a failure after the window changes nothing inside it", []aims.Calibration{cal(1, 25, passed), cal(22, 23, failed)}, true, 5, 20, ""},
		{"one inside another", []aims.Calibration{cal(1, 25, passed), cal(8, 10, passed)}, true, 5, 20, ""},
		{"two gaps and an end", []aims.Calibration{cal(6, 8, passed), cal(10, 12, passed)}, true, 5, 20, "5-6 8-10 12-20"},
		{"outside the window", []aims.Calibration{cal(21, 28, passed)}, true, 5, 20, "5-20"},
		{"empty window", []aims.Calibration{}, true, 20, 20, ""},
		{"reversed window", nil, true, 20, 5, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := periods(rules.OutOfCalibration(tc.cals, tc.required, day(tc.from), day(tc.to)))
			if got != tc.want {
				t.Errorf("OutOfCalibration = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestCalibrationStateAt(t *testing.T) {
	c1, c2 := cal(1, 10, aims.CalibrationPassed), cal(5, 20, aims.CalibrationAdjusted)
	tests := []struct {
		name     string
		cals     []aims.Calibration
		required bool
		at       time.Time
		want     aims.CalibrationState
		wantTo   int // the vouching calibration's end day, 0 for none
	}{
		{"not required", []aims.Calibration{c1}, false, day(3), aims.CalibrationNotRequired, 0},
		{"never calibrated", nil, true, day(3), aims.CalibrationNever, 0},
		{"in", []aims.Calibration{c1}, true, day(3), aims.CalibrationIn, 10},
		{"at the start", []aims.Calibration{c1}, true, day(1), aims.CalibrationIn, 10},
		{"at the end: out (half-open)", []aims.Calibration{c1}, true, day(10), aims.CalibrationOut, 0},
		{"before the first", []aims.Calibration{c2}, true, day(2), aims.CalibrationOut, 0},
		{"overlap: the one valid longest", []aims.Calibration{c1, c2}, true, day(7), aims.CalibrationIn, 20},
		{"after a failed check: out, though a pass is still valid", []aims.Calibration{c1, cal(4, 5, aims.CalibrationFailed)}, true, day(7), aims.CalibrationOut, 0},
		{"before that failed check: in", []aims.Calibration{c1, cal(4, 5, aims.CalibrationFailed)}, true, day(3), aims.CalibrationIn, 10},
		{"only failed: out", []aims.Calibration{cal(1, 10, aims.CalibrationFailed)}, true, day(3), aims.CalibrationOut, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, c := rules.CalibrationStateAt(tc.cals, tc.required, tc.at)
			gotTo := 0
			if c != nil {
				gotTo = c.ValidTo.Day()
			}
			if got != tc.want || gotTo != tc.wantTo {
				t.Errorf("CalibrationStateAt = %s (to day %d), want %s (to day %d)", got, gotTo, tc.want, tc.wantTo)
			}
		})
	}
}

func TestIntersectPeriods(t *testing.T) {
	ps := []aims.Period{{From: day(1), To: day(5)}, {From: day(8), To: day(12)}, {From: day(20), To: day(25)}}
	got := periods(rules.IntersectPeriods(ps, aims.Period{From: day(3), To: day(21)}))
	if want := "3-5 8-12 20-21"; got != want {
		t.Errorf("IntersectPeriods = %q, want %q", got, want)
	}
}
