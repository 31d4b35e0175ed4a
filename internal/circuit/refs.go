package circuit

import (
	"strconv"
	"strings"
)

// RefRanges writes references in natural order compactly: runs of three
// or more consecutive numbers with one prefix become a range (R1–R3),
// others are listed (R1 R2 R5 C1–C12).
func RefRanges(refs []string) string {
	var b strings.Builder
	for i := 0; i < len(refs); {
		prefix, n, ok := splitRefNumber(refs[i])
		j := i + 1
		if ok {
			for j < len(refs) {
				p, m, ok2 := splitRefNumber(refs[j])
				if !ok2 || p != prefix || m != n+(j-i) {
					break
				}
				j++
			}
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		if j-i >= 3 {
			b.WriteString(refs[i] + "–" + refs[j-1])
			i = j
			continue
		}
		b.WriteString(refs[i])
		i++
	}
	return b.String()
}

// splitRefNumber splits R12 into "R" and 12; numbers with leading zeros
// or without a prefix do not form ranges.
func splitRefNumber(ref string) (string, int, bool) {
	i := len(ref)
	for i > 0 && isDigit(ref[i-1]) {
		i--
	}
	if i == 0 || i == len(ref) || (ref[i] == '0' && i < len(ref)-1) || len(ref)-i > 9 {
		return "", 0, false
	}
	n, err := strconv.Atoi(ref[i:])
	return ref[:i], n, err == nil
}

// clipList cuts a space-separated list to at most max items, ending with
// "… (+N more)"; max ≤ 0 keeps everything.
func clipList(items []string, max int) string {
	if max <= 0 || len(items) <= max {
		return strings.Join(items, " ")
	}
	return strings.Join(items[:max], " ") + " … (+" + strconv.Itoa(len(items)-max) + " more)"
}
