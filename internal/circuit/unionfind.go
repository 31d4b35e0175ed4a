package circuit

import "strconv"

// unionFind joins pins into nets. Elements are small integers handed out
// by id.
type unionFind struct {
	parent []int
	rank   []uint8
	ids    map[string]int
	names  []string
}

func newUnionFind(n int) *unionFind {
	return &unionFind{ids: make(map[string]int, n)}
}

// id returns the element for name, adding it on first sight.
func (u *unionFind) id(name string) int {
	if i, ok := u.ids[name]; ok {
		return i
	}
	i := len(u.parent)
	u.ids[name] = i
	u.parent = append(u.parent, i)
	u.rank = append(u.rank, 0)
	u.names = append(u.names, name)
	return i
}

func (u *unionFind) find(i int) int {
	for u.parent[i] != i {
		u.parent[i] = u.parent[u.parent[i]]
		i = u.parent[i]
	}
	return i
}

func (u *unionFind) union(a, b int) {
	ra, rb := u.find(a), u.find(b)
	if ra == rb {
		return
	}
	if u.rank[ra] < u.rank[rb] {
		ra, rb = rb, ra
	}
	u.parent[rb] = ra
	if u.rank[ra] == u.rank[rb] {
		u.rank[ra]++
	}
}

// groups returns the members of each set, in order of first element.
func (u *unionFind) groups() [][]int {
	idx := make(map[int]int)
	var out [][]int
	for i := range u.parent {
		r := u.find(i)
		g, ok := idx[r]
		if !ok {
			g = len(out)
			idx[r] = g
			out = append(out, nil)
		}
		out[g] = append(out[g], i)
	}
	return out
}

// uniqueNames resolves clashes between generated net names: the second
// net that wants "GND" becomes "GND_2", and so on. want is in the order
// nets should claim names.
func uniqueNames(want []string) []string {
	used := make(map[string]bool, len(want))
	out := make([]string, len(want))
	for i, w := range want {
		name := w
		for k := 2; used[name]; k++ {
			name = w + "_" + strconv.Itoa(k)
		}
		used[name] = true
		out[i] = name
	}
	return out
}
