// Package lineagebrowser holds the browser test of the data lineage forms:
// it drives the real UI in Debian's chromium.
package lineagebrowser
