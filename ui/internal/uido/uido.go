package uido

import (
	"context"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
)

var hook atomic.Pointer[func(func())]

// Do runs f on the UI goroutine: fyne.Do, unless a test replaced it with
// SetForTest. Safe from any goroutine; it does not wait for f.
func Do(f func()) {
	if h := hook.Load(); h != nil {
		(*h)(f)
		return
	}
	fyne.Do(f)
}

// Go runs work on a goroutine of its own, then deliver with its result on
// the UI goroutine (through Do), unless ctx has ended by then: the check
// runs on the UI goroutine, so a cancel made there before the result
// arrives always wins, and deliver never sees a result nobody wants. work
// gets ctx and must not touch widgets: give it copies. Call Go from any
// goroutine; deliver must not be nil.
func Go[T any](ctx context.Context, work func(context.Context) T, deliver func(T)) {
	inflight.Add(1)
	go func() {
		defer inflight.Add(-1)
		v := work(ctx)
		Do(func() {
			if ctx.Err() == nil {
				deliver(v)
			}
		})
	}()
}

// Throttle hands functions to the UI goroutine one at a time: Do drops f
// while a function it handed over earlier has not run yet. A ticker that
// samples the engine and delivers through a Throttle never piles up
// refreshes behind a busy UI goroutine. The zero value is ready; safe from
// any goroutine.
type Throttle struct{ pending atomic.Bool }

// Do hands f to the UI goroutine and reports true, or drops it and reports
// false when an earlier one is still waiting (the caller may then try
// again on its next tick).
func (t *Throttle) Do(f func()) bool {
	if !t.pending.CompareAndSwap(false, true) {
		return false
	}
	Do(func() {
		t.pending.Store(false)
		f()
	})
	return true
}

// inflight counts the goroutines of Go that have not handed their result
// over yet (see Settle).
var inflight atomic.Int64

// Settle waits, up to timeout, until every goroutine started by Go has
// handed its result to Do, and reports whether they all did. Tests call it
// when they tear a window down, so that no late result reaches the next
// test's window (Fyne's caches are shared).
func Settle(timeout time.Duration) bool {
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); {
		if inflight.Load() == 0 {
			return true
		}
		time.Sleep(5 * time.Millisecond)
	}
	return inflight.Load() == 0
}

// SetForTest makes Do (and so Go and Throttle) hand functions to run
// instead of fyne.Do, until restore is called; restore puts back what was
// there before. Fyne's test driver runs fyne.Do at once on the calling
// goroutine, which races with the test's own steps: run lets a test
// serialise the deliveries with them (a lock, or a queue it drains).
func SetForTest(run func(func())) (restore func()) {
	prev := hook.Swap(&run)
	return func() { hook.Store(prev) }
}
