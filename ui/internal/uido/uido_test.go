package uido

import (
	"context"
	"testing"
	"time"
)

// queue is a test's UI goroutine: deliveries wait in it until run.
type queue chan func()

func (q queue) post(f func()) { q <- f }

func (q queue) next(t *testing.T) func() {
	t.Helper()
	select {
	case f := <-q:
		return f
	case <-time.After(5 * time.Second):
		t.Fatal("nothing was delivered")
		return nil
	}
}

func TestGoDelivers(t *testing.T) {
	q := make(queue, 4)
	t.Cleanup(SetForTest(q.post))
	var got []int
	Go(t.Context(), func(context.Context) int { return 42 }, func(v int) { got = append(got, v) })
	q.next(t)()
	if len(got) != 1 || got[0] != 42 {
		t.Errorf("delivered %v, want [42]", got)
	}
}

// TestGoDropsAfterCancel: a context that ends before the delivery runs on
// the UI goroutine drops the result, even when work had finished.
func TestGoDropsAfterCancel(t *testing.T) {
	q := make(queue, 4)
	t.Cleanup(SetForTest(q.post))
	ctx, cancel := context.WithCancel(t.Context())
	delivered := false
	Go(ctx, func(ctx context.Context) error { return ctx.Err() }, func(error) { delivered = true })
	f := q.next(t)
	cancel()
	f()
	if delivered {
		t.Error("a result was delivered after its context ended")
	}
}

func TestThrottle(t *testing.T) {
	q := make(queue, 4)
	t.Cleanup(SetForTest(q.post))
	var th Throttle
	runs := 0
	if !th.Do(func() { runs++ }) {
		t.Fatal("the first Do was dropped")
	}
	if th.Do(func() { runs += 10 }) {
		t.Error("a second Do was handed over while the first waits")
	}
	q.next(t)()
	if !th.Do(func() { runs += 100 }) {
		t.Error("Do after the first ran was dropped")
	}
	q.next(t)()
	if runs != 101 {
		t.Errorf("runs = %d, want 101", runs)
	}
}

func TestSetForTestRestoresThePrevious(t *testing.T) {
	var outer, inner int
	restoreOuter := SetForTest(func(f func()) { outer++; f() })
	defer restoreOuter()
	restoreInner := SetForTest(func(f func()) { inner++; f() })
	Do(func() {})
	restoreInner()
	Do(func() {})
	if outer != 1 || inner != 1 {
		t.Errorf("outer %d, inner %d; want 1, 1", outer, inner)
	}
}
