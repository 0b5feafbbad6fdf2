package service_test

import (
	"bytes"
	"encoding/csv"
	"slices"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestSupplierExportHasDueDiligence checks that the supplier export carries
// the due-diligence record (A.10.3): criticality, review interval, last and
// next review, overdue, score and the AI-relevant commitments.
func TestSupplierExportHasDueDiligence(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newSoAWorld(t, db, "acme")
		mgr := w.as(aims.RoleAIMSManager)
		last := aims.Date{Time: aims.DateOf(db.Now()).AddDate(-1, 0, 0)}
		sp := &aims.Supplier{Name: "Aquametrics", Supplies: []aims.SupplyCategory{aims.SupplyCategoryValues()[0]},
			Criticality: aims.CriticalityHigh, ReviewIntervalDays: 180, LastReviewOn: &last,
			Commitments: []aims.SupplierCommitment{{Kind: aims.CommitmentModelChange, Present: true, Note: "30 days' notice, clause 9"}}}
		if err := w.svc.CreateSupplier(mgr, sp); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := w.svc.ExportSuppliersCSV(w.as(aims.RoleAuditor), &buf, aims.SupplierFilter{}); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\xEF\xBB\xBF")))).ReadAll()
		if err != nil || len(rows) != 2 {
			t.Fatalf("export: %d rows (%v)", len(rows), err)
		}
		col := func(name string) string { return rows[1][slices.Index(service.SupplierCSVColumns, name)] }
		next := aims.Date{Time: last.AddDate(0, 0, 180)}
		want := map[string]string{"criticality": "high", "review_interval_days": "180", "last_review_on": last.String(),
			"next_review_on": next.String(), "review_overdue": "true", "due_diligence_score": "",
			"commitments": "data_use: no; model_change_notice: yes (30 days' notice, clause 9); incident_reporting: no"}
		for name, v := range want {
			if got := col(name); got != v {
				t.Errorf("%s = %q, want %q", name, got, v)
			}
		}
	})
}
