package witness

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/aimsproject/aims/internal/ledger"
)

// State is what a witness remembers of a log: the latest checkpoint it
// cosigned.
type State struct {
	Size       uint64    `json:"size"`
	Root       []byte    `json:"root"`
	Checkpoint string    `json:"checkpoint"` // the signed note, as the log sent it
	CosignedAt time.Time `json:"cosigned_at"`
}

// Store keeps a witness's state per log origin. Save must be durable
// before it returns: the witness answers only after it.
type Store interface {
	Load(origin string) (*State, error) // nil, nil when the log was never cosigned
	Save(origin string, st *State) error
}

// FileStore keeps the state of every log in one JSON file, replaced
// atomically (written to a temporary file, synced, renamed, directory
// synced), so a crash leaves the old state or the new, never half.
type FileStore struct {
	Path string
	mu   sync.Mutex
}

// StateFile is the name of a witness's state file in its data directory.
const StateFile = "witness-state.json"

func (f *FileStore) read() (map[string]*State, error) {
	b, err := os.ReadFile(f.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]*State{}, nil
	}
	if err != nil {
		return nil, err
	}
	m := map[string]*State{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", f.Path, err)
	}
	return m, nil
}

// Load returns the state of the log with the given origin.
func (f *FileStore) Load(origin string) (*State, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.read()
	if err != nil {
		return nil, err
	}
	return m[origin], nil
}

// Save records the state of the log with the given origin, durably.
func (f *FileStore) Save(origin string, st *State) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.read()
	if err != nil {
		return err
	}
	m[origin] = st
	return f.write(m)
}

// write replaces the state file with m, durably.
func (f *FileStore) write(m map[string]*State) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(f.Path)
	tmp, err := os.CreateTemp(dir, ".witness-state-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := errors.Join(tmp.Sync(), tmp.Close()); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), f.Path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}

// Forget removes what the witness holds of the log with the given origin,
// and returns it (nil when it held nothing): its operator's deliberate act
// after the log was rebuilt on purpose, so that the new log can be
// witnessed from its start.
func (f *FileStore) Forget(origin string) (*State, error) {
	st, err := f.Load(origin)
	if err != nil || st == nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.read()
	if err != nil {
		return nil, err
	}
	delete(m, origin)
	return st, f.write(m)
}

// Server is a witness: it cosigns checkpoints of the logs it knows (by
// origin, with each log's verifier key) that are consistent with the
// latest one it cosigned for that log, and refuses every other.
type Server struct {
	Signer note.Signer
	Logs   map[string]note.Verifier // by origin
	Store  Store
	Now    func() time.Time // for tests; time.Now when nil

	mu sync.Mutex // one add-checkpoint at a time: check, persist, sign
}

// Error is a refusal with the HTTP status tlog-witness gives it.
type Error struct {
	Status int
	Size   uint64 // for 409: the size the witness has recorded
	Msg    string
}

func (e *Error) Error() string { return e.Msg }

func refuse(status int, format string, args ...any) *Error {
	return &Error{Status: status, Msg: fmt.Sprintf(format, args...)}
}

// AddCheckpoint checks a request and, when the new checkpoint extends the
// latest one cosigned for its log, records it and returns the
// cosignature line. Refusals are *Error.
func (s *Server) AddCheckpoint(r Request) ([]byte, error) {
	origin, _, _ := bytes.Cut(r.Checkpoint, []byte("\n"))
	logV, ok := s.Logs[string(origin)]
	if !ok {
		return nil, refuse(http.StatusNotFound, "this witness does not witness the log %q", origin)
	}
	cp, err := ledger.OpenCheckpoint(r.Checkpoint, logV)
	if err != nil {
		return nil, refuse(http.StatusForbidden, "the checkpoint is not signed by the log's key %s: %v", logV.Name(), err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.Store.Load(cp.Origin)
	if err != nil {
		return nil, err
	}
	var known uint64
	var knownRoot []byte
	if st != nil {
		known, knownRoot = st.Size, st.Root
	}
	if r.OldSize != known {
		return nil, &Error{Status: http.StatusConflict, Size: known,
			Msg: fmt.Sprintf("the witness last cosigned size %d, not %d", known, r.OldSize)}
	}
	if cp.Size < r.OldSize {
		return nil, refuse(http.StatusBadRequest, "the checkpoint's size %d is smaller than the old size %d", cp.Size, r.OldSize)
	}
	switch {
	case known == 0:
		if len(r.Proof) != 0 {
			return nil, refuse(http.StatusBadRequest, "a proof from size 0 must be empty")
		}
	case cp.Size == known:
		if len(r.Proof) != 0 {
			return nil, refuse(http.StatusBadRequest, "a proof between equal sizes must be empty")
		}
		if !bytes.Equal(cp.Root, knownRoot) {
			// The same size with another root: a fork.
			return nil, &Error{Status: http.StatusConflict, Size: known,
				Msg: fmt.Sprintf("the checkpoint of size %d has another root than the one this witness cosigned: the log forked", known)}
		}
	default:
		prev := ledger.Checkpoint{Origin: cp.Origin, Size: known, Root: knownRoot}
		if err := ledger.CheckExtends(prev, cp, r.Proof); err != nil {
			return nil, refuse(http.StatusUnprocessableEntity, "the checkpoint of size %d is not consistent with the one of size %d this witness cosigned (a rebuilt or forked log): %v", cp.Size, known, err)
		}
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	// Persist before answering: a witness that forgot what it cosigned
	// could be led to cosign a fork.
	if err := s.Store.Save(cp.Origin, &State{Size: cp.Size, Root: cp.Root, Checkpoint: string(r.Checkpoint), CosignedAt: now().UTC()}); err != nil {
		return nil, err
	}
	text, _, _ := bytes.Cut(r.Checkpoint, []byte("\n\n"))
	signed, err := note.Sign(&note.Note{Text: string(text) + "\n"}, s.Signer)
	if err != nil {
		return nil, err
	}
	_, sigs, _ := bytes.Cut(signed, []byte("\n\n"))
	return sigs, nil
}

// ServeHTTP answers POST /add-checkpoint (c2sp.org/tlog-witness).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/add-checkpoint" {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "use POST", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		http.Error(w, "the body is too large or unreadable", http.StatusBadRequest)
		return
	}
	req, err := ParseRequest(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	sigs, err := s.AddCheckpoint(req)
	var e *Error
	switch {
	case errors.As(err, &e) && e.Status == http.StatusConflict:
		w.Header().Set("Content-Type", SizeContentType)
		w.WriteHeader(http.StatusConflict)
		_, _ = io.WriteString(w, strconv.FormatUint(e.Size, 10)+"\n")
	case errors.As(err, &e):
		http.Error(w, e.Msg, e.Status)
	case err != nil:
		http.Error(w, "the witness could not record the checkpoint", http.StatusInternalServerError)
	default:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write(sigs)
	}
}
