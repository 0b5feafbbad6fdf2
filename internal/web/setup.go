package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"sync"
)

// Setup holds the one-time link that lets the first person create the first
// admin from the browser. It exists only while the database has no users,
// lives in memory (a restart makes a new one) and works once.
type Setup struct {
	mu    sync.Mutex
	token string
}

// NewSetup returns an inactive setup.
func NewSetup() *Setup { return &Setup{} }

// Activate makes a new one-time token and returns it.
func (s *Setup) Activate() string {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.token = base64.RawURLEncoding.EncodeToString(b[:])
	return s.token
}

// Valid reports whether token is the active one.
func (s *Setup) Valid(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.token != "" && subtle.ConstantTimeCompare([]byte(s.token), []byte(token)) == 1
}

// Consume ends the setup: the link stops working.
func (s *Setup) Consume() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.token = ""
}
