package ui

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aimsproject/aims/internal/aims"
)

// Small formatting helpers the templates share.

// UTC writes a time as people read it in the audit trail and on records:
// UTC, to the second.
func UTC(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05") + " UTC"
}

// UTCPtr writes an optional time, or "—".
func UTCPtr(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return UTC(*t)
}

// ISOTime is a time for a <time datetime> attribute.
func ISOTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// DateOf writes an optional date, or "".
func DateOf(d *aims.Date) string {
	if d == nil {
		return ""
	}
	return d.String()
}

// ShortDigest is the first 12 hexadecimal characters of a digest, enough
// to tell versions apart on screen; the full digest is in the title.
func ShortDigest(d string) string {
	if len(d) <= 12 {
		return d
	}
	return d[:12] + "…"
}

// Capitalize makes "deployer" "Deployer" for enums without a Title.
func Capitalize(s string) string {
	s = strings.ReplaceAll(s, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// YesNo writes a boolean for people.
func YesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

// OrDash writes "—" for an empty value.
func OrDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

// Itoa is strconv.Itoa, short for templates.
func Itoa(i int) string { return strconv.Itoa(i) }

// Plural writes "1 AI system" or "3 AI systems".
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// OperatorRoleLabel names an operator role for people.
func OperatorRoleLabel(r aims.OperatorRole) string { return Capitalize(string(r)) }

// PersonalDataLabel names a personal-data answer for people.
func PersonalDataLabel(p aims.PersonalData) string { return Capitalize(string(p)) }

// Titles joins the titles of enum values.
func Titles[T ~string](vs []T, title func(T) string) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = title(v)
	}
	return OrDash(strings.Join(out, ", "))
}

// StageBadge picks the badge style of a lifecycle stage.
func StageBadge(s aims.LifecycleStage) string {
	switch s {
	case aims.StageDeployed:
		return "badge ok"
	case aims.StageSuspended:
		return "badge warn"
	}
	return "badge"
}

// StatusBadge picks the badge style of a model version status.
func StatusBadge(s aims.ModelVersionStatus) string {
	switch s {
	case aims.ModelDeployed:
		return "badge ok"
	case aims.ModelRetired:
		return "badge muted"
	}
	return "badge"
}

// DatasetWindow writes a dataset's time window.
func DatasetWindow(d *aims.Dataset) string {
	switch {
	case d.WindowStart == nil && d.WindowEnd == nil:
		return "—"
	case d.WindowEnd == nil:
		return "from " + d.WindowStart.String()
	case d.WindowStart == nil:
		return "until " + d.WindowEnd.String()
	}
	return d.WindowStart.String() + " to " + d.WindowEnd.String()
}

// AuditURL is the audit trail filtered to one record.
func AuditURL(entityType, id string) string {
	return "/audit?" + url.Values{"entity_type": {entityType}, "entity_id": {id}}.Encode()
}
