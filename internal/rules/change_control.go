package rules

import (
	"slices"
	"strings"
	"time"

	"github.com/aimsproject/aims/internal/aims"
)

// Change control (ISO/IEC 42001 8.1, A.6.2.6): which changes to the records
// a model version depends on are material, and for which model versions.
// A material change re-opens the version's validation gate: the version may
// not act until the gate is passed again (or the re-opening is cleared with
// a reason by someone who may).

// HoldsValidation reports whether a model version in status has passed its
// validation gate and so has a gate a change can re-open: validated,
// approved and deployed versions. A candidate has not passed it yet and a
// retired version no longer acts.
func HoldsValidation(s aims.ModelVersionStatus) bool {
	return s == aims.ModelValidated || s == aims.ModelApproved || s == aims.ModelDeployed
}

// DatasetChanges names what changed in a dataset that a model trained,
// validated or tested on it depends on: its origin, how it was collected,
// its window, the tags it was drawn from, its supplier and whether it holds
// personal data. Its name, description, licence and quality notes are not
// material to what the model learned, and recording its window or tags
// for the first time documents the data rather than changing it. None
// means the change is not material.
func DatasetChanges(before, after *aims.Dataset) []string {
	var out []string
	if before.Origin != after.Origin {
		out = append(out, "origin")
	}
	if before.CollectionMethod != after.CollectionMethod {
		out = append(out, "collection method")
	}
	if !sameDate(before.WindowStart, after.WindowStart) && !unset(before.WindowStart) ||
		!sameDate(before.WindowEnd, after.WindowEnd) && !unset(before.WindowEnd) {
		out = append(out, "window")
	}
	if len(before.Tags) > 0 && !sameRefs(before.Tags, after.Tags) {
		out = append(out, "tags")
	}
	if before.SupplierID != after.SupplierID {
		out = append(out, "supplier")
	}
	if before.PersonalData != after.PersonalData {
		out = append(out, "personal data")
	}
	return out
}

// TagsChanged reports whether a feature's (or dataset's) set of tags
// changed; the order they are listed in does not count.
func TagsChanged(before, after []aims.LineageRef) bool { return !sameRefs(before, after) }

// DatasetUseChanges describes how the datasets a model version names
// changed: added and removed uses, "training: added Kiln 2026; removed
// Kiln 2025". Empty means unchanged (order does not count).
func DatasetUseChanges(before, after []aims.DatasetUse) string {
	key := func(u aims.DatasetUse) string { return string(u.Purpose) + "\x00" + u.DatasetID }
	has := func(list []aims.DatasetUse, u aims.DatasetUse) bool {
		return slices.ContainsFunc(list, func(x aims.DatasetUse) bool { return key(x) == key(u) })
	}
	name := func(u aims.DatasetUse) string {
		n := u.DatasetName
		if n == "" {
			n = u.DatasetID
		}
		return strings.ToLower(u.Purpose.Title()) + " dataset “" + n + "”"
	}
	var parts []string
	for _, u := range after {
		if !has(before, u) {
			parts = append(parts, "added "+name(u))
		}
	}
	for _, u := range before {
		if !has(after, u) {
			parts = append(parts, "removed "+name(u))
		}
	}
	return strings.Join(parts, "; ")
}

// Change is a material change to a record model versions depend on.
type Change struct {
	Cause      aims.ReopenCause
	CauseType  string // the changed record's audit entity type
	CauseID    string
	CauseLabel string
	// What says what changed, without naming the version: "window, tags
	// of dataset “Kiln 2025” changed".
	What string
}

// Reopenings returns the re-openings a material change makes: one for each
// dependent model version that holds its validation gate (several uses of
// one version count once). A change to the system's supplier, a failed
// recalibration, a dataset's or a feature's change all make the impact
// assessment out of date too.
func Reopenings(c Change, deps []aims.DependentVersion) []aims.GateReopening {
	var out []aims.GateReopening
	seen := map[string]bool{}
	for _, d := range deps {
		if !HoldsValidation(d.Status) || seen[d.ModelVersionID] {
			continue
		}
		seen[d.ModelVersionID] = true
		what := c.What
		if d.Purpose != "" {
			what = strings.ToLower(d.Purpose.Title()) + " " + what
		}
		out = append(out, aims.GateReopening{SystemID: d.SystemID, ModelVersionID: d.ModelVersionID, ModelVersion: d.Version,
			Gate: aims.GateValidation, Cause: c.Cause, CauseType: c.CauseType, CauseID: c.CauseID, CauseLabel: c.CauseLabel,
			Reason: what + " (model version " + d.Version + ")", AffectsImpact: affectsImpact(c.Cause)})
	}
	return out
}

// NewVersionReopening is the re-opening of a system's deployment gate that a
// newly registered model version makes: the system's deployment is to be
// looked at again for it. It does not hold the versions already approved,
// and it does not by itself make the impact assessment out of date (the new
// version's deployment does).
func NewVersionReopening(systemID string, v *aims.ModelVersion, where string) aims.GateReopening {
	r := "model version " + v.Version + " was registered"
	if where != "" {
		r += " " + where
	}
	return aims.GateReopening{SystemID: systemID, Gate: aims.GateDeployment, Cause: aims.CauseNewModelVersion,
		CauseType: aims.EntityModelVersion, CauseID: v.ID, CauseLabel: v.Version, Reason: r}
}

// affectsImpact says whether a cause makes the impact assessment out of
// date: every cause that changes what a model learned from or reads.
func affectsImpact(c aims.ReopenCause) bool {
	return c != aims.CauseNewModelVersion
}

// ImpactReopened gives the reasons an impact assessment signed off at
// signedOff no longer holds because of re-openings made after it (open or
// cleared: passing the gate again does not re-assess the impact).
func ImpactReopened(signedOff time.Time, list []*aims.GateReopening) []string {
	var out []string
	for _, r := range list {
		if !r.AffectsImpact || !r.ReopenedAt.After(signedOff) {
			continue
		}
		reason := r.Reason + " after sign-off"
		if !slices.Contains(out, reason) {
			out = append(out, reason)
		}
	}
	return out
}

func unset(d *aims.Date) bool { return d == nil || d.IsZero() }

func sameDate(a, b *aims.Date) bool {
	switch {
	case a == nil || a.IsZero():
		return b == nil || b.IsZero()
	case b == nil:
		return false
	}
	return a.Equal(b.Time)
}

func sameRefs(a, b []aims.LineageRef) bool {
	ids := func(rs []aims.LineageRef) []string {
		out := make([]string, len(rs))
		for i, r := range rs {
			out[i] = r.ID
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	return slices.Equal(ids(a), ids(b))
}
