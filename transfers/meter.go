package transfers

import (
	"sync"
	"time"
)

// meter turns a growing byte count into a rate over a sliding window. It is
// fed by whoever asks for a snapshot (the UI's ticker, the CLI's progress
// line), never by the transfer itself: a sample costs one mutex and one
// atomic load. Safe from any goroutine.
type meter struct {
	mu      sync.Mutex
	window  time.Duration
	samples [32]sample
	n, head int
}

type sample struct {
	t     time.Time
	bytes int64
}

const defaultWindow = 5 * time.Second

// rate records bytes at now and returns bytes per second over the window,
// or 0 until two samples at least 100 ms apart exist.
func (m *meter) rate(now time.Time, bytes int64) float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	w := m.window
	if w == 0 {
		w = defaultWindow
	}
	last := m.samples[(m.head+len(m.samples)-1)%len(m.samples)]
	if m.n == 0 || now.Sub(last.t) >= w/time.Duration(len(m.samples)) || bytes < last.bytes {
		if bytes < last.bytes { // the count went down (a retry undid bytes): start over
			m.n = 0
		}
		m.samples[m.head] = sample{now, bytes}
		m.head = (m.head + 1) % len(m.samples)
		if m.n < len(m.samples) {
			m.n++
		}
	}
	// The oldest sample still inside the window.
	for i := m.n; i > 0; i-- {
		s := m.samples[(m.head+len(m.samples)-i)%len(m.samples)]
		if now.Sub(s.t) <= w {
			if d := now.Sub(s.t); d >= 100*time.Millisecond {
				return float64(bytes-s.bytes) / d.Seconds()
			}
			return 0
		}
	}
	return 0
}

// reset forgets the samples (after a pause, the rate starts anew).
func (m *meter) reset() {
	m.mu.Lock()
	m.n = 0
	m.mu.Unlock()
}

// eta is the time left at rate for the remaining bytes; 0 when unknown.
func eta(done, total int64, rate float64) time.Duration {
	if rate <= 0 || total <= 0 || done >= total {
		return 0
	}
	return time.Duration(float64(total-done) / rate * float64(time.Second))
}
