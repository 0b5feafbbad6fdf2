package web

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
)

// TestMLflowSyncPanel: the system page tells a failed sync from a good one
// and lists what the sync could not do; nothing shows without a sync.
func TestMLflowSyncPanel(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		sync *aims.MLflowSync
		want []string
	}{
		{"never synced", nil, nil},
		{"failed", &aims.MLflowSync{URL: "http://mlflow:5000", FinishedAt: at, Error: "MLflow registered-models/search answered 500 Internal Server Error"},
			[]string{"failed, nothing changed", "answered 500", "tried again"}},
		{"synced", &aims.MLflowSync{URL: "http://mlflow:5000", FinishedAt: at, Created: 2, Collisions: 1,
			Problems: []string{"optimizer/2 of Setpoint optimizer exists in aims with another digest or source: left as it is"}},
			[]string{"2 versions registered as candidates", "1 name collision", "left as it is"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			if err := MLflowSyncPanel(tc.sync).Render(context.Background(), &buf); err != nil {
				t.Fatal(err)
			}
			if tc.sync == nil && strings.TrimSpace(buf.String()) != "" {
				t.Errorf("panel without a sync: %q", buf.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(buf.String(), w) {
					t.Errorf("panel lacks %q:\n%s", w, buf.String())
				}
			}
		})
	}
}
