package geo

import "sync/atomic"

// Swap holds a *T that readers load without locking while a writer replaces
// it as a whole, e.g. an Index rebuilt from the store when a new import run
// lands. The zero value holds nil.
type Swap[T any] struct {
	p atomic.Pointer[T]
}

// NewSwap returns a Swap holding v.
func NewSwap[T any](v *T) *Swap[T] {
	s := &Swap[T]{}
	s.p.Store(v)
	return s
}

// Load returns the current value (nil before the first Store).
func (s *Swap[T]) Load() *T { return s.p.Load() }

// Store replaces the current value. Readers that loaded the old value keep
// using it safely.
func (s *Swap[T]) Store(v *T) { s.p.Store(v) }
