package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
)

func TestMainViewStartsDisconnected(t *testing.T) {
	test.NewTempApp(t)
	v := NewMainView()
	w := test.NewTempWindow(t, v.Content())
	w.Resize(w.Content().MinSize().Max(w.Canvas().Size()))
	for _, want := range []struct {
		got, want string
	}{
		{v.local.title.Text, "This computer"},
		{v.remote.title.Text, "Server"},
		{v.remote.state.Text, "Not connected."},
		{v.status.Text, "Not connected"},
	} {
		if want.got != want.want {
			t.Errorf("got %q, want %q", want.got, want.want)
		}
	}
}
