package session

import "sync"

// LogHub fans the protocol log out to subscribers (the UI's log view, a
// CLI's --verbose) and keeps the latest entries for those who subscribe
// late. Its Log method is a Logger. Safe for concurrent use.
type LogHub struct {
	mu     sync.Mutex
	keep   int
	recent []Entry
	next   int
	subs   map[int]func(Entry)
}

// NewLogHub makes a hub that keeps the latest keep entries.
func NewLogHub(keep int) *LogHub {
	if keep < 1 {
		keep = 1
	}
	return &LogHub{keep: keep, subs: map[int]func(Entry){}}
}

// Log records an entry and passes it to every subscriber. Subscribers are
// called on the caller's goroutine and must not block.
func (h *LogHub) Log(e Entry) {
	h.mu.Lock()
	if len(h.recent) == h.keep {
		copy(h.recent, h.recent[1:])
		h.recent = h.recent[:h.keep-1]
	}
	h.recent = append(h.recent, e)
	subs := make([]func(Entry), 0, len(h.subs))
	for _, f := range h.subs {
		subs = append(subs, f)
	}
	h.mu.Unlock()
	for _, f := range subs {
		f(e)
	}
}

// Subscribe calls f for every entry from now on and returns the entries
// kept so far, and a function that ends the subscription.
func (h *LogHub) Subscribe(f func(Entry)) (recent []Entry, cancel func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	id := h.next
	h.next++
	h.subs[id] = f
	return append([]Entry(nil), h.recent...), func() {
		h.mu.Lock()
		delete(h.subs, id)
		h.mu.Unlock()
	}
}
