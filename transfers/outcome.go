package transfers

// Outcome is how one file's transfer ended. The zero value is unknown (a
// Record made by hand).
type Outcome int

// The outcomes of a Record.
const (
	// OutcomeOK: the file arrived whole and checked.
	OutcomeOK Outcome = iota + 1
	// OutcomeSkipped: the file was left as it was; Record.Skip says why.
	OutcomeSkipped
	// OutcomeFailed: the queue gave up on the file.
	OutcomeFailed
)

var outcomeNames = names{"", "ok", "skipped", "failed"}

// String returns "ok", "skipped" or "failed" ("" when unknown): the first
// word of a Record's Result, and the history's "outcome".
func (o Outcome) String() string { return outcomeNames.name(int(o)) }

// MarshalText writes the outcome's name.
func (o Outcome) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// UnmarshalText reads an outcome's name. A name it does not know (from a
// later version) is the unknown outcome, not an error: the line still
// loads.
func (o *Outcome) UnmarshalText(b []byte) error {
	*o = Outcome(outcomeNames.value(string(b)))
	return nil
}

// SkipReason says why a file was skipped. The zero value: not skipped.
type SkipReason int

// The reasons for a skip.
const (
	// SkippedExists: the target exists, and the conflict policy or the
	// person said to leave it (Skip, or "if newer" / "if size differs" /
	// "resume" that found nothing to do).
	SkippedExists SkipReason = iota + 1
	// SkippedAlreadyThere: a job back from the queue file, or retried,
	// found the file arrived whole before.
	SkippedAlreadyThere
	// SkippedUnusable: a folder's entry the queue cannot transfer: a name
	// unsafe on this computer or unsendable over FTP, a listing line Ferry
	// cannot read, a link to a folder, something not a regular file.
	SkippedUnusable
)

var (
	skipNames = names{"", "exists", "already-there", "unusable"}
	// skipWords are the reasons in words, for a Record's Result ("skipped:
	// a file of that name exists"); a SkippedUnusable entry says more.
	skipWords = names{"", "a file of that name exists", "already there", "cannot be transferred"}
)

// String returns the reason's name as the history writes it: "exists",
// "already-there" or "unusable" ("" when not skipped).
func (s SkipReason) String() string { return skipNames.name(int(s)) }

// words is the reason for a person, when nothing more specific is known.
func (s SkipReason) words() string { return skipWords.name(int(s)) }

// MarshalText writes the reason's name.
func (s SkipReason) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a reason's name; one it does not know is no reason
// (zero), not an error.
func (s *SkipReason) UnmarshalText(b []byte) error {
	*s = SkipReason(skipNames.value(string(b)))
	return nil
}

// names are the names of an enumeration's values, by value; 0 is unnamed.
type names []string

func (n names) name(v int) string {
	if v > 0 && v < len(n) {
		return n[v]
	}
	return ""
}

func (n names) value(name string) int {
	for v := 1; v < len(n); v++ {
		if n[v] == name {
			return v
		}
	}
	return 0
}
