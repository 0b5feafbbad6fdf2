package service_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/ledger"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
	"github.com/aimsproject/aims/internal/witness"
)

// TestWitnessSubmission: a witness that already holds a checkpoint aims
// has no cosignature of (another replica's submission, a lost answer)
// answers 409 with its size, and aims proves from that size and gets the
// cosignature; the checkpoint is served with it. A witness that hangs
// does not hold up writes, and its failure is recorded as an error, not a
// refusal.
func TestWitnessSubmission(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := storetest.NewOrg(t, db, "acme")
		svc := service.New(db, slog.New(slog.DiscardHandler))
		skey, _ := ledger.GenerateMasterKey("aims.test")
		mk, _ := ledger.ParseMasterKey(skey)
		svc.SetLogKey(mk)
		octx := service.OperatorContext(ctx, f.Org, "test")

		f.MustCreateSystem(t, db, storetest.System("Credit scoring", f.Admin.ID))
		first, err := svc.LogCheckpoint(octx, "")
		if err != nil {
			t.Fatal(err)
		}
		lkey, err := svc.LogVerifierKey(octx)
		if err != nil {
			t.Fatal(err)
		}
		lv, _ := ledger.ParseVerifierKey(lkey)
		wsk, wvk, _ := witness.GenerateKey("witness.test")
		signer, _ := witness.NewSigner(wsk)
		wsrv := &witness.Server{Signer: signer, Logs: map[string]note.Verifier{lv.Name(): lv},
			Store: &witness.FileStore{Path: filepath.Join(t.TempDir(), witness.StateFile)}}
		if _, err := wsrv.AddCheckpoint(witness.Request{Checkpoint: first}); err != nil {
			t.Fatalf("the witness cosigns the first checkpoint directly: %v", err)
		}
		hs := httptest.NewServer(wsrv)
		defer hs.Close()

		f.MustCreateSystem(t, db, storetest.System("CV screening", f.Admin.ID))
		if _, err := svc.AddLogWitness(octx, &aims.LogWitness{URL: hs.URL, VerifierKey: wvk}); err != nil {
			t.Fatal(err)
		}
		ws, err := svc.SubmitCheckpointNow(octx)
		if err != nil {
			t.Fatalf("submit: %v", err)
		}
		head, _ := svc.LogStatus(octx)
		if len(ws) != 1 || ws[0].Status == nil || ws[0].Status.CosignedSize != head.SignedSize || ws[0].Status.Error != "" {
			t.Fatalf("after submitting: %+v, want cosigned up to %d", ws[0].Status, head.SignedSize)
		}
		served, err := svc.LogCheckpoint(octx, "")
		if err != nil {
			t.Fatal(err)
		}
		wv, _ := witness.NewVerifier(wvk)
		if _, err := witness.RequireCosignatures(served, lv, []note.Verifier{wv}, 1); err != nil {
			t.Fatalf("the served checkpoint: %v\n%s", err, served)
		}

		// A witness that hangs until released, then fails.
		release := make(chan struct{})
		hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			<-release
			http.Error(w, "disk full", http.StatusInternalServerError)
		}))
		defer hang.Close()
		_, vk2, _ := witness.GenerateKey("slow.test")
		if _, err := svc.AddLogWitness(octx, &aims.LogWitness{URL: hang.URL, VerifierKey: vk2}); err != nil {
			t.Fatal(err)
		}
		f.MustCreateSystem(t, db, storetest.System("Chatbot", f.Admin.ID))
		done := make(chan error, 1)
		go func() { _, err := svc.SubmitCheckpointNow(octx); done <- err }()
		time.Sleep(200 * time.Millisecond) // the submission is waiting for the slow witness
		start := time.Now()
		f.MustCreateSystem(t, db, storetest.System("Predictive maintenance", f.Admin.ID))
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("a write took %v while a witness hung", d)
		}
		close(release)
		if err := <-done; err == nil {
			t.Error("a failing witness reported no error")
		}
		ws, _ = svc.ListLogWitnesses(octx)
		for _, w := range ws {
			if w.Name == "slow.test" && (w.Status == nil || w.Status.Refused || w.Status.Error == "") {
				t.Errorf("the failing witness's status: %+v, want an error, not a refusal", w.Status)
			}
		}
	})
}
