// Package layoutbrowser holds the browser tests of the page layout: on the
// demo organization, the named pages fit the screen at a desktop width
// (1,400 px) and a phone width (400 px), in Debian's chromium.
package layoutbrowser
