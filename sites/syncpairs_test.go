package sites

import "testing"

// TestSyncPairs: pairs are kept per site across a reopen; a pair saved
// under a name already there (any case) replaces it; a quick connection
// (no id) cannot keep one.
func TestSyncPairs(t *testing.T) {
	dir := t.TempDir()
	s := OpenSyncPairs(dir)
	for _, p := range []SyncPair{
		{Name: "Prices", Local: "/home/maria/prices", Remote: "/shared/prices", Direction: "up"},
		{Name: "Scans", Local: "/home/maria/scans", Remote: "/shared/scans", Direction: "both", Exclude: []string{"*.tmp"}},
		{Name: "prices", Local: "/home/maria/prices", Remote: "/shared/prices", Direction: "up", Delete: true},
	} {
		if err := s.Save("site-1", p); err != nil {
			t.Fatal(err)
		}
	}
	got, err := OpenSyncPairs(dir).List("site-1")
	if err != nil || len(got) != 2 || got[0].Name != "Scans" || got[1].Name != "prices" || !got[1].Delete || got[0].Exclude[0] != "*.tmp" {
		t.Fatalf("pairs after a reopen: %+v, %v", got, err)
	}
	if other, _ := s.List("site-2"); len(other) != 0 {
		t.Errorf("another site has pairs: %+v", other)
	}
	if err := s.Save("", SyncPair{Name: "x"}); err == nil {
		t.Error("a quick connection saved a sync pair")
	}
	if err := s.Delete("site-1", "SCANS"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.List("site-1"); len(got) != 1 {
		t.Errorf("after Delete: %+v", got)
	}
}
