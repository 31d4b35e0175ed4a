package merge

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Report is what a merge of one file left to resolve, as written beside
// it (circuitvc merge-file --report, circuitvc merge) and read back by
// circuitvc resolve.
type Report struct {
	// File is the merged file's path, as the merge was told it.
	File string `json:"file"`
	// Format is the format merged: native, wokwi, tscircuit, json; or
	// "text" for a line merge, whose conflicts are marked in the file
	// and not listed here.
	Format string `json:"format"`
	// Conflicts lists every conflict, open and resolved.
	Conflicts []*Conflict `json:"conflicts"`
}

// Open counts the conflicts not yet resolved.
func (r *Report) Open() int {
	n := 0
	for _, c := range r.Conflicts {
		if c.Resolved == "" {
			n++
		}
	}
	return n
}

// Marshal writes the report as indented JSON.
func (r *Report) Marshal() ([]byte, error) {
	if r.Conflicts == nil {
		r.Conflicts = []*Conflict{}
	}
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("merge report of %s: %w", r.File, err)
	}
	return append(data, '\n'), nil
}

// ParseReport reads a report.
func ParseReport(data []byte) (*Report, error) {
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("not a merge report: %w", err)
	}
	return &r, nil
}

// Select returns the open conflicts that what names: a number as the
// report lists them (1 is the first), a conflict's name ("R5 value"), or
// its item ("R5", every conflict about R5). No names selects every open
// conflict.
func (r *Report) Select(what []string) ([]*Conflict, error) {
	if len(what) == 0 {
		var out []*Conflict
		for _, c := range r.Conflicts {
			if c.Resolved == "" {
				out = append(out, c)
			}
		}
		return out, nil
	}
	var out []*Conflict
	for _, w := range what {
		found := false
		for i, c := range r.Conflicts {
			if strconv.Itoa(i+1) == w || strings.EqualFold(c.Name(), w) || strings.EqualFold(c.Item, w) {
				found = true
				if c.Resolved == "" && !contains(out, c) {
					out = append(out, c)
				}
			}
		}
		if !found {
			return nil, fmt.Errorf("%q names no conflict of %s (%s)", w, r.File, r.names())
		}
	}
	return out, nil
}

// names lists the open conflicts for an error message.
func (r *Report) names() string {
	var names []string
	for i, c := range r.Conflicts {
		if c.Resolved == "" {
			names = append(names, fmt.Sprintf("%d: %s", i+1, c.Name()))
		}
	}
	if len(names) == 0 {
		return "none is open"
	}
	return "open: " + strings.Join(names, ", ")
}

func contains(list []*Conflict, c *Conflict) bool {
	for _, x := range list {
		if x == c {
			return true
		}
	}
	return false
}
