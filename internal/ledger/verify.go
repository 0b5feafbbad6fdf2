package ledger

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// VerifyOptions tune VerifyBundle.
type VerifyOptions struct {
	// Full also recomputes the root of every checkpoint from the entries
	// alone, without the bundle's hash tiles.
	Full bool
	// Progress, when set, is told how many entries are checked so far.
	Progress func(done, total uint64)
}

// VerifyReport says what a successful verification covered.
type VerifyReport struct {
	Origin      string
	Checkpoints int
	Size        uint64
	Root        []byte
}

// BundleError is a verification failure, naming the bundle file (and the
// entry, when one) that fails.
type BundleError struct {
	File  string
	Entry int64 // -1 when the failure is not one entry's
	Err   error
}

func (e *BundleError) Error() string {
	if e.Entry >= 0 {
		return fmt.Sprintf("entry %d (%s): %v", e.Entry, e.File, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *BundleError) Unwrap() error { return e.Err }

func fileErr(file string, format string, args ...any) error {
	return &BundleError{File: file, Entry: -1, Err: fmt.Errorf(format, args...)}
}

// signedCheckpoint is a checkpoint read from a bundle file.
type signedCheckpoint struct {
	file string
	raw  []byte
	cp   Checkpoint
}

// VerifyBundle checks an exported log directory without network or
// database: every checkpoint's signature against v, every hash tile against
// the latest checkpoint, the consistency of each checkpoint with the next,
// and every entry's inclusion; with Full, the root of every checkpoint
// recomputed from the entries alone. The first failure is returned, naming
// the file and entry.
func VerifyBundle(ctx context.Context, dir string, v note.Verifier, opts VerifyOptions) (*VerifyReport, error) {
	cps, err := readCheckpoints(dir, v)
	if err != nil {
		return nil, err
	}
	latest := cps[len(cps)-1]
	rep := &VerifyReport{Origin: latest.cp.Origin, Checkpoints: len(cps), Size: latest.cp.Size, Root: latest.cp.Root}
	if latest.cp.Size == 0 {
		return rep, nil
	}
	src := &dirSource{dir: dir}
	tree := NewReader("bundle", latest.cp.Size, src, NewCache(1<<30))
	src.tree = tree
	if opts.Full {
		if err := fullPass(ctx, dir, tree, cps, opts.Progress); err != nil {
			// The tile-by-tile checks name the culprit (an entry or a
			// tile) where the recomputed root can only say that one is
			// wrong.
			if terr := tileChecks(ctx, dir, tree, cps, nil); terr != nil {
				return nil, terr
			}
			return nil, err
		}
		return rep, checkConsistency(ctx, tree, cps)
	}
	return rep, tileChecks(ctx, dir, tree, cps, opts.Progress)
}

// tileChecks authenticates every hash tile against the latest checkpoint,
// checks the consistency of the checkpoints, and checks every entry
// against its tile.
func tileChecks(ctx context.Context, dir string, tree *Reader, cps []signedCheckpoint, progress func(done, total uint64)) error {
	if err := authenticateTiles(ctx, tree, cps[len(cps)-1]); err != nil {
		return err
	}
	if err := checkConsistency(ctx, tree, cps); err != nil {
		return err
	}
	return checkEntries(ctx, dir, tree, progress)
}

// checkConsistency checks each checkpoint against the latest tree (its root
// must be that of the tree's first entries) and against the next one, with
// a consistency proof checked by transparency-dev/merkle.
func checkConsistency(ctx context.Context, tree *Reader, cps []signedCheckpoint) error {
	latest := cps[len(cps)-1]
	for _, c := range cps[:len(cps)-1] {
		root, err := tree.Root(ctx, c.cp.Size)
		if err != nil {
			return err
		}
		if !bytes.Equal(root, c.cp.Root) {
			return fileErr(c.file, "is not consistent with %s: its root is not that of the first %d entries of the later tree (the log signed two different histories)", latest.file, c.cp.Size)
		}
	}
	for i := 1; i < len(cps); i++ {
		prev, next := cps[i-1], cps[i]
		p, err := tree.ConsistencyProof(ctx, prev.cp.Size, next.cp.Size)
		if err != nil {
			return err
		}
		if err := CheckExtends(prev.cp, next.cp, p); err != nil {
			return fileErr(prev.file, "checkpoint of size %d is not consistent with %s: %v", prev.cp.Size, next.file, err)
		}
	}
	return nil
}

// readCheckpoints opens every checkpoint of the bundle, smallest first.
func readCheckpoints(dir string, v note.Verifier) ([]signedCheckpoint, error) {
	open := func(name string) (signedCheckpoint, error) {
		raw, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			return signedCheckpoint{}, fileErr(name, "cannot read it: %v (the bundle is incomplete)", err)
		}
		cp, err := OpenCheckpoint(raw, v)
		if err != nil {
			return signedCheckpoint{}, fileErr(name, "signature does not verify with key %s: %v", v.Name(), err)
		}
		return signedCheckpoint{file: name, raw: raw, cp: cp}, nil
	}
	latest, err := open(BundleCheckpoint)
	if err != nil {
		return nil, err
	}
	ents, err := os.ReadDir(filepath.Join(dir, BundleCheckpoints))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fileErr(BundleCheckpoints, "%v", err)
	}
	var cps []signedCheckpoint
	for _, e := range ents {
		name := BundleCheckpoints + "/" + e.Name()
		size, err := strconv.ParseUint(e.Name(), 10, 64)
		if err != nil || e.IsDir() {
			return nil, fileErr(name, "is not a checkpoint file (checkpoints/SIZE)")
		}
		c, err := open(name)
		if err != nil {
			return nil, err
		}
		if c.cp.Size != size {
			return nil, fileErr(name, "holds a checkpoint of size %d", c.cp.Size)
		}
		cps = append(cps, c)
	}
	slices.SortFunc(cps, func(a, b signedCheckpoint) int { return compareUint(a.cp.Size, b.cp.Size) })
	switch last := len(cps) - 1; {
	case last < 0 || cps[last].cp.Size < latest.cp.Size:
		cps = append(cps, latest)
	case cps[last].cp.Size > latest.cp.Size:
		return nil, fileErr(BundleCheckpoint, "is smaller (%d) than %s: the bundle is incomplete", latest.cp.Size, cps[last].file)
	case !bytes.Equal(cps[last].raw, latest.raw):
		return nil, fileErr(BundleCheckpoint, "differs from %s", cps[last].file)
	}
	return cps, nil
}

func compareUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// authenticateTiles checks every hash tile of the latest tree: the right
// edge against the checkpoint's root, then every full tile, from the top
// level down, against its hash in the level above.
func authenticateTiles(ctx context.Context, tree *Reader, latest signedCheckpoint) error {
	root, err := tree.Root(ctx, latest.cp.Size)
	if err != nil {
		return err
	}
	if !bytes.Equal(root, latest.cp.Root) {
		var partial []string
		for level := 0; tree.TileWidth(level, 0) > 0; level++ {
			count := latest.cp.Size >> (uint(level) * TileHeight)
			if w := tree.TileWidth(level, count/TileWidth); w > 0 && w < TileWidth {
				partial = append(partial, TilePath(level, count/TileWidth, w))
			}
		}
		return fileErr(strings.Join(partial, ", "), "these partial tiles at the right edge of the tree do not hash to the root of %s: one was altered", BundleCheckpoint)
	}
	top := 0
	for tree.TileWidth(top+1, 0) > 0 {
		top++
	}
	for level := top - 1; level >= 0; level-- {
		full := (latest.cp.Size >> (uint(level) * TileHeight)) / TileWidth
		for n := range full {
			t, err := tree.tile(ctx, level, n, TileWidth)
			if err != nil {
				return err
			}
			want, err := tree.NodeHash(ctx, uint(level+1)*TileHeight, n)
			if err != nil {
				return err
			}
			if !bytes.Equal(t.nodes[TileHeight][0], want) {
				return fileErr(TilePath(level, n, TileWidth), "does not hash to its hash in %s: the tile was altered",
					TilePath(level+1, n/TileWidth, tree.TileWidth(level+1, n/TileWidth)))
			}
		}
	}
	return nil
}

// checkEntries reads every entry bundle and checks each entry against the
// authenticated level-0 tile.
func checkEntries(ctx context.Context, dir string, tree *Reader, progress func(done, total uint64)) error {
	size := tree.Size()
	bundles, stop := hashBundles(ctx, dir, tree)
	defer stop()
	for b := range bundles {
		if b.err != nil {
			return b.err
		}
		t, err := tree.tile(ctx, 0, b.n, len(b.hashes))
		if err != nil {
			return err
		}
		for i, h := range b.hashes {
			if !bytes.Equal(h, t.nodes[0][i]) {
				return &BundleError{File: b.file, Entry: int64(b.n*TileWidth) + int64(i),
					Err: fmt.Errorf("its hash differs from the one in %s: the entry was altered", TilePath(0, b.n, len(b.hashes)))}
			}
		}
		if progress != nil {
			progress(b.n*TileWidth+uint64(len(b.hashes)), size)
		}
	}
	return nil
}

// dirSource reads hash tiles from a bundle directory.
type dirSource struct {
	dir  string
	tree *Reader
}

func (s *dirSource) Hashes(_ context.Context, level int, from, to uint64) ([][]byte, error) {
	n := from / TileWidth
	w := s.tree.TileWidth(level, n)
	name := TilePath(level, n, w)
	b, err := os.ReadFile(filepath.Join(s.dir, filepath.FromSlash(name)))
	if err != nil {
		return nil, fileErr(name, "cannot read it: %v (the bundle is truncated)", err)
	}
	if len(b) != w*HashSize {
		return nil, fileErr(name, "has %d bytes, want %d (the bundle is truncated or altered)", len(b), w*HashSize)
	}
	lo, hi := from-n*TileWidth, to-n*TileWidth
	if hi > uint64(w) || lo > hi {
		return nil, fmt.Errorf("hashes [%d, %d) are not in %s", from, to, name)
	}
	out := make([][]byte, 0, hi-lo)
	for i := lo; i < hi; i++ {
		out = append(out, b[i*HashSize:(i+1)*HashSize])
	}
	return out, nil
}
