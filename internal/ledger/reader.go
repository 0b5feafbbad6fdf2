package ledger

import (
	"bytes"
	"context"
	"fmt"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
)

// HashSource reads the stored hashes of one log: at tile level 0 the leaf
// hashes, at level l ≥ 1 the roots of complete subtrees of 256^l leaves.
type HashSource interface {
	// Hashes returns the hashes of level with indexes [from, to), in order.
	Hashes(ctx context.Context, level int, from, to uint64) ([][]byte, error)
}

// TileSource is a HashSource that also keeps each full tile with its inner
// hashes (TileInner), so that a reader hashes nothing to use it.
type TileSource interface {
	HashSource
	// FullTile returns full tile n of level and its inner hashes, or nil
	// when it does not keep that tile.
	FullTile(ctx context.Context, level int, n uint64) (hashes, inner [][]byte, err error)
}

// Reader answers tiles, roots and proofs of one log at a given tree size
// from its stored hashes. Full tiles never change, so a Cache shared by
// every Reader keeps them with their inner nodes; a proof then costs a few
// map lookups.
type Reader struct {
	log   string // names the log in the cache
	size  uint64
	src   HashSource
	cache *Cache
}

// NewReader reads the tree of size leaves of the log named log (unique
// among the logs sharing cache; cache may be nil).
func NewReader(log string, size uint64, src HashSource, cache *Cache) *Reader {
	return &Reader{log: log, size: size, src: src, cache: cache}
}

// Size is the tree size the reader answers for.
func (r *Reader) Size() uint64 { return r.size }

// TileWidth returns the width of tile n at level in the reader's tree: 256
// for a full tile, less for the partial tile at the right edge, 0 for a
// tile beyond the tree.
func (r *Reader) TileWidth(level int, n uint64) int {
	if level < 0 || level > 63 || uint(level)*TileHeight >= 64 {
		return 0
	}
	count := r.size >> (uint(level) * TileHeight) // hashes at this level
	start := n * TileWidth
	if n > count/TileWidth || start >= count {
		return 0
	}
	return int(min(count-start, TileWidth))
}

// Tile returns tile n of level with width w (c2sp.org/tlog-tiles): w
// hashes, concatenated. The tile must exist in the reader's tree: w is
// the tile's width at that size (256 for a full tile), or a partial width
// the tree has grown past.
func (r *Reader) Tile(ctx context.Context, level int, n uint64, w int) ([]byte, error) {
	have := r.TileWidth(level, n)
	if w < 1 || w > TileWidth || have < w {
		return nil, fmt.Errorf("tile %d/%d of width %d is not in the tree of size %d", level, n, w, r.size)
	}
	t, err := r.tile(ctx, level, n, w)
	if err != nil {
		return nil, err
	}
	return bytes.Join(t.nodes[0], nil), nil
}

// NodeHash returns the hash of the complete subtree at tree height level
// with the given index.
func (r *Reader) NodeHash(ctx context.Context, level uint, index uint64) ([]byte, error) {
	if begin, end := compact.NewNodeID(level, index).Coverage(); end > r.size || end <= begin {
		return nil, fmt.Errorf("node %d/%d is not complete in the tree of size %d", level, index, r.size)
	}
	tl := int(level / TileHeight)
	inner := level % TileHeight
	first := index << inner // index of the first hash at tile level tl
	n := first >> TileHeight
	t, err := r.tile(ctx, tl, n, r.TileWidth(tl, n))
	if err != nil {
		return nil, err
	}
	i := (first % TileWidth) >> inner
	if int(inner) >= len(t.nodes) || i >= uint64(len(t.nodes[inner])) {
		return nil, fmt.Errorf("node %d/%d is missing from tile %d/%d", level, index, tl, n)
	}
	return t.nodes[inner][i], nil
}

func (r *Reader) nodeHashes(ctx context.Context, ids []compact.NodeID) ([][]byte, error) {
	hashes := make([][]byte, len(ids))
	for i, id := range ids {
		h, err := r.NodeHash(ctx, id.Level, id.Index)
		if err != nil {
			return nil, err
		}
		hashes[i] = h
	}
	return hashes, nil
}

// Root returns the root hash of the tree of the first size leaves (size at
// most the reader's size).
func (r *Reader) Root(ctx context.Context, size uint64) ([]byte, error) {
	if size > r.size {
		return nil, fmt.Errorf("tree size %d is beyond the log's %d leaves", size, r.size)
	}
	if size == 0 {
		return EmptyRoot(), nil
	}
	hashes, err := r.nodeHashes(ctx, compact.RangeNodes(0, size, nil))
	if err != nil {
		return nil, err
	}
	cr, err := rangeFactory.NewRange(0, size, hashes)
	if err != nil {
		return nil, err
	}
	return cr.GetRootHash(nil)
}

// InclusionProof returns the RFC 6962 inclusion proof of leaf index in the
// tree of size leaves.
func (r *Reader) InclusionProof(ctx context.Context, index, size uint64) ([][]byte, error) {
	if size > r.size {
		return nil, fmt.Errorf("tree size %d is beyond the log's %d leaves", size, r.size)
	}
	nodes, err := proof.Inclusion(index, size)
	if err != nil {
		return nil, err
	}
	hashes, err := r.nodeHashes(ctx, nodes.IDs)
	if err != nil {
		return nil, err
	}
	return nodes.Rehash(hashes, hasher.HashChildren)
}

// ConsistencyProof returns the RFC 6962 consistency proof from the tree of
// size1 leaves to the tree of size2 leaves.
func (r *Reader) ConsistencyProof(ctx context.Context, size1, size2 uint64) ([][]byte, error) {
	if size2 > r.size {
		return nil, fmt.Errorf("tree size %d is beyond the log's %d leaves", size2, r.size)
	}
	nodes, err := proof.Consistency(size1, size2)
	if err != nil {
		return nil, err
	}
	hashes, err := r.nodeHashes(ctx, nodes.IDs)
	if err != nil {
		return nil, err
	}
	return nodes.Rehash(hashes, hasher.HashChildren)
}

// VerifyInclusion checks an inclusion proof with transparency-dev/merkle's
// verifier.
func VerifyInclusion(index, size uint64, leafHash []byte, p [][]byte, root []byte) error {
	return proof.VerifyInclusion(hasher, index, size, leafHash, p, root)
}

// VerifyConsistency checks a consistency proof with transparency-dev/merkle's
// verifier.
func VerifyConsistency(size1, size2 uint64, p [][]byte, root1, root2 []byte) error {
	return proof.VerifyConsistency(hasher, size1, size2, p, root1, root2)
}

// tileNodes is a tile with its inner nodes: nodes[h][i] is the i-th
// complete subtree of height h inside the tile (nodes[0] are the tile's own
// hashes).
type tileNodes struct {
	nodes [][][]byte
}

func (r *Reader) tile(ctx context.Context, level int, n uint64, w int) (*tileNodes, error) {
	if w == 0 {
		return nil, fmt.Errorf("tile %d/%d is beyond the tree of size %d", level, n, r.size)
	}
	key := tileKey{log: r.log, level: level, n: n, w: w}
	if t := r.cache.get(key); t != nil {
		return t, nil
	}
	if ts, ok := r.src.(TileSource); ok && w == TileWidth {
		hashes, inner, err := ts.FullTile(ctx, level, n)
		if err != nil {
			return nil, err
		}
		if hashes != nil {
			t, err := storedTile(hashes, inner)
			if err != nil {
				return nil, fmt.Errorf("stored tile %d/%d: %w", level, n, err)
			}
			r.cache.put(key, t)
			return t, nil
		}
	}
	from := n * TileWidth
	hashes, err := r.src.Hashes(ctx, level, from, from+uint64(w))
	if err != nil {
		return nil, err
	}
	if len(hashes) != w {
		return nil, fmt.Errorf("log storage has %d of the %d hashes of tile %d/%d", len(hashes), w, level, n)
	}
	t, err := expandTile(hashes)
	if err != nil {
		return nil, fmt.Errorf("tile %d/%d: %w", level, n, err)
	}
	r.cache.put(key, t)
	return t, nil
}

// TileInner returns the hashes inside a full tile: its complete subtrees
// of heights 1 to 8, each height left to right (255 hashes), for a
// TileSource to keep beside the tile.
func TileInner(hashes [][]byte) ([][]byte, error) {
	if len(hashes) != TileWidth {
		return nil, fmt.Errorf("a full tile has %d hashes, not %d", TileWidth, len(hashes))
	}
	t, err := expandTile(hashes)
	if err != nil {
		return nil, err
	}
	inner := make([][]byte, 0, TileWidth-1)
	for _, level := range t.nodes[1:] {
		inner = append(inner, level...)
	}
	return inner, nil
}

// storedTile rebuilds a full tile's nodes from its hashes and inner hashes.
func storedTile(hashes, inner [][]byte) (*tileNodes, error) {
	if len(hashes) != TileWidth || len(inner) != TileWidth-1 {
		return nil, fmt.Errorf("%d hashes and %d inner hashes, want %d and %d", len(hashes), len(inner), TileWidth, TileWidth-1)
	}
	t := &tileNodes{nodes: [][][]byte{hashes}}
	for h := 1; h <= TileHeight; h++ {
		n := TileWidth >> h
		t.nodes = append(t.nodes, inner[:n:n])
		inner = inner[n:]
	}
	return t, nil
}

// expandTile computes the complete subtrees inside a tile with a compact
// range, keeping every node the range completes.
func expandTile(hashes [][]byte) (*tileNodes, error) {
	t := &tileNodes{}
	for h := 0; len(hashes)>>h > 0 && h <= TileHeight; h++ {
		t.nodes = append(t.nodes, make([][]byte, len(hashes)>>h))
	}
	cr := rangeFactory.NewEmptyRange(0)
	visit := func(id compact.NodeID, hash []byte) {
		if int(id.Level) < len(t.nodes) && id.Index < uint64(len(t.nodes[id.Level])) {
			t.nodes[id.Level][id.Index] = hash
		}
	}
	for _, h := range hashes {
		if len(h) != HashSize {
			return nil, fmt.Errorf("stored hash of %d bytes", len(h))
		}
		if err := cr.Append(h, visit); err != nil {
			return nil, err
		}
	}
	return t, nil
}
