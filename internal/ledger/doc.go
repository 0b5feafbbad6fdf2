// Package ledger is the tamper-evident log of aims: one append-only RFC 6962
// Merkle tree per organization, in the formats of Certificate Transparency
// and the Go checksum database, so that anyone can check it without trusting
// the aims server or its operator (ISO/IEC 42001 7.5.3 control of documented
// information; A.6.2.8 event logs).
//
// The package is self-contained: it encodes entries, sequences leaves over a
// compact range (transparency-dev/merkle), reads tiles and proofs from stored
// hashes, signs and opens C2SP checkpoints (golang.org/x/mod/sumdb/note),
// writes and verifies offline bundles. It knows nothing about the database;
// package store persists what it computes.
//
// The formats are documented in docs/ledger.md:
//   - entries: canonical JSON (keys in lexicographic order, no whitespace),
//     versioned by "type" and "v"; audit events are AuditEventType v1;
//   - leaf hash SHA-256(0x00 || entry), node hash SHA-256(0x01 || l || r);
//   - checkpoints: c2sp.org/tlog-checkpoint as c2sp.org/signed-note, Ed25519;
//   - tiles and entry bundles: c2sp.org/tlog-tiles, tile height 8;
//   - one record's proof: c2sp.org/tlog-proof, with the entry as extra data.
package ledger
