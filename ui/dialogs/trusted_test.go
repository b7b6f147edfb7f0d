package dialogs

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/ferryftps/ferry/trust"
	"github.com/ferryftps/ferry/ui/internal/uitest"
)

func openStore(t *testing.T) *trust.Store {
	t.Helper()
	store, err := trust.OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return store
}

// trustedItems lists the visible rows of the list in o, by server.
func trustedItems(o fyne.CanvasObject) map[string]*trustedItem {
	items := make(map[string]*trustedItem)
	for _, it := range uitest.All[*trustedItem](o) {
		items[it.server.Text] = it
	}
	return items
}

func TestTrustedListRemove(t *testing.T) {
	c := newTestCerts(t)
	store := openStore(t)
	for _, info := range []trust.CertInfo{
		c.info("ftp.example.com", c.self),
		c.info("a.example", c.wrongHost, c.ca),
	} {
		if err := store.Pin(info); err != nil {
			t.Fatal(err)
		}
	}
	test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	w.SetContent(NewTrustedList(store, w))
	w.Resize(fyne.NewSize(900, 700))

	capture(t, w, "trusted.png")
	items := trustedItems(w.Canvas().Content())
	if len(items) != 2 {
		t.Fatalf("rows %v, want 2", len(items))
	}
	self := items["ftp.example.com:21"]
	if self == nil {
		t.Fatalf("no row for ftp.example.com:21 in %v", items)
	}
	if self.subject.Text != "ftp.example.com (Example Ltd)" {
		t.Errorf("subject %q", self.subject.Text)
	}
	fp := c.info("ftp.example.com", c.self).SHA256
	if want := "SHA-256 " + fp[:23] + "…"; self.fingerprint.Text != want {
		t.Errorf("fingerprint %q, want %q", self.fingerprint.Text, want)
	}
	if !containsAll(self.dates.Text, "Trusted since ", "valid until 1 Sep 2027") {
		t.Errorf("dates %q", self.dates.Text)
	}

	// Remove asks first; Keep keeps.
	test.Tap(self.remove)
	capture(t, w, "trusted_confirm.png")
	confirm := uitest.Top(t, w)
	if !uitest.HasLabel(confirm, "Ferry will forget the certificate of ftp.example.com:21 and ask again the next time it connects there.") {
		t.Errorf("confirmation labels %q", uitest.Labels(confirm))
	}
	test.Tap(uitest.MustButton(t, confirm, "Keep"))
	if n := len(store.List()); n != 2 {
		t.Fatalf("Keep: %d entries left, want 2", n)
	}

	// Remove, confirmed, forgets.
	test.Tap(self.remove)
	test.Tap(uitest.MustButton(t, uitest.Top(t, w), "Remove"))
	if _, ok := store.Lookup("ftp.example.com", 21); ok {
		t.Error("the certificate is still trusted after Remove")
	}
	reopened, err := trust.OpenStore(strings.TrimSuffix(store.Path(), "/"+trust.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := reopened.Lookup("ftp.example.com", 21); ok {
		t.Error("the removal was not saved")
	}
	items = trustedItems(w.Canvas().Content())
	if len(items) != 1 || items["a.example:21"] == nil {
		t.Errorf("rows after the removal: %v", items)
	}

	// The last one: the list is empty and says so.
	test.Tap(items["a.example:21"].remove)
	test.Tap(uitest.MustButton(t, uitest.Top(t, w), "Remove"))
	if n := len(store.List()); n != 0 {
		t.Errorf("%d entries left, want 0", n)
	}
	if !uitest.HasLabel(w.Canvas().Content(), "No certificates trusted yet.") {
		t.Error("no empty state after removing every certificate")
	}
}

func TestTrustedListDetails(t *testing.T) {
	c := newTestCerts(t)
	store := openStore(t)
	if err := store.Pin(c.info("ftp.example.com", c.self)); err != nil {
		t.Fatal(err)
	}
	w := newTestWindow(t)
	ShowTrusted(w, store)
	capture(t, w, "trusted_dialog.png")
	test.Tap(trustedItems(uitest.Top(t, w))["ftp.example.com:21"].details)
	top := uitest.Top(t, w)
	if !uitest.HasLabel(top, selfSignedWarning) || !uitest.HasButton(top, "Close") || uitest.HasButton(top, "Always trust") {
		t.Errorf("details of a trusted certificate: labels %q", uitest.Labels(top))
	}
}

func TestShowTrustedEmpty(t *testing.T) {
	w := newTestWindow(t)
	ShowTrusted(w, openStore(t))
	top := uitest.Top(t, w)
	if !uitest.HasLabel(top, "No certificates trusted yet.") {
		t.Errorf("labels %q", uitest.Labels(top))
	}
	test.Tap(uitest.MustButton(t, top, "Close"))
	if w.Canvas().Overlays().Top() != nil {
		t.Error("Close leaves the dialog open")
	}
}
