package ledger

import (
	"context"

	"github.com/transparency-dev/merkle/compact"
)

// Edge returns the right edge of the tree of the first size leaves (size
// at most the reader's size), read from the stored hashes: an Appender
// started on it recomputes the tree from leaf size on, so that a check of
// the last leaves can compare the root they give with a checkpoint's
// without reading the leaves before them.
func (r *Reader) Edge(ctx context.Context, size uint64) (Edge, error) {
	hashes, err := r.nodeHashes(ctx, compact.RangeNodes(0, size, nil))
	if err != nil {
		return Edge{}, err
	}
	return Edge{Size: size, Hashes: hashes}, nil
}
