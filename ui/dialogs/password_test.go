package dialogs

import (
	"context"
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/ferryftps/ferry/ui/internal/esc"
	"github.com/ferryftps/ferry/ui/internal/uitest"
)

func TestPasswordPrompter(t *testing.T) {
	type result struct {
		password string
		remember bool
		err      error
	}
	start := func(ctx context.Context, p *PasswordPrompter) <-chan result {
		return background(func() result {
			pw, remember, err := p.AskPassword(ctx, "Office", "ann")
			return result{pw, remember, err}
		})
	}
	newPrompter := func(t *testing.T) (*PasswordPrompter, chan *passwordDialog) {
		shown := make(chan *passwordDialog, 1)
		return &PasswordPrompter{Win: newTestWindow(t), shown: func(d *passwordDialog) { shown <- d }}, shown
	}
	const secret = "s3cret-Pa55"
	// typeThenTap types the secret and taps the button of the dialog that
	// button picks.
	typeThenTap := func(t *testing.T, button func(*passwordDialog) *esc.Button) result {
		p, shown := newPrompter(t)
		res := start(t.Context(), p)
		d := <-shown
		test.Type(d.password, secret)
		test.Tap(button(d))
		return <-res
	}

	t.Run("Enter connects", func(t *testing.T) {
		p, shown := newPrompter(t)
		res := start(t.Context(), p)
		d := <-shown
		if p.Win.Canvas().Focused() != d.password {
			t.Error("the password entry has not the focus")
		}
		top := uitest.Top(t, p.Win)
		if !uitest.HasLabel(top, "Ferry needs the password of ann on Office.") {
			t.Errorf("labels %q", uitest.Labels(top))
		}
		test.Type(d.password, secret)
		test.Tap(d.remember)
		capture(t, p.Win, "password.png")
		if markup := test.RenderToMarkup(p.Win.Canvas()); strings.Contains(markup, secret) {
			t.Error("the password is shown in clear")
		}
		for _, l := range uitest.Labels(top) {
			if strings.Contains(l, secret) {
				t.Errorf("the password is in the label %q", l)
			}
		}
		d.password.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		got := <-res
		if got.err != nil || got.password != secret || !got.remember {
			t.Errorf("AskPassword = %q, %v, %v; want the password, true, nil", got.password, got.remember, got.err)
		}
		if p.Win.Canvas().Overlays().Top() != nil {
			t.Error("the dialog stays open after Enter")
		}
		if d.password.Text != "" {
			t.Error("the entry keeps the password after the answer")
		}
	})

	t.Run("Connect without remembering", func(t *testing.T) {
		got := typeThenTap(t, func(d *passwordDialog) *esc.Button { return d.connect })
		if got.err != nil || got.password != secret || got.remember {
			t.Errorf("AskPassword = %q, %v, %v; want the password, false, nil", got.password, got.remember, got.err)
		}
	})

	t.Run("Cancel", func(t *testing.T) {
		got := typeThenTap(t, func(d *passwordDialog) *esc.Button { return d.cancel })
		if !errors.Is(got.err, ErrPasswordCancelled) || got.password != "" {
			t.Errorf("AskPassword = %q, %v; want ErrPasswordCancelled", got.password, got.err)
		}
		if strings.Contains(got.err.Error(), secret) {
			t.Error("the error holds the password")
		}
	})

	t.Run("context ends", func(t *testing.T) {
		p, shown := newPrompter(t)
		endContext(t, p.Win, shown, func(ctx context.Context) error {
			_, _, err := p.AskPassword(ctx, "Office", "ann")
			return err
		})
	})
}

func TestShowPasswordWithoutUser(t *testing.T) {
	w := newTestWindow(t)
	var ok bool
	ShowPassword(w, "Office", "", func(_ string, _ bool, answered bool) { ok = answered })
	top := uitest.Top(t, w)
	if !uitest.HasLabel(top, "Ferry needs the password for Office.") {
		t.Errorf("labels %q", uitest.Labels(top))
	}
	test.Tap(uitest.MustButton(t, top, "Connect"))
	if !ok {
		t.Error("Connect with an empty password did not answer")
	}
}
