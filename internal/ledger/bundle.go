package ledger

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	tlogfmt "github.com/transparency-dev/formats/log"
	"golang.org/x/mod/sumdb/tlog"
)

// Files of an exported bundle, besides the tlog-tiles tree under tile/.
const (
	BundleCheckpoint  = "checkpoint"   // the latest signed checkpoint: the tree the bundle holds
	BundleCheckpoints = "checkpoints"  // every signed checkpoint up to it, one file per tree size
	BundleKey         = "verifier.key" // the log's verifier key, for reference only
	BundleReadme      = "README.txt"
)

// Bundle is what an export writes: the signed checkpoints (oldest first,
// the last one being the tree exported), a reader of that tree's hashes,
// and its entries.
type Bundle struct {
	VerifierKey string
	Checkpoints [][]byte
	Size        uint64
	Tree        *Reader
	// Entries returns the entries [from, to).
	Entries func(ctx context.Context, from, to uint64) ([][]byte, error)
	// Progress, when set, is told how many entries are written so far.
	Progress func(done uint64)
}

// WriteBundle writes b into dir (which must be empty or absent) in the
// c2sp.org/tlog-tiles layout, so that any tlog-tiles client, and
// `aims log verify`, can audit it without aims.
func WriteBundle(ctx context.Context, dir string, b Bundle) error {
	if len(b.Checkpoints) == 0 {
		return errors.New("no signed checkpoint to export yet")
	}
	if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 {
		return fmt.Errorf("%s is not empty: export into a new directory", dir)
	}
	if err := os.MkdirAll(filepath.Join(dir, BundleCheckpoints), 0o755); err != nil {
		return err
	}
	for _, c := range b.Checkpoints {
		size, err := noteSize(c)
		if err != nil {
			return err
		}
		if err := writeFile(dir, filepath.Join(BundleCheckpoints, strconv.FormatUint(size, 10)), c); err != nil {
			return err
		}
	}
	if err := writeFile(dir, BundleCheckpoint, b.Checkpoints[len(b.Checkpoints)-1]); err != nil {
		return err
	}
	if err := writeFile(dir, BundleKey, []byte(b.VerifierKey+"\n")); err != nil {
		return err
	}
	if err := writeFile(dir, BundleReadme, []byte(readme(b.VerifierKey))); err != nil {
		return err
	}
	for _, t := range tlog.NewTiles(TileHeight, 0, int64(b.Size)) {
		n := uint64(t.N)
		data, err := b.Tree.Tile(ctx, t.L, n, t.W)
		if err != nil {
			return err
		}
		if err := writeFile(dir, TilePath(t.L, n, t.W), data); err != nil {
			return err
		}
		if t.L != 0 {
			continue
		}
		from := n * TileWidth
		entries, err := b.Entries(ctx, from, from+uint64(t.W))
		if err != nil {
			return err
		}
		bundle, err := MarshalBundle(entries)
		if err != nil {
			return err
		}
		if err := writeFile(dir, TilePath(EntriesLevel, n, t.W), bundle); err != nil {
			return err
		}
		if b.Progress != nil {
			b.Progress(from + uint64(t.W))
		}
	}
	return nil
}

// noteSize reads the tree size of a signed checkpoint without checking it.
func noteSize(signed []byte) (uint64, error) {
	var cp tlogfmt.Checkpoint
	if _, err := cp.Unmarshal(signed); err != nil {
		return 0, err
	}
	return cp.Size, nil
}

func writeFile(dir, name string, data []byte) error {
	path := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

func readme(vkey string) string {
	return `This directory is an export of an aims tamper-evident log, laid out as
c2sp.org/tlog-tiles: checkpoint (the latest signed checkpoint),
checkpoints/SIZE (every checkpoint signed up to it), tile/L/N (hash tiles)
and tile/entries/N (entry bundles). Each entry is canonical JSON; an audit
event's entry holds the SHA-256 of its record before and after the change.

Verify it offline, with the verifier key obtained from the organization
through a channel you trust (not from this directory):

  aims log verify . --key '` + vkey + `' --full

The key in verifier.key is given for reference only.
`
}
