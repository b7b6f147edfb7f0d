package sites

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// mapSecrets is a keyring in memory; err, when set, answers every Get.
type mapSecrets struct {
	m     map[string]string // "siteID/kind"
	err   error
	calls int
}

func (s *mapSecrets) Get(_ context.Context, id, kind string) (string, error) {
	s.calls++
	if s.err != nil {
		return "", s.err
	}
	v, ok := s.m[id+"/"+kind]
	if !ok {
		return "", ErrNoSecret
	}
	return v, nil
}

// recordingAsker answers with answer and records the questions.
type recordingAsker struct {
	answer PasswordAnswer
	err    error
	asked  []PasswordQuestion
}

func (a *recordingAsker) AskPassword(_ context.Context, q PasswordQuestion) (PasswordAnswer, error) {
	a.asked = append(a.asked, q)
	return a.answer, a.err
}

// TestPassword: where the password of each kind of site comes from, and
// why the question is asked when the keyring cannot help.
func TestPassword(t *testing.T) {
	saved := Site{ID: "s1", Name: "Office", Host: "nas.example", User: "ann"}
	ask := saved
	ask.Logon = LogonAsk
	anon := saved
	anon.Logon = LogonAnonymous
	quick := saved
	quick.ID, quick.Name = "", ""
	unavailable := fmt.Errorf("reading the password from the keyring: %w (dbus: no session bus)", ErrKeyringUnavailable)
	timeout := fmt.Errorf("reading the password from the keyring: %w", ErrKeyringTimeout)
	for _, tc := range []struct {
		name      string
		site      Site
		keyring   error // nil: the keyring holds s1's password "from-keyring"
		noSecrets bool
		want      string
		wantAsked bool
		wantWhy   error // PasswordQuestion.Saved
		wantErr   error
	}{
		{name: "saved, in the keyring", site: saved, want: "from-keyring"},
		{name: "saved, not in the keyring", site: saved, keyring: ErrNoSecret, want: "typed", wantAsked: true, wantWhy: ErrNoSecret},
		{name: "saved, no keyring", site: saved, keyring: unavailable, want: "typed", wantAsked: true, wantWhy: ErrKeyringUnavailable},
		{name: "saved, keyring locked", site: saved, keyring: timeout, want: "typed", wantAsked: true, wantWhy: ErrKeyringTimeout},
		{name: "saved, cancelled", site: saved, keyring: context.Canceled, wantErr: context.Canceled},
		{name: "saved, no secrets", site: saved, noSecrets: true, want: "typed", wantAsked: true},
		{name: "ask for password", site: ask, want: "typed", wantAsked: true},
		{name: "quick connect", site: quick, want: "typed", wantAsked: true},
		{name: "anonymous", site: anon, want: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sec := &mapSecrets{m: map[string]string{"s1/" + SecretPassword: "from-keyring"}, err: tc.keyring}
			var getter SecretGetter = sec
			if tc.noSecrets {
				getter = nil
			}
			a := &recordingAsker{answer: PasswordAnswer{Password: "typed", Remember: true}}
			got, err := Password(context.Background(), tc.site, getter, a)
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) {
				t.Fatalf("err %v, want %v", err, tc.wantErr)
			}
			if got.Password != tc.want {
				t.Errorf("password %q, want %q", got.Password, tc.want)
			}
			if got.Remember != tc.wantAsked {
				t.Errorf("Remember %v: only a person's answer carries it", got.Remember)
			}
			if (len(a.asked) > 0) != tc.wantAsked {
				t.Fatalf("asked %d times, want asked: %v", len(a.asked), tc.wantAsked)
			}
			if tc.wantAsked {
				q := a.asked[0]
				if q.Site != tc.site || !errors.Is(q.Saved, tc.wantWhy) || (tc.wantWhy == nil) != (q.Saved == nil) {
					t.Errorf("question %+v, want the site and Saved matching %v", q, tc.wantWhy)
				}
				failed := tc.wantWhy == ErrKeyringUnavailable || tc.wantWhy == ErrKeyringTimeout
				if q.KeyringFailed() != failed {
					t.Errorf("KeyringFailed = %v, want %v", q.KeyringFailed(), failed)
				}
			}
			if tc.site.Logon != LogonNormal || tc.site.ID == "" {
				if sec.calls != 0 {
					t.Errorf("the keyring was read %d times for a site that saves no password", sec.calls)
				}
			}
		})
	}
}

// TestPasswordWithNoOneToAsk: without an asker, a question is an error
// naming the site and, when there is one, the keyring's reason.
func TestPasswordWithNoOneToAsk(t *testing.T) {
	site := Site{ID: "s1", Name: "Office", Host: "nas.example", User: "ann"}
	_, err := Password(context.Background(), site, &mapSecrets{err: ErrKeyringTimeout}, nil)
	if !errors.Is(err, ErrNoPassword) || !errors.Is(err, ErrKeyringTimeout) {
		t.Errorf("err %v, want ErrNoPassword and ErrKeyringTimeout", err)
	}
	site.Logon = LogonAsk
	_, err = Password(context.Background(), site, nil, nil)
	if !errors.Is(err, ErrNoPassword) || err.Error() != "no password for Office" {
		t.Errorf("err %v, want %q", err, "no password for Office")
	}
	// A person who declines.
	a := &recordingAsker{err: fmt.Errorf("the password for Office: %w", context.Canceled)}
	if _, err := Password(context.Background(), site, nil, a); !errors.Is(err, context.Canceled) {
		t.Errorf("declined: %v", err)
	}
}

func TestClientKeyPassphrase(t *testing.T) {
	sec := &mapSecrets{m: map[string]string{"s1/" + SecretKeyPassphrase: "pp"}}
	site := Site{ID: "s1", Name: "Office", Host: "nas.example", ClientCert: "/c.pem"}
	if got := ClientKeyPassphrase(context.Background(), site, sec); got != "pp" {
		t.Errorf("saved: %q", got)
	}
	for name, s := range map[string]Site{"no certificate": {ID: "s1", Host: "h"}, "not saved": {Host: "h", ClientCert: "/c.pem"}} {
		if got := ClientKeyPassphrase(context.Background(), s, sec); got != "" {
			t.Errorf("%s: %q", name, got)
		}
	}
	if got := ClientKeyPassphrase(context.Background(), site, nil); got != "" {
		t.Errorf("no secrets: %q", got)
	}
	if got := ClientKeyPassphrase(context.Background(), site, &mapSecrets{err: ErrKeyringUnavailable}); got != "" {
		t.Errorf("no keyring: %q", got)
	}
}

// TestSavePassword: a password the keyring takes leaves the site as it is;
// one it refuses switches the site to "ask for password".
func TestSavePassword(t *testing.T) {
	store, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	site, err := store.Add(Site{Name: "Office", Host: "nas.example", User: "ann"})
	if err != nil {
		t.Fatal(err)
	}
	sec := &setSecrets{m: map[string]string{}}
	if err := SavePassword(context.Background(), store, sec, site.ID, "pw"); err != nil || sec.m[site.ID+"/"+SecretPassword] != "pw" {
		t.Fatalf("saved: %v, %v", err, sec.m)
	}
	if s, _ := store.Get(site.ID); s.Logon != LogonNormal {
		t.Errorf("after a saved password the logon is %v", s.Logon)
	}
	for name, sec := range map[string]SecretSetter{"refused": &setSecrets{err: ErrKeyringTimeout}, "nil": nil} {
		s, _ := store.Get(site.ID)
		s.Logon = LogonNormal
		store.Update(s)
		err := SavePassword(context.Background(), store, sec, site.ID, "pw")
		if !errors.Is(err, ErrKeyringTimeout) && !errors.Is(err, ErrKeyringUnavailable) {
			t.Errorf("%s: %v", name, err)
		}
		if s, _ := store.Get(site.ID); s.Logon != LogonAsk {
			t.Errorf("%s: after a refused password the logon is %v", name, s.Logon)
		}
	}
}
