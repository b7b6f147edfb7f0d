package ui

import (
	"slices"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ferryftps/ferry/internal/recent"
	"github.com/ferryftps/ferry/sites"
	"github.com/ferryftps/ferry/trust"
	"github.com/ferryftps/ferry/ui/internal/uido"
)

// TestRecentConnections: the list Ferry 0.1 kept in Fyne's preferences
// moves into recent.json in the config folder; a connection adds to it; the
// Recent button's menu fills the bar from it.
func TestRecentConnections(t *testing.T) {
	dir := t.TempDir()
	var mu sync.Mutex
	onUI := func(fn func()) { mu.Lock(); defer mu.Unlock(); fn() }
	t.Cleanup(uido.SetForTest(onUI))
	a := test.NewTempApp(t)
	a.Preferences().SetString(prefRecent, "ftpes://old1@h.example/\nftpes://old2@h.example:2121/in")
	sites, err := sites.OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	trust, err := trust.OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	var w fyne.Window
	var v *MainView
	onUI(func() {
		w = a.NewWindow("Ferry")
		v = NewMainView(Env{App: a, Win: w, Dir: dir, Sites: sites, Trust: trust, LocalHome: t.TempDir()})
		w.SetContent(v.Content())
		w.Resize(fyne.NewSize(1200, 800))
	})
	t.Cleanup(func() { v.Close(); onUI(func() { w.Close() }) })

	store := recent.Open(dir)
	old := []string{"ftpes://old1@h.example/", "ftpes://old2@h.example:2121/in"}
	if got, err := store.List(); err != nil || !slices.Equal(got, old) {
		t.Errorf("migrated from the preferences: %q, %v; want %q", got, err, old)
	}
	if p := a.Preferences().String(prefRecent); p != "" {
		t.Errorf("the preferences still hold the recent list: %q", p)
	}

	onUI(func() { v.addRecent("ftpes://new:secret@h.example/") })
	want := append([]string{"ftpes://new@h.example/"}, old...)
	pollRecent(t, "the new connection in recent.json", func() bool {
		got, _ := store.List()
		return slices.Equal(got, want)
	})

	onUI(v.showRecent)
	var menu *widget.PopUpMenu
	pollRecent(t, "the Recent menu", func() bool {
		onUI(func() { menu, _ = w.Canvas().Focused().(*widget.PopUpMenu) })
		return menu != nil
	})
	onUI(func() {
		if len(menu.Items) != len(want) {
			t.Fatalf("the menu has %d items, want %d", len(menu.Items), len(want))
		}
		test.Tap(menu.Items[2].(fyne.Tappable))
		if v.host.Text != "ftpes://h.example:2121/in" || v.user.Text != "old2" {
			t.Errorf("the bar after choosing old2: host %q, user %q", v.host.Text, v.user.Text)
		}
	})
}

// pollRecent polls cond for up to 10 s.
func pollRecent(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}
