package rules_test

import (
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/rules"
)

func TestEvidenceFreshness(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	at := func(d time.Duration) *time.Time { v := now.Add(d); return &v }
	window := rules.DefaultExpiringWindow
	cases := []struct {
		name    string
		newest  time.Time
		expires *time.Time
		maxAge  time.Duration
		want    aims.Freshness
	}{
		{"no revision", time.Time{}, nil, 0, aims.FreshMissing},
		{"no expiry, no age limit", now.Add(-400 * day), nil, 0, aims.FreshCurrent},
		{"expires in 90 days", now.Add(-day), at(90 * day), 0, aims.FreshCurrent},
		{"expires in 10 days", now.Add(-day), at(10 * day), 0, aims.FreshExpiring},
		{"expires exactly at the window's end", now.Add(-day), at(window), 0, aims.FreshExpiring},
		{"expired yesterday", now.Add(-100 * day), at(-day), 0, aims.FreshExpired},
		{"expires now", now.Add(-100 * day), at(0), 0, aims.FreshExpired},
		{"older than the allowed age", now.Add(-100 * day), nil, 90 * day, aims.FreshExpired},
		{"age limit reached within the window", now.Add(-80 * day), at(300 * day), 90 * day, aims.FreshExpiring},
		{"age limit far, expiry near: the earlier decides", now.Add(-day), at(5 * day), 365 * day, aims.FreshExpiring},
		{"young and far from expiry", now.Add(-day), at(300 * day), 365 * day, aims.FreshCurrent},
	}
	for _, c := range cases {
		if got := rules.EvidenceFreshness(c.newest, c.expires, c.maxAge, window, now); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

func TestWorstAndBestFreshness(t *testing.T) {
	t.Parallel()
	if got := rules.WorstFreshness(aims.FreshCurrent, aims.FreshExpired, aims.FreshExpiring); got != aims.FreshExpired {
		t.Errorf("worst = %s", got)
	}
	if got := rules.BestFreshness(aims.FreshMissing, aims.FreshExpiring); got != aims.FreshExpiring {
		t.Errorf("best = %s", got)
	}
	if rules.WorstFreshness() != aims.FreshMissing || rules.BestFreshness() != aims.FreshMissing {
		t.Error("no states must be missing")
	}
}
