package ledger

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
)

// fullPass recomputes the tree from the entries alone, as --full asks:
// every checkpoint's root must come out of the entries, every hash tile
// must hold the hashes the entries give. It reads and hashes the entry
// bundles on every core, and folds them into the tree in order.
func fullPass(ctx context.Context, dir string, tree *Reader, cps []signedCheckpoint, progress func(done, total uint64)) error {
	size := tree.Size()
	app, err := NewAppender(Edge{})
	if err != nil {
		return err
	}
	next := 0
	for next < len(cps) && cps[next].cp.Size == 0 {
		next++
	}
	bundles, stop := hashBundles(ctx, dir, tree)
	defer stop()
	src := tree.src
	for b := range bundles {
		if b.err != nil {
			return b.err
		}
		from := b.n * TileWidth
		tile, err := src.Hashes(ctx, 0, from, from+uint64(len(b.hashes)))
		if err != nil {
			return err
		}
		for i, h := range b.hashes {
			if !bytes.Equal(h, tile[i]) {
				return &BundleError{File: b.file, Entry: int64(from) + int64(i),
					Err: fmt.Errorf("its hash differs from the one in %s", TilePath(0, b.n, len(b.hashes)))}
			}
			if err := app.Append(h); err != nil {
				return err
			}
			for next < len(cps) && cps[next].cp.Size == app.Size() {
				if !bytes.Equal(app.Root(), cps[next].cp.Root) {
					return fileErr(cps[next].file, "the root recomputed from the first %d entries differs from the checkpoint's", app.Size())
				}
				next++
			}
		}
		// The hashes above the leaves that the entries complete must be
		// the ones the upper tiles hold.
		for _, nd := range app.TakeNodes() {
			want, err := tree.NodeHash(ctx, uint(nd.Level)*TileHeight, nd.Index)
			if err != nil {
				return err
			}
			if !bytes.Equal(want, nd.Hash) {
				n := nd.Index / TileWidth
				return fileErr(TilePath(nd.Level, n, tree.TileWidth(nd.Level, n)), "hash %d differs from the one the entries give: the tile was altered", nd.Index%TileWidth)
			}
		}
		if progress != nil {
			progress(from+uint64(len(b.hashes)), size)
		}
	}
	if app.Size() != size || next != len(cps) {
		return fileErr(BundleCheckpoint, "the entries end at %d, the checkpoint says %d", app.Size(), size)
	}
	return nil
}

// hashedBundle is one entry bundle read and hashed.
type hashedBundle struct {
	n      uint64
	file   string
	hashes [][]byte // the leaf hash of each entry
	err    error
}

// hashBundles reads and hashes the entry bundles of the tree on every
// core, and delivers them in order on the returned channel. stop ends the
// work early.
func hashBundles(ctx context.Context, dir string, tree *Reader) (<-chan *hashedBundle, func()) {
	out := make(chan *hashedBundle)
	done := make(chan struct{})
	var once sync.Once
	stop := func() { once.Do(func() { close(done) }) }
	workers := runtime.GOMAXPROCS(0)
	order := make(chan chan *hashedBundle, 4*workers) // bounds the bundles in flight
	sem := make(chan struct{}, workers)
	go func() {
		defer close(order)
		for n := uint64(0); n*TileWidth < tree.Size(); n++ {
			ch := make(chan *hashedBundle, 1)
			select {
			case order <- ch:
			case <-done:
				return
			case <-ctx.Done():
				return
			}
			go func() {
				sem <- struct{}{}
				ch <- hashBundle(dir, n, tree.TileWidth(0, n))
				<-sem
			}()
		}
	}()
	go func() {
		defer close(out)
		for ch := range order {
			select {
			case out <- <-ch:
			case <-done:
				return
			}
		}
	}()
	return out, stop
}

func hashBundle(dir string, n uint64, w int) *hashedBundle {
	b := &hashedBundle{n: n, file: TilePath(EntriesLevel, n, w)}
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(b.file)))
	if err != nil {
		b.err = fileErr(b.file, "cannot read it: %v (the bundle is truncated)", err)
		return b
	}
	entries, err := ParseBundle(data, w)
	if err != nil {
		b.err = fileErr(b.file, "%v (the bundle is truncated or altered)", err)
		return b
	}
	b.hashes = make([][]byte, len(entries))
	for i, e := range entries {
		b.hashes[i] = LeafHash(e)
	}
	return b
}
