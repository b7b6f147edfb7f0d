package ui

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ferryftps/ferry/sites"
	"github.com/ferryftps/ferry/trust"
	"github.com/ferryftps/ferry/ui/internal/esc"
	"github.com/ferryftps/ferry/ui/internal/uido"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ferryftps/ferry/internal/recent"
	"github.com/ferryftps/ferry/session"
	"github.com/ferryftps/ferry/transfers"
	"github.com/ferryftps/ferry/ui/dialogs"
	"github.com/ferryftps/ferry/ui/pane"
	"github.com/ferryftps/ferry/ui/queueview"
	"github.com/ferryftps/ferry/ui/sitemgr"
)

// Env is what the main window works with: where the config lives and the
// engine's stores. Tests build one over temporary folders.
type Env struct {
	App     fyne.App
	Win     fyne.Window
	Dir     string // config folder
	Sites   *sites.Store
	Secrets *sites.Secrets
	Trust   *trust.Store
	// LocalHome is where the local pane starts ("" = the user's home).
	LocalHome string
}

// MainView is the main window's content: the quick-connect bar, the local
// and remote panes, the queue and log, and a status bar. Not safe for
// concurrent use: touch it only on the UI goroutine; its engine work runs
// off it through uido.Go, which delivers the results back on it.
type MainView struct {
	env   Env
	ctx   context.Context
	stop  context.CancelFunc
	prefs fyne.Preferences
	// recents is the quick-connect bar's recent connections, in the
	// config folder (shared with other Ferry processes).
	recents *recent.Store

	hub     *session.LogHub
	conns   *conns
	queue   *transfers.Queue
	history *transfers.History
	current *server // the site the remote pane shows; nil when not connected
	// live ends when current is disconnected or replaced: the context of
	// the window's own calls to its pool (the certificate view).
	live     context.Context
	endLive  context.CancelFunc
	attempt  *attempt // the connect under way; nil when none
	certBusy bool     // the lock is fetching the certificate

	local, remote *pane.Pane
	drag          *pane.DragController
	sync          syncTools // compare, synchronized browsing, Synchronize… (syncview.go)
	pairs         *sites.SyncPairs
	qv            *queueview.View
	logView       *queueview.Log

	host, user, password, port *widget.Entry
	connectBtn, disconnectBtn  *widget.Button
	recentBtn, sitesBtn        *widget.Button
	settingsBtn                *widget.Button
	limitBtn                   *widget.Button // the speed limit, on or off (limits.go)
	status                     *widget.Label
	tlsLabel                   *widget.Label
	lock                       *widget.Button
	focused                    bool

	root fyne.CanvasObject
}

// Preference keys (plain JSON: never a secret).
const (
	prefRecent      = "recent"      // until 0.1: the recent URLs, newline-separated (now in internal/recent)
	prefConcurrency = "concurrency" // transfers per site
	prefTLS12       = "tls12"       // TLS 1.2 at most for quick connections
	prefShowHidden  = "show-hidden" // panes start showing hidden files
	prefTimeout     = "timeout"     // seconds a step (login, a reply, a data connection) may take
	prefMinSpeed    = "min-speed"   // "RATE/SECONDS": a transfer slower than RATE bytes/s for SECONDS fails
)

// NewMainView builds the main window's content and starts the engine: the
// queue (restored from the last run, paused), the log and the panes.
func NewMainView(env Env) *MainView {
	v := &MainView{env: env, focused: true}
	if env.Win != nil {
		esc.Install(env.Win, nil)
	}
	v.ctx, v.stop = context.WithCancel(context.Background())
	v.live, v.endLive = context.WithCancel(v.ctx)
	v.prefs = env.App.Preferences()
	v.hub = session.NewLogHub(5000)
	v.recents = recent.Open(env.Dir)
	v.pairs = sites.OpenSyncPairs(env.Dir)
	v.migrateRecent()
	trust := &trust.Policy{Store: env.Trust}
	v.conns = &conns{
		sites: env.Sites, trust: trust, log: v.hub.Log,
		prompter: &dialogs.Prompter{Win: env.Win}, asker: &dialogs.PasswordPrompter{Win: env.Win},
		concurrency: func() int { return v.prefs.IntWithFallback(prefConcurrency, 4) },
		deadlines:   v.deadlines,
	}
	if env.Secrets != nil {
		v.conns.secrets = env.Secrets
	}
	v.history = transfers.OpenHistory(env.Dir)
	v.queue = transfers.New(transfers.Config{
		Connections: v.conns,
		Resolver:    &dialogs.ConflictResolver{Win: env.Win},
		Concurrency: v.prefs.IntWithFallback(prefConcurrency, 4),
		Adaptive:    true, // 2 at first, more while they raise the throughput
		History:     v.history,
		StatePath:   transfers.QueuePath(env.Dir),
		Notify:      func(msg string) { v.hub.Log(session.Entry{Kind: session.EntryInfo, Text: msg}) },
		OnIdle:      v.batchDone,
	})

	v.drag = pane.NewDragController()
	v.local = pane.New("This computer", env.Win, v.drag)
	v.remote = pane.New("Server", env.Win, v.drag)
	v.local.SetPeer(v.remote)
	v.remote.SetPeer(v.local)
	v.local.OnTransfer = v.transfer
	v.remote.OnTransfer = v.transfer
	v.local.SetFS(&pane.LocalFS{HomeDir: env.LocalHome})
	hidden := v.prefs.Bool(prefShowHidden)
	v.local.SetShowHidden(hidden)
	v.remote.SetShowHidden(hidden)

	v.qv = queueview.New(v.queue, env.Win)
	v.logView = queueview.NewLog(v.hub, env.Win)
	v.qv.SetLog(v.logView)
	v.qv.SetHistoryPath(v.history.Path)

	v.buildBar()
	statusBar := v.buildStatusBar()

	panes := container.NewHSplit(v.local.Content(), v.remote.Content())
	panes.Offset = 0.5
	body := container.NewVSplit(container.NewBorder(v.buildSyncTools(), nil, nil, nil, panes), v.qv.Content())
	body.Offset = 0.72
	content := container.NewBorder(v.bar(), container.NewVBox(widget.NewSeparator(), statusBar), nil, nil, body)
	v.root = container.NewStack(content, v.drag.Layer())

	env.Win.SetOnDropped(v.dropped)
	if lc := env.App.Lifecycle(); lc != nil {
		lc.SetOnEnteredForeground(func() { v.focused = true })
		lc.SetOnExitedForeground(func() { v.focused = false })
	}
	if n, err := v.queue.Restore(); err != nil {
		v.setStatus("Could not read the queue from last time: "+err.Error(), widget.DangerImportance)
	} else if n > 0 {
		v.setStatus(fmt.Sprintf("%d %s from last time wait in the queue, paused: press Resume all to continue.", n, plural(n, "transfer", "transfers")), widget.MediumImportance)
	}
	v.qv.Start()
	return v
}

// buildStatusBar makes the status line: what is going on, the speed
// limit, the connection's TLS, its certificate, and the settings.
func (v *MainView) buildStatusBar() fyne.CanvasObject {
	v.status = &widget.Label{Text: "Not connected", Truncation: fyne.TextTruncateEllipsis}
	v.tlsLabel = &widget.Label{Importance: widget.LowImportance}
	v.lock = &widget.Button{Icon: theme.VisibilityIcon(), Importance: widget.LowImportance, OnTapped: v.showCertificate}
	v.lock.Disable()
	v.settingsBtn = &widget.Button{Text: "Settings", Icon: theme.SettingsIcon(), Importance: widget.LowImportance, OnTapped: v.showSettings}
	v.limitBtn = &widget.Button{Text: "No speed limit", Importance: widget.LowImportance, OnTapped: v.toggleLimits}
	v.applyLimits()
	return container.NewBorder(nil, nil, nil, container.NewHBox(v.limitBtn, v.tlsLabel, v.lock, v.settingsBtn), v.status)
}

// Content returns the object to put in the window.
func (v *MainView) Content() fyne.CanvasObject { return v.root }

// Close stops the engine: running transfers keep their partial files and
// the queue is saved for the next start.
func (v *MainView) Close() {
	v.stop()
	v.qv.Stop()
	v.logView.Close()
	v.queue.Close()
	v.conns.Close()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// --- Quick connect -----------------------------------------------------------

func (v *MainView) buildBar() {
	v.host = &widget.Entry{PlaceHolder: "Host or URL (ftpes://…, ftps://…)", OnSubmitted: func(string) { v.quickConnect() }}
	v.host.ExtendBaseWidget(v.host)
	v.user = &widget.Entry{PlaceHolder: "User", OnSubmitted: func(string) { v.quickConnect() }}
	v.user.ExtendBaseWidget(v.user)
	v.password = &widget.Entry{PlaceHolder: "Password", Password: true, OnSubmitted: func(string) { v.quickConnect() }}
	v.password.ExtendBaseWidget(v.password)
	v.port = &widget.Entry{PlaceHolder: "Port", OnSubmitted: func(string) { v.quickConnect() }}
	v.port.ExtendBaseWidget(v.port)
	v.connectBtn = &widget.Button{Text: "Connect", Icon: theme.LoginIcon(), Importance: widget.HighImportance, OnTapped: v.quickConnect}
	v.disconnectBtn = &widget.Button{Text: "Disconnect", Icon: theme.LogoutIcon(), OnTapped: v.disconnect}
	v.disconnectBtn.Disable()
	v.recentBtn = &widget.Button{Text: "Recent", Icon: theme.HistoryIcon(), OnTapped: v.showRecent}
	v.sitesBtn = &widget.Button{Text: "Sites", Icon: theme.StorageIcon(), OnTapped: v.showSites}
}

// bar lays the quick-connect bar out: fields grow, buttons keep their size.
func (v *MainView) bar() fyne.CanvasObject {
	port := container.NewGridWrap(fyne.NewSize(80, v.port.MinSize().Height), v.port)
	fields := container.NewGridWithColumns(3, v.host, v.user, v.password)
	return container.NewBorder(nil, nil, v.sitesBtn,
		container.NewHBox(port, v.connectBtn, v.disconnectBtn, v.recentBtn), fields)
}

// quickSite turns the quick-connect fields into a site, and the folder
// the URL names ("" for none).
func (v *MainView) quickSite() (sites.Site, error) {
	host := strings.TrimSpace(v.host.Text)
	if host == "" {
		return sites.Site{}, errors.New("type the server's address (host name or ftpes:// URL)")
	}
	site, dir, err := sites.ParseURL(host, false)
	site.RemoteDir = dir // relative to the login folder, or absolute
	if err != nil {
		if errors.Is(err, sites.ErrPlainRefused) {
			return site, errors.New("plain ftp:// is not encrypted: save it as a site with \"Plain FTP\" if you must use it")
		}
		return site, err
	}
	if u := strings.TrimSpace(v.user.Text); u != "" {
		site.User = u
	}
	if p := strings.TrimSpace(v.port.Text); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return site, fmt.Errorf("the port %q is not a number from 1 to 65535", p)
		}
		site.Port = n
	}
	if site.User == "" {
		site.Logon = sites.LogonAnonymous
	} else if v.password.Text == "" {
		site.Logon = sites.LogonAsk
	}
	site.TLS12Max = v.prefs.Bool(prefTLS12)
	return site, site.Validate()
}

func (v *MainView) quickConnect() {
	site, err := v.quickSite()
	if err != nil {
		v.setStatus("Cannot connect: "+err.Error(), widget.DangerImportance)
		return
	}
	pw := v.password.Text
	v.password.SetText("") // a password lives in the field no longer than needed
	v.connect(site, pw)
}

// attempt is a connect under way. Its context ends on Cancel (the Connect
// button turns into it), on Escape, or when a newer connect replaces it.
type attempt struct {
	name   string
	cancel context.CancelFunc
	unesc  func() // ends Escape's hold on the attempt
}

// connect opens site in the remote pane, in the site's remote folder (else
// the login folder: see pane.RemoteFS.Home). Everything that
// waits for the server runs on a goroutine, so a server that stalls never
// holds up the window, and the Cancel button ends the attempt.
func (v *MainView) connect(site sites.Site, password string) {
	v.endAttempt()                           // a newer connect replaces one under way
	ctx, cancel := context.WithCancel(v.ctx) // cancelled by endAttempt
	a := &attempt{name: siteName(site), cancel: cancel}
	a.unesc = esc.Push(v.env.Win, v.cancelConnect)
	v.attempt = a
	v.env.Win.Canvas().Unfocus() // so that Escape reaches the attempt
	v.setStatus("Connecting to "+a.name+"…", widget.MediumImportance)
	v.showConnectButton(true)
	// ctx ends on Cancel, Escape or a newer connect: the result is dropped.
	uido.Go(ctx, func(ctx context.Context) connected {
		s, err := v.conns.Connect(ctx, site, password)
		if err != nil {
			return connected{err: err}
		}
		// The status bar's TLS details, read here: Browse may wait for the
		// server.
		c, err := s.pool.Browse(ctx)
		if err != nil {
			return connected{err: err}
		}
		return connected{s: s, tls: c.TLS()}
	}, func(r connected) { v.opened(a, site, r) })
}

// connected is the outcome of a connect: the server and the TLS details
// of its browse connection (nil for plain FTP), or why not.
type connected struct {
	s   *server
	tls *session.TLSInfo
	err error
}

// opened shows the outcome of the connect a: the site in the remote pane,
// or what went wrong.
func (v *MainView) opened(a *attempt, site sites.Site, r connected) {
	if v.attempt != a {
		return // cancelled, or replaced by a newer connect
	}
	v.endAttempt()
	if r.err != nil {
		v.setStatus(connectError(site, r.err), widget.DangerImportance)
		return
	}
	s := r.s
	if v.current != nil && v.current.key != s.key {
		v.conns.Disconnect(v.current.key)
	}
	v.endLive()
	v.live, v.endLive = context.WithCancel(v.ctx)
	v.current = s
	// The pane opens the site's remote folder, resolved against the login
	// folder (RemoteFS.Home).
	v.remote.SetFS(pane.NewRemoteFS(s.pool, site))
	if site.LocalDir != "" {
		v.local.Open(site.LocalDir)
	}
	v.disconnectBtn.Enable()
	v.certBusy = false
	v.lock.Enable()
	v.showConnected(r.tls)
	if site.ID == "" {
		v.addRecent(site.URL(site.RemoteDir))
	}
}

// endAttempt ends the connect under way, if any (its result, when it
// comes, is dropped), and gives the Connect button back.
func (v *MainView) endAttempt() {
	a := v.attempt
	if a == nil {
		return
	}
	v.attempt = nil
	a.cancel()
	a.unesc()
	v.showConnectButton(false)
}

// cancelConnect is the Cancel button (and Escape) while connecting.
func (v *MainView) cancelConnect() {
	a := v.attempt
	if a == nil {
		return
	}
	v.endAttempt()
	if v.current != nil {
		v.setStatus("Cancelled connecting to "+a.name+": still connected to "+siteName(v.current.site)+".", widget.MediumImportance)
		return
	}
	v.setStatus("Cancelled connecting to "+a.name+": not connected.", widget.MediumImportance)
}

// showConnectButton shows Connect, or Cancel while connecting.
func (v *MainView) showConnectButton(connecting bool) {
	b := v.connectBtn
	if connecting {
		b.Text, b.Icon, b.Importance, b.OnTapped = "Cancel", theme.CancelIcon(), widget.MediumImportance, v.cancelConnect
	} else {
		b.Text, b.Icon, b.Importance, b.OnTapped = "Connect", theme.LoginIcon(), widget.HighImportance, v.quickConnect
	}
	b.Enable()
	b.Refresh()
}

// connectError says what went wrong and what to do next, in the words the
// command line prints too (sites.Explain).
func connectError(site sites.Site, err error) string {
	return "Could not connect to " + siteName(site) + ": " + sites.Explain(err)
}

// showConnected says that the current site is open. t: its TLS details,
// read by the connect goroutine (nil for plain FTP).
func (v *MainView) showConnected(t *session.TLSInfo) {
	s := v.current
	if s == nil {
		return
	}
	text := "Connected to " + siteName(s.site)
	if t != nil {
		v.tlsLabel.Importance = widget.LowImportance
		v.tlsLabel.SetText(t.Version + ", " + t.Cipher)
		v.lock.SetIcon(theme.ConfirmIcon())
	} else {
		v.tlsLabel.Importance = widget.DangerImportance
		v.tlsLabel.SetText("NOT ENCRYPTED")
	}
	v.setStatus(text, widget.SuccessImportance)
}

func (v *MainView) disconnect() {
	v.remote.SetFS(nil) // first: it ends a listing under way, which closing the pool waits for
	if v.current != nil {
		v.endLive()
		v.conns.Disconnect(v.current.key)
		v.current = nil
	}
	v.certBusy = false
	v.disconnectBtn.Disable()
	v.lock.Disable()
	v.lock.SetIcon(theme.VisibilityIcon())
	v.tlsLabel.SetText("")
	v.setStatus("Not connected", widget.MediumImportance)
}

func (v *MainView) setStatus(text string, imp widget.Importance) {
	v.status.Importance = imp
	v.status.SetText(text)
}

// showCertificate opens the current connection's certificate (the lock).
// The connection is fetched on a goroutine: Browse waits for an operation
// under way on it (a stalled listing, until its Cancel), and may redial.
// The lock stays disabled until the dialog shows.
func (v *MainView) showCertificate() {
	s, ctx := v.current, v.live
	if s == nil || v.certBusy {
		return
	}
	v.certBusy = true
	v.lock.Disable()
	// ctx ends when s is disconnected or replaced: the result is dropped.
	uido.Go(ctx, func(ctx context.Context) certificate {
		c, err := s.pool.Browse(ctx)
		if err != nil {
			return certificate{err: err}
		}
		cs, ok := c.ConnectionState()
		if !ok {
			return certificate{}
		}
		return certificate{info: trust.NewCertInfo(s.site.Host, s.site.EffectivePort(), cs, nil, time.Now()), ok: true}
	}, v.showCertificateOf)
}

// certificate is the current connection's certificate; ok is false for
// plain FTP.
type certificate struct {
	info trust.CertInfo
	ok   bool
	err  error
}

// showCertificateOf shows what showCertificate fetched.
func (v *MainView) showCertificateOf(c certificate) {
	v.certBusy = false
	v.lock.Enable()
	switch {
	case c.err != nil:
		esc.ShowError(c.err, v.env.Win)
	case !c.ok:
		esc.ShowInformation("Not encrypted", "This connection is plain FTP: there is no certificate, and passwords and files cross the network readable by anyone on the way.", v.env.Win)
	default:
		dialogs.ShowCertificateInfo(v.env.Win, c.info)
	}
}

// --- Recent connections ------------------------------------------------------

// migrateRecent moves the recent connections that Ferry 0.1 kept in
// Fyne's preferences into the config folder's store, once: they stay in the
// preferences if the store cannot be written.
func (v *MainView) migrateRecent() {
	old := v.prefs.String(prefRecent)
	if old == "" {
		return
	}
	if _, err := v.recents.Import(strings.Split(old, "\n")); err != nil {
		v.logError(err)
		return
	}
	v.prefs.RemoveValue(prefRecent)
}

// addRecent puts u first in the recent connections. The store may wait
// for another Ferry writing it: it runs on a goroutine.
func (v *MainView) addRecent(u string) {
	uido.Go(v.ctx, func(context.Context) error {
		_, err := v.recents.Add(u)
		return err
	}, v.logError)
}

// logError puts err, if any, into the protocol log.
func (v *MainView) logError(err error) {
	if err != nil {
		v.hub.Log(session.Entry{Kind: session.EntryError, Text: err.Error()})
	}
}

// showRecent opens the Recent menu under its button; the list is read on a
// goroutine, as the store may wait for another Ferry writing it.
func (v *MainView) showRecent() {
	uido.Go(v.ctx, func(context.Context) recentList {
		list, err := v.recents.List()
		return recentList{list, err}
	}, v.showRecentMenu)
}

// recentList is the recent connections as read from their store.
type recentList struct {
	list []string
	err  error
}

func (v *MainView) showRecentMenu(r recentList) {
	list := r.list
	if r.err != nil {
		esc.ShowError(r.err, v.env.Win)
		return
	}
	if len(list) == 0 {
		esc.ShowInformation("Recent connections", "No recent connections yet. Connect once with the bar and the server appears here.", v.env.Win)
		return
	}
	var items []*fyne.MenuItem
	for _, u := range list {
		items = append(items, fyne.NewMenuItem(u, func() { v.fillFromURL(u) }))
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(v.recentBtn)
	widget.ShowPopUpMenuAtPosition(fyne.NewMenu("", items...), v.env.Win.Canvas(), pos.AddXY(0, v.recentBtn.Size().Height))
}

// fillFromURL puts a recent URL into the bar, ready for the password.
func (v *MainView) fillFromURL(raw string) {
	u, err := url.Parse(raw)
	if err != nil {
		return
	}
	user := ""
	if u.User != nil {
		user = u.User.Username()
	}
	u.User = nil
	v.host.SetText(u.String())
	v.user.SetText(user)
	v.port.SetText("")
	v.env.Win.Canvas().Focus(v.password)
}

// --- Sites -------------------------------------------------------------------

func (v *MainView) showSites() {
	if v.env.Sites == nil {
		return
	}
	var sec sitemgr.Secrets
	if v.env.Secrets != nil {
		sec = v.env.Secrets
	}
	m := sitemgr.New(v.env.Win, v.env.Sites, sec)
	m.OnConnect = func(site sites.Site, password string) { v.connect(site, password) }
	m.Show()
}

// --- Transfers ---------------------------------------------------------------

// transfer turns a drop or a menu command into queue jobs.
func (v *MainView) transfer(entries []pane.Entry, fromDir string, target *pane.Pane, targetDir string) {
	if v.current == nil {
		v.setStatus("Connect to a server first: then drag files between the panes.", widget.MediumImportance)
		return
	}
	s := v.current
	up := target == v.remote
	items := make([]transfers.Item, 0, len(entries))
	for _, e := range entries {
		p := path.Join(fromDir, e.Name)
		if up {
			p = filepath.Join(fromDir, e.Name)
		}
		items = append(items, transfers.Item{Path: p, IsDir: e.IsDir, Size: e.Size, ModTime: e.ModTime})
	}
	if up {
		v.queue.Add(transfers.Uploads(s.key, siteName(s.site), items, targetDir)...)
		return
	}
	// Entries are never the login folder itself: no contents job here.
	v.queue.Add(transfers.Downloads(s.key, siteName(s.site), items, targetDir, "")...)
}

// dropped uploads files dropped from the file manager onto the remote pane.
func (v *MainView) dropped(pos fyne.Position, uris []fyne.URI) {
	dir, ok := v.remote.DropTarget(pos)
	if !ok {
		if _, onLocal := v.local.DropTarget(pos); onLocal {
			v.setStatus("Drop files on the server's pane to upload them.", widget.MediumImportance)
		}
		return
	}
	if v.current == nil {
		v.setStatus("Connect to a server first, then drop files on its pane to upload them.", widget.MediumImportance)
		return
	}
	byDir := map[string][]pane.Entry{}
	for _, u := range uris {
		if u.Scheme() != "file" {
			continue
		}
		fi, err := os.Stat(u.Path())
		if err != nil {
			continue
		}
		e := pane.Entry{Name: fi.Name(), Size: fi.Size(), ModTime: fi.ModTime(), IsDir: fi.IsDir()}
		byDir[filepath.Dir(u.Path())] = append(byDir[filepath.Dir(u.Path())], e)
	}
	for from, es := range byDir {
		v.transfer(es, from, v.remote, dir)
	}
}

// batchDone refreshes the panes and, when Ferry is in the background, says
// so with a desktop notification. Called from an engine goroutine.
func (v *MainView) batchDone(t transfers.Totals) {
	uido.Do(func() {
		v.local.Refresh()
		if v.current != nil {
			v.remote.Refresh()
		}
		failed := len(v.queue.FailedJobs())
		msg := fmt.Sprintf("%d %s transferred", t.Files, plural(int(t.Files), "file", "files"))
		if failed > 0 {
			msg += fmt.Sprintf(", %d failed: see the Failed tab", failed)
		}
		if !v.focused {
			v.env.App.SendNotification(fyne.NewNotification("Ferry: transfers finished", msg))
		}
	})
}
