package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// MainView is the main window's content: the local pane and the remote pane
// side by side, and a status bar. Not safe for concurrent use: touch it only
// on the UI goroutine.
type MainView struct {
	local  *paneFrame
	remote *paneFrame
	status *widget.Label
	root   fyne.CanvasObject
}

// NewMainView builds the main window's content in its initial state: no
// connection.
func NewMainView() *MainView {
	v := &MainView{
		local:  newPaneFrame("This computer", "Local files appear here."),
		remote: newPaneFrame("Server", "Not connected."),
		status: widget.NewLabel("Not connected"),
	}
	split := container.NewHSplit(v.local.root, v.remote.root)
	split.Offset = 0.5
	v.root = container.NewBorder(nil, v.status, nil, nil, split)
	return v
}

// Content returns the object to put in the window.
func (v *MainView) Content() fyne.CanvasObject { return v.root }

// paneFrame is one side of the two-pane browser: a title and, below it, the
// pane's body, which shows a sentence saying what state the pane is in.
type paneFrame struct {
	title *widget.Label
	state *widget.Label
	root  fyne.CanvasObject
}

func newPaneFrame(title, state string) *paneFrame {
	p := &paneFrame{
		title: &widget.Label{Text: title, TextStyle: fyne.TextStyle{Bold: true}},
		state: &widget.Label{Text: state, Alignment: fyne.TextAlignCenter, Importance: widget.LowImportance},
	}
	p.root = container.NewBorder(
		container.NewVBox(p.title, widget.NewSeparator()), nil, nil, nil,
		container.NewCenter(p.state),
	)
	return p
}
