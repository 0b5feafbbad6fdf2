package aims

import (
	"strconv"
	"strings"
)

// Page asks for one page of a list. Limit 0 means the default.
type Page struct {
	Limit  int
	Offset int
}

// Paging limits.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// Normalize applies the default and the maximum.
func (p Page) Normalize() Page {
	if p.Limit <= 0 {
		p.Limit = DefaultLimit
	}
	if p.Limit > MaxLimit {
		p.Limit = MaxLimit
	}
	if p.Offset < 0 {
		p.Offset = 0
	}
	return p
}

// set assigns *src to *dst when src is not nil; the update types use it.
func set[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

// cleanList trims entries and drops empty ones and repeats, keeping order.
func cleanList(in []string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, s := range in {
		s = CleanText(s)
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

// validateList bounds a free-text list.
func validateList(v *Validation, field string, list []string, maxItems, maxLen int) {
	if len(list) > maxItems {
		v.Add(field, "at most %d entries", maxItems)
	}
	for i, s := range list {
		v.Text(field+"/"+itoa(i), s)
		if len([]rune(s)) > maxLen {
			v.Add(field+"/"+itoa(i), "must be at most %d characters", maxLen)
		}
		if strings.ContainsAny(s, ";\n") {
			v.Add(field+"/"+itoa(i), "must not contain ';' or a line break (';' separates entries in CSV)")
		}
	}
}

func joinValues[T ~string](vs []T) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

// titleOf turns "credit_and_finance" into "Credit and finance".
func titleOf(s string) string {
	s = strings.ReplaceAll(s, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func itoa(i int) string { return strconv.Itoa(i) }

func lowerAll(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = strings.ToLower(s)
	}
	return out
}
