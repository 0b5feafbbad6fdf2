package web

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aimsproject/aims/internal/aims"
)

// Small formatting helpers the templates share.

// utc writes a time as people read it in the audit trail and on records:
// UTC, to the second.
func utc(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05") + " UTC"
}

// utcPtr writes an optional time, or "—".
func utcPtr(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return utc(*t)
}

// isoTime is a time for a <time datetime> attribute.
func isoTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// dateOf writes an optional date, or "".
func dateOf(d *aims.Date) string {
	if d == nil {
		return ""
	}
	return d.String()
}

// shortDigest is the first 12 hexadecimal characters of a digest, enough
// to tell versions apart on screen; the full digest is in the title.
func shortDigest(d string) string {
	if len(d) <= 12 {
		return d
	}
	return d[:12] + "…"
}

// capitalize makes "deployer" "Deployer" for enums without a Title.
func capitalize(s string) string {
	s = strings.ReplaceAll(s, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// yesNo writes a boolean for people.
func yesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

// orDash writes "—" for an empty value.
func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

// itoa is strconv.Itoa, short for templates.
func itoa(i int) string { return strconv.Itoa(i) }

// plural writes "1 AI system" or "3 AI systems".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// operatorRoleLabel names an operator role for people.
func operatorRoleLabel(r aims.OperatorRole) string { return capitalize(string(r)) }

// personalDataLabel names a personal-data answer for people.
func personalDataLabel(p aims.PersonalData) string { return capitalize(string(p)) }

// titles joins the titles of enum values.
func titles[T ~string](vs []T, title func(T) string) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = title(v)
	}
	return orDash(strings.Join(out, ", "))
}

// stageBadge picks the badge style of a lifecycle stage.
func stageBadge(s aims.LifecycleStage) string {
	switch s {
	case aims.StageDeployed:
		return "badge ok"
	case aims.StageSuspended:
		return "badge warn"
	}
	return "badge"
}

// statusBadge picks the badge style of a model version status.
func statusBadge(s aims.ModelVersionStatus) string {
	switch s {
	case aims.ModelDeployed:
		return "badge ok"
	case aims.ModelRetired:
		return "badge muted"
	}
	return "badge"
}

// window writes a dataset's time window.
func window(d *aims.Dataset) string {
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

// auditURL is the audit trail filtered to one record.
func auditURL(entityType, id string) string {
	return "/audit?" + url.Values{"entity_type": {entityType}, "entity_id": {id}}.Encode()
}
