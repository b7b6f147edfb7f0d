package dialogs

import (
	"context"
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

func TestPasswordPrompter(t *testing.T) {
	type result struct {
		password string
		remember bool
		err      error
	}
	start := func(ctx context.Context, p *PasswordPrompter) <-chan result {
		res := make(chan result, 1)
		go func() {
			pw, remember, err := p.AskPassword(ctx, "Office", "ann")
			res <- result{pw, remember, err}
		}()
		return res
	}
	newPrompter := func(t *testing.T) (*PasswordPrompter, chan *passwordDialog) {
		shown := make(chan *passwordDialog, 1)
		return &PasswordPrompter{Win: newTestWindow(t), shown: func(d *passwordDialog) { shown <- d }}, shown
	}
	const secret = "s3cret-Pa55"

	t.Run("Enter connects", func(t *testing.T) {
		p, shown := newPrompter(t)
		res := start(t.Context(), p)
		d := <-shown
		if p.Win.Canvas().Focused() != d.password {
			t.Error("the password entry has not the focus")
		}
		top := topOverlay(t, p.Win)
		if !hasLabel(top, "Ferry needs the password of ann on Office.") {
			t.Errorf("labels %q", labels(top))
		}
		test.Type(d.password, secret)
		test.Tap(d.remember)
		capture(t, p.Win, "password.png")
		if markup := test.RenderToMarkup(p.Win.Canvas()); strings.Contains(markup, secret) {
			t.Error("the password is shown in clear")
		}
		for _, l := range labels(top) {
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
		p, shown := newPrompter(t)
		res := start(t.Context(), p)
		d := <-shown
		test.Type(d.password, secret)
		test.Tap(d.connect)
		if got := <-res; got.err != nil || got.password != secret || got.remember {
			t.Errorf("AskPassword = %q, %v, %v; want the password, false, nil", got.password, got.remember, got.err)
		}
	})

	t.Run("Cancel", func(t *testing.T) {
		p, shown := newPrompter(t)
		res := start(t.Context(), p)
		d := <-shown
		test.Type(d.password, secret)
		test.Tap(d.cancel)
		got := <-res
		if !errors.Is(got.err, ErrPasswordCancelled) || got.password != "" {
			t.Errorf("AskPassword = %q, %v; want ErrPasswordCancelled", got.password, got.err)
		}
		if strings.Contains(got.err.Error(), secret) {
			t.Error("the error holds the password")
		}
	})

	t.Run("context ends", func(t *testing.T) {
		p, shown := newPrompter(t)
		ctx, cancel := context.WithCancel(t.Context())
		res := start(ctx, p)
		<-shown
		cancel()
		if got := <-res; !errors.Is(got.err, context.Canceled) {
			t.Errorf("AskPassword = %q, %v; want context.Canceled", got.password, got.err)
		}
		if p.Win.Canvas().Overlays().Top() != nil {
			t.Error("the dialog stays open after the context ended")
		}
	})
}

func TestShowPasswordWithoutUser(t *testing.T) {
	w := newTestWindow(t)
	var ok bool
	ShowPassword(w, "Office", "", func(_ string, _ bool, answered bool) { ok = answered })
	top := topOverlay(t, w)
	if !hasLabel(top, "Ferry needs the password for Office.") {
		t.Errorf("labels %q", labels(top))
	}
	test.Tap(button(t, top, "Connect"))
	if !ok {
		t.Error("Connect with an empty password did not answer")
	}
}
