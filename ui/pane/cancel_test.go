package pane

import (
	"sync"
	"testing"

	"fyne.io/fyne/v2/test"
)

// TestCancelListing: a listing that does not come shows "Listing…" with a
// Cancel button; Cancel ends the request (its context) and says so at
// once, a late answer is dropped, and Refresh lists again.
func TestCancelListing(t *testing.T) {
	m := newMemFS(true).add("/", Entry{Name: "slow", IsDir: true})
	m.add("/slow", Entry{Name: "a.txt"})
	f := setup(t, nil, m)
	p := f.right
	gate := make(chan struct{})
	var once sync.Once
	open := func() { once.Do(func() { close(gate) }) }
	t.Cleanup(open)
	m.mu.Lock()
	m.gate["/slow"] = gate
	m.mu.Unlock()

	if p.stopBox.Visible() {
		t.Error("Cancel shown beside a listing that is there")
	}
	p.Open("/slow")
	if p.state.Text != "Listing…" || !p.stopBox.Visible() || !p.stop.Visible() {
		t.Fatalf("while listing: state %q, Cancel shown %v", p.state.Text, p.stopBox.Visible())
	}
	posted := f.posted.Load()
	test.Tap(p.stop)
	want := "Listing /slow cancelled. Press Refresh to try again."
	if p.state.Text != want || p.stopBox.Visible() || p.activity.Visible() || p.loading {
		t.Errorf("after Cancel: state %q (want %q), Cancel shown %v, spinner %v, loading %v",
			p.state.Text, want, p.stopBox.Visible(), p.activity.Visible(), p.loading)
	}
	// The request's context ended: the gated List returned without its
	// gate opening, and its result changed nothing.
	f.waitFor("the cancelled request to return", func() bool { return f.posted.Load() > posted && len(f.q) == 0 })
	if p.state.Text != want {
		t.Errorf("the cancelled request's result replaced the state: %q", p.state.Text)
	}
	// Refresh lists again, with its own Cancel; the server answers now.
	test.Tap(p.refresh)
	if p.state.Text != "Listing…" || !p.stopBox.Visible() {
		t.Errorf("Refresh after Cancel: state %q, Cancel shown %v", p.state.Text, p.stopBox.Visible())
	}
	open()
	f.settle(p)
	equal(t, "after Refresh", names(p), []string{"a.txt"})
	if p.stopBox.Visible() || p.state.Text != "" {
		t.Errorf("after Refresh: state %q, Cancel shown %v", p.state.Text, p.stopBox.Visible())
	}
}
