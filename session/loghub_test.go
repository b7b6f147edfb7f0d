package session

import (
	"strings"
	"testing"
)

func TestLogHub(t *testing.T) {
	h := NewLogHub(2)
	h.Log(Entry{Text: "a"})
	h.Log(Entry{Text: "b"})
	h.Log(Entry{Text: "c"})
	var got []string
	recent, cancel := h.Subscribe(func(e Entry) { got = append(got, e.Text) })
	if len(recent) != 2 || recent[0].Text != "b" || recent[1].Text != "c" {
		t.Errorf("recent = %+v, want b, c", recent)
	}
	h.Log(Entry{Text: "d"})
	cancel()
	h.Log(Entry{Text: "e"})
	if strings.Join(got, "") != "d" {
		t.Errorf("subscriber saw %q, want d", got)
	}
}

func TestMaskCommand(t *testing.T) {
	for in, want := range map[string]string{
		"PASS hunter2":  "PASS ********",
		"pass hunter2":  "pass ********",
		"ACCT secret":   "ACCT ********",
		"USER bob":      "USER bob",
		"PASSIVE thing": "PASSIVE thing",
	} {
		if got := maskCommand(in); got != want {
			t.Errorf("maskCommand(%q) = %q, want %q", in, got, want)
		}
	}
}
