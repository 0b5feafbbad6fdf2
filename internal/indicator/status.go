package indicator

import (
	"strconv"
	"time"

	"github.com/aimsproject/aims/internal/aims"
)

// Status says where an objective stands from its latest measurement,
// its target and its due date, and why:
//
//   - not measured yet, without a measurement;
//   - on track, when the latest value meets the target and is recent (no
//     older than two periods of the cadence);
//   - at risk, when it meets the target but is stale, or does not meet it
//     while more than one period of the cadence is left before the due
//     date;
//   - off track, when it does not meet the target and the due date has
//     passed or comes before the next measurement would.
func Status(o *aims.Objective, latest *aims.Measurement, now time.Time) (aims.ObjectiveStatus, string) {
	if latest == nil {
		return aims.NotMeasured, "no measurement yet"
	}
	period := o.Cadence.Period()
	at := latest.MeasuredAt.UTC().Format(aims.DateLayout)
	if o.Met(latest.Value) {
		if now.Sub(latest.MeasuredAt) > 2*period {
			return aims.AtRisk, "the target was met on " + at + ", but nothing was measured since (the cadence is " +
				lower(o.Cadence.Title()) + ")"
		}
		return aims.OnTrack, "the latest value meets the target"
	}
	today := aims.DateOf(now)
	if o.DueDate == nil || o.DueDate.IsZero() {
		return aims.AtRisk, "the latest value does not meet the target"
	}
	due := *o.DueDate
	switch {
	case due.Before(today):
		return aims.OffTrack, "the target is not met and the due date " + due.String() + " has passed"
	case due.Sub(today.Time) < period:
		return aims.OffTrack, "the target is not met and the due date " + due.String() + " comes before the next measurement"
	}
	days := int(due.Sub(today.Time).Hours() / 24)
	return aims.AtRisk, "the target is not met yet; " + strconv.Itoa(days) + " days are left before the due date"
}

func lower(s string) string {
	b := []byte(s)
	if len(b) > 0 && b[0] >= 'A' && b[0] <= 'Z' {
		b[0] += 'a' - 'A'
	}
	return string(b)
}
