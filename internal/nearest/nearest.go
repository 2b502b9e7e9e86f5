// Package nearest suggests the names nearest to a misspelt one, for "did you mean" hints in
// error messages. It has no Terraform imports.
package nearest

import (
	"sort"
	"strings"
)

// Names are the candidates nearest to name: those equal to it but for case, else the ones at
// the smallest edit distance (case-insensitive), if it is at most a third of the name's length
// (at least 2); at most three, sorted.
func Names(name string, candidates []string) []string {
	var same []string
	for _, c := range candidates {
		if strings.EqualFold(c, name) {
			same = append(same, c)
		}
	}
	if len(same) > 0 {
		sort.Strings(same)
		return same
	}
	limit := max(2, len([]rune(name))/3)
	best, out := limit+1, []string(nil)
	for _, c := range candidates {
		d := EditDistance(strings.ToLower(name), strings.ToLower(c))
		switch {
		case d > limit:
		case d < best:
			best, out = d, []string{c}
		case d == best:
			out = append(out, c)
		}
	}
	sort.Strings(out)
	if len(out) > 3 {
		out = out[:3]
	}
	return out
}

// EditDistance is the Levenshtein distance of a and b, in runes.
func EditDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}

// Hint is `did you mean "a" or "b"?` for the names, or "" for none.
func Hint(names []string) string {
	if len(names) == 0 {
		return ""
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = `"` + n + `"`
	}
	if len(q) == 1 {
		return "did you mean " + q[0] + "?"
	}
	return "did you mean " + strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1] + "?"
}
