package circuit

import "fmt"

// Summarize describes in one line what changed in a file between two
// saves, for a save message when the user gives none. old == nil means
// the file is new ("new circuit: 12 components, 8 nets"); new == nil
// means it was deleted ("deleted"). Two circuits (in any formats) give
// Delta.Summary; two other JSON documents give JSONDelta.Summary. It
// returns "" when there is nothing useful to say: text files, unparsable
// input, or no change the model can see (whitespace, wire colours).
// The file name is not part of the summary.
func Summarize(name string, old, new []byte) string {
	switch {
	case old == nil && new == nil:
		return ""
	case new == nil:
		return "deleted"
	case old == nil:
		if !detect(name, new, false).IsCircuit() {
			return ""
		}
		c, err := Parse(name, new)
		if err != nil {
			return ""
		}
		return SummarizeCircuits(nil, c)
	}
	// Parse and DiffJSON check the syntax: a sniff of each suffices here.
	fo, fn := detect(name, old, false), detect(name, new, false)
	if fo.IsCircuit() && fn.IsCircuit() {
		a, errA := Parse(name, old)
		b, errB := Parse(name, new)
		if errA == nil && errB == nil {
			return SummarizeCircuits(a, b)
		}
	}
	if fo == FormatUnknown || fn == FormatUnknown {
		return ""
	}
	d, err := DiffJSON(old, new)
	if err != nil {
		return ""
	}
	return d.Summary()
}

// SummarizeCircuits is Summarize for circuits already read: old nil
// means new is a new file.
func SummarizeCircuits(old, new *Circuit) string {
	if old == nil {
		return fmt.Sprintf("new circuit: %s, %s", plural(len(new.Components), "component"), plural(len(new.Nets), "net"))
	}
	return Diff(old, new).Summary()
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
