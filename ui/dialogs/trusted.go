package dialogs

import (
	"net"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ferryftps/ferry/trust"
	"github.com/ferryftps/ferry/ui/internal/esc"
)

// NewTrustedList shows the certificates trusted always in store, for a
// settings window: one row per server with its address, the certificate's
// subject, the start of its SHA-256 fingerprint, since when it is trusted
// and until when it is valid, a Details button and a Remove button that
// asks before it forgets the certificate (store.Remove). An empty store
// shows "No certificates trusted yet.". Dialogs open over win. The list is
// read from store when made and after each removal. store must not be nil.
// Call it, and use the object, on the UI goroutine.
func NewTrustedList(store *trust.Store, win fyne.Window) fyne.CanvasObject {
	return newTrustedList(store, win).content
}

// ShowTrusted opens NewTrustedList in a dialog over win, with a Close
// button. Call it on the UI goroutine.
func ShowTrusted(win fyne.Window, store *trust.Store) {
	t := newTrustedList(store, win)
	d := dialog.NewCustom("Trusted certificates", "Close", t.content, win)
	d.Resize(dialogSize(win, 640, 420).AddWidthHeight(32, 120))
	esc.Dialog(win, d)
	d.Show()
}

// trustedList is the list of trusted certificates. Used on the UI
// goroutine only.
type trustedList struct {
	store *trust.Store
	win   fyne.Window
	now   func() time.Time

	rows    []trustedRow
	list    *widget.List
	empty   *widget.Label
	content *fyne.Container
	confirm *dialog.ConfirmDialog // the open removal question, if any
}

// trustedRow is one entry with what its row shows.
type trustedRow struct {
	entry trust.Entry
	info  trust.CertInfo
	ok    bool // info could be read from the stored certificate
}

func newTrustedList(store *trust.Store, win fyne.Window) *trustedList {
	t := &trustedList{store: store, win: win, now: time.Now}
	t.list = &widget.List{Length: t.length, CreateItem: t.createItem, UpdateItem: t.updateItem}
	t.empty = &widget.Label{Text: "No certificates trusted yet.", Alignment: fyne.TextAlignCenter, Importance: widget.LowImportance}
	t.content = container.NewStack(t.list, container.NewCenter(t.empty))
	t.reload()
	return t
}

// reload reads the store again.
func (t *trustedList) reload() {
	entries := t.store.List()
	t.rows = t.rows[:0]
	for _, e := range entries {
		info, err := e.Info()
		t.rows = append(t.rows, trustedRow{entry: e, info: info, ok: err == nil})
	}
	if len(t.rows) == 0 {
		t.list.Hide()
		t.empty.Show()
	} else {
		t.empty.Hide()
		t.list.Show()
	}
	t.list.UnselectAll()
	t.list.Refresh()
}

func (t *trustedList) length() int { return len(t.rows) }

// trustedItem is a row's widgets.
type trustedItem struct {
	widget.BaseWidget
	server, subject, fingerprint, dates *widget.Label
	details, remove                     *widget.Button
}

func (it *trustedItem) CreateRenderer() fyne.WidgetRenderer {
	buttons := container.NewCenter(container.NewHBox(it.details, it.remove))
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, nil, buttons,
		container.NewVBox(it.server, it.subject, it.fingerprint, it.dates)))
}

func (t *trustedList) createItem() fyne.CanvasObject {
	it := &trustedItem{
		server:      &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis},
		subject:     &widget.Label{Truncation: fyne.TextTruncateEllipsis},
		fingerprint: &widget.Label{Truncation: fyne.TextTruncateEllipsis, Importance: widget.LowImportance},
		dates:       &widget.Label{Truncation: fyne.TextTruncateEllipsis, Importance: widget.LowImportance},
		details:     &widget.Button{Text: "Details", Icon: theme.InfoIcon()},
		remove:      &widget.Button{Text: "Remove", Icon: theme.DeleteIcon()},
	}
	it.ExtendBaseWidget(it)
	return it
}

func (t *trustedList) updateItem(id widget.ListItemID, obj fyne.CanvasObject) {
	it := obj.(*trustedItem)
	if id < 0 || id >= len(t.rows) {
		return
	}
	r := t.rows[id]
	it.server.SetText(net.JoinHostPort(r.entry.Host, strconv.Itoa(r.entry.Port)))
	subject := r.entry.Subject
	if r.ok && r.info.Subject.CN != "" {
		subject = r.info.Subject.CN
		if len(r.info.Subject.O) > 0 {
			subject += " (" + strings.Join(r.info.Subject.O, ", ") + ")"
		}
	}
	it.subject.SetText(orNone(subject))
	it.fingerprint.SetText(shortFingerprint(r.entry.SHA256))
	it.dates.SetText(trustedDates(r.entry, t.now()))
	it.details.OnTapped = func() { t.showDetails(id) }
	if !r.ok {
		it.details.Disable()
	} else {
		it.details.Enable()
	}
	it.remove.OnTapped = func() { t.askRemove(id) }
}

// shortFingerprint is the start of a fingerprint, enough to tell
// certificates apart: "SHA-256 AB:CD:EF:01:23:45:67:89…".
func shortFingerprint(fp string) string {
	if parts := strings.Split(fp, ":"); len(parts) > 8 {
		fp = strings.Join(parts[:8], ":") + "…"
	}
	return "SHA-256 " + fp
}

// trustedDates is a row's last line: "Trusted since 2 Jan 2026  ·  valid
// until 2 Jan 2027".
func trustedDates(e trust.Entry, now time.Time) string {
	var parts []string
	if !e.Added.IsZero() {
		parts = append(parts, "trusted since "+day(e.Added))
	}
	if !e.NotAfter.IsZero() {
		if e.NotAfter.Before(now) {
			parts = append(parts, "expired on "+day(e.NotAfter))
		} else {
			parts = append(parts, "valid until "+day(e.NotAfter))
		}
	}
	return capitalize(strings.Join(parts, "  ·  "))
}

func (t *trustedList) showDetails(id int) {
	if id < 0 || id >= len(t.rows) || !t.rows[id].ok {
		return
	}
	ShowCertificateInfo(t.win, t.rows[id].info)
}

// askRemove asks before forgetting a certificate.
func (t *trustedList) askRemove(id int) {
	if id < 0 || id >= len(t.rows) {
		return
	}
	e := t.rows[id].entry
	addr := net.JoinHostPort(e.Host, strconv.Itoa(e.Port))
	t.confirm = dialog.NewConfirm("Remove trusted certificate?",
		"Ferry will forget the certificate of "+addr+" and ask again the next time it connects there.",
		func(ok bool) {
			t.confirm = nil
			if ok {
				t.remove(e)
			}
		}, t.win)
	t.confirm.SetConfirmText("Remove")
	t.confirm.SetDismissText("Keep")
	t.confirm.SetConfirmImportance(widget.DangerImportance)
	esc.Dialog(t.win, t.confirm)
	t.confirm.Show()
}

func (t *trustedList) remove(e trust.Entry) {
	if err := t.store.Remove(e.Host, e.Port); err != nil {
		esc.ShowError(err, t.win)
	}
	t.reload()
}
