package ledger

import (
	"encoding/binary"
	"fmt"
	"strings"

	"golang.org/x/mod/sumdb/tlog"
)

// EntriesLevel is the level that TilePath and ParseTilePath use for entry
// bundles (tile/entries/...).
const EntriesLevel = -1

// TilePath returns the c2sp.org/tlog-tiles path of tile n at level (or of
// entry bundle n, for EntriesLevel) with width w: "tile/L/N[.p/W]" or
// "tile/entries/N[.p/W]", N in three-digit groups ("x001/x234/067").
// It is sumdb's tile path without the height element, which tlog-tiles
// fixes at 8.
func TilePath(level int, n uint64, w int) string {
	p := tlog.Tile{H: TileHeight, L: level, N: int64(n), W: w}.Path()
	p = strings.Replace(p, "tile/8/", "tile/", 1)
	if level == EntriesLevel {
		p = strings.Replace(p, "tile/data/", "tile/entries/", 1)
	}
	return p
}

// ParseTilePath reads a tlog-tiles path made by TilePath (without any URL
// prefix); it refuses every other spelling of the same tile.
func ParseTilePath(path string) (level int, n uint64, w int, err error) {
	rest, ok := strings.CutPrefix(path, "tile/")
	if !ok {
		return 0, 0, 0, fmt.Errorf("malformed tile path %q", path)
	}
	if e, isEntries := strings.CutPrefix(rest, "entries/"); isEntries {
		rest = "data/" + e
	} else if strings.HasPrefix(rest, "data/") {
		return 0, 0, 0, fmt.Errorf("malformed tile path %q", path)
	}
	t, err := tlog.ParseTilePath("tile/8/" + rest)
	if err != nil || t.L > 63 {
		return 0, 0, 0, fmt.Errorf("malformed tile path %q", path)
	}
	return t.L, uint64(t.N), t.W, nil
}

// MarshalBundle encodes entries as a tlog-tiles entry bundle: each entry
// prefixed with its length as a big-endian uint16.
func MarshalBundle(entries [][]byte) ([]byte, error) {
	size := 0
	for _, e := range entries {
		size += 2 + len(e)
	}
	b := make([]byte, 0, size)
	for i, e := range entries {
		if len(e) > MaxEntrySize {
			return nil, fmt.Errorf("entry %d of the bundle is %d bytes, over %d", i, len(e), MaxEntrySize)
		}
		b = binary.BigEndian.AppendUint16(b, uint16(len(e)))
		b = append(b, e...)
	}
	return b, nil
}

// ParseBundle decodes an entry bundle of want entries.
func ParseBundle(b []byte, want int) ([][]byte, error) {
	entries := make([][]byte, 0, want)
	for len(b) > 0 {
		if len(b) < 2 {
			return nil, fmt.Errorf("bundle is truncated after %d entries", len(entries))
		}
		n := int(binary.BigEndian.Uint16(b))
		if len(b) < 2+n {
			return nil, fmt.Errorf("bundle is truncated in entry %d (%d of %d bytes)", len(entries), len(b)-2, n)
		}
		entries = append(entries, b[2:2+n])
		b = b[2+n:]
	}
	if len(entries) != want {
		return nil, fmt.Errorf("bundle has %d entries, want %d", len(entries), want)
	}
	return entries, nil
}
