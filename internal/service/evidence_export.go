package service

import (
	"context"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/rules"
	"github.com/aimsproject/aims/internal/store"
)

// EvidenceCSVColumns are the columns of the evidence export, one row per
// revision (ISO/IEC 42001 7.5.3: documented information is available and
// protected; an auditor checks each digest against the log offline).
var EvidenceCSVColumns = []string{"Evidence", "Title", "Kind", "Links", "Revision", "Latest", "Source", "URL", "File name",
	"SHA-256", "Size (bytes)", "Collected by", "Collected at", "Effective from", "Effective to", "Expires at", "Freshness", "Log index"}

// ExportEvidenceCSV writes every revision of the organization's evidence as
// CSV: its record links (type=id, separated by "; "), kind, digest, size,
// dates, its freshness in words as of now (a superseded revision by its own
// dates) and the index of the log leaf that seals it.
func (s *Service) ExportEvidenceCSV(ctx context.Context, w io.Writer) error {
	scope, _, err := authz.Authorize(ctx, authz.Export, "export evidence")
	if err != nil {
		return err
	}
	all, err := store.FindAllEvidence(ctx, s.db, scope)
	if err != nil {
		return err
	}
	window, now := s.expiringWindow(ctx, scope), time.Now()
	cw, err := newCSVExport(w, EvidenceCSVColumns)
	if err != nil {
		return err
	}
	for _, e := range all {
		links := make([]string, len(e.Links))
		for i, l := range e.Links {
			links[i] = string(l.Type) + "=" + l.ID
		}
		for i, r := range e.Revisions {
			fresh := rules.EvidenceFreshness(r.CollectedAt, r.ExpiresAt, 0, window, now)
			latest := "no"
			if i == len(e.Revisions)-1 {
				latest = "yes"
			}
			idx := ""
			if r.LogIndex != nil {
				idx = strconv.FormatInt(*r.LogIndex, 10)
			}
			if err := cw.Write([]string{e.ID, e.Title, e.Kind, strings.Join(links, "; "), strconv.Itoa(r.Number), latest,
				r.Source.Title(), r.URL, r.FileName, r.Digest, strconv.FormatInt(r.Size, 10), r.CollectedByLabel,
				stamp(&r.CollectedAt), stamp(r.EffectiveFrom), stamp(r.EffectiveTo), stamp(r.ExpiresAt), fresh.Title(), idx}); err != nil {
				return err
			}
		}
	}
	return cw.Close()
}

// stamp is t in RFC 3339 (UTC), or empty.
func stamp(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
