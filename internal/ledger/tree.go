package ledger

import (
	"fmt"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/rfc6962"
)

// TileHeight is the height of the log's tiles: 2^8 = 256 hashes wide, as
// c2sp.org/tlog-tiles requires.
const TileHeight = 8

// TileWidth is the number of hashes in a full tile.
const TileWidth = 1 << TileHeight

// hasher is the RFC 6962 SHA-256 tree hasher.
var hasher = rfc6962.DefaultHasher

// rangeFactory builds compact ranges over the RFC 6962 hasher.
var rangeFactory = &compact.RangeFactory{Hash: hasher.HashChildren}

// EmptyRoot is the root of the empty tree: SHA-256 of nothing.
func EmptyRoot() []byte { return hasher.EmptyRoot() }

// Edge is the right edge of a tree of Size leaves: the roots of the perfect
// subtrees that cover [0, Size), left to right (a compact range). It is all
// an appender needs, so the log head stores it and a restart reads it
// instead of rebuilding the tree.
type Edge struct {
	Size   uint64
	Hashes [][]byte
}

// Marshal concatenates the edge's hashes.
func (e Edge) Marshal() []byte {
	b := make([]byte, 0, len(e.Hashes)*HashSize)
	for _, h := range e.Hashes {
		b = append(b, h...)
	}
	return b
}

// ParseEdge reads the edge of a tree of size leaves from its concatenated
// hashes.
func ParseEdge(size uint64, b []byte) (Edge, error) {
	n := compact.RangeSize(0, size)
	if len(b) != n*HashSize {
		return Edge{}, fmt.Errorf("log edge of a %d-leaf tree has %d bytes, want %d", size, len(b), n*HashSize)
	}
	e := Edge{Size: size, Hashes: make([][]byte, n)}
	for i := range n {
		e.Hashes[i] = b[i*HashSize : (i+1)*HashSize : (i+1)*HashSize]
	}
	return e, nil
}

// Node is a stored hash: at tile level Level (tree height 8*Level), the
// Index-th hash. Level 0 holds leaf hashes; level l ≥ 1 holds the roots of
// complete subtrees of 256^l leaves, which are the hashes of the level-l
// tiles.
type Node struct {
	Level int
	Index uint64
	Hash  []byte
}

// Appender adds leaves to a tree. It reports each new tile-level hash of
// level 1 and above, which the caller stores with the leaves so that tiles
// and proofs are cheap to read back.
type Appender struct {
	r     *compact.Range
	nodes []Node
	visit compact.VisitFn
}

// NewAppender continues the tree whose right edge is e.
func NewAppender(e Edge) (*Appender, error) {
	r, err := rangeFactory.NewRange(0, e.Size, e.Hashes)
	if err != nil {
		return nil, fmt.Errorf("log edge: %w", err)
	}
	a := &Appender{r: r}
	a.visit = func(id compact.NodeID, hash []byte) {
		if id.Level > 0 && id.Level%TileHeight == 0 {
			a.nodes = append(a.nodes, Node{Level: int(id.Level / TileHeight), Index: id.Index, Hash: hash})
		}
	}
	return a, nil
}

// Size is the number of leaves.
func (a *Appender) Size() uint64 { return a.r.End() }

// Append adds one leaf by its hash.
func (a *Appender) Append(leafHash []byte) error {
	if len(leafHash) != HashSize {
		return fmt.Errorf("leaf hash of %d bytes, want %d", len(leafHash), HashSize)
	}
	return a.r.Append(leafHash, a.visit)
}

// TakeNodes returns the tile-level hashes completed since the last call.
func (a *Appender) TakeNodes() []Node {
	n := a.nodes
	a.nodes = nil
	return n
}

// Edge returns the tree's right edge.
func (a *Appender) Edge() Edge {
	return Edge{Size: a.r.End(), Hashes: a.r.Hashes()}
}

// Root returns the tree's root hash.
func (a *Appender) Root() []byte {
	if a.r.End() == 0 {
		return EmptyRoot()
	}
	root, err := a.r.GetRootHash(nil)
	if err != nil {
		panic(fmt.Sprintf("ledger: root of a range from 0: %v", err)) // begin is always 0
	}
	return root
}
