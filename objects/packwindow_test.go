package objects

import "testing"

// TestPackWindowFitsMemory: the delta window narrows so that its objects
// fit in CacheBytes, never below one neighbour, and the cache shrinks to
// one window.
func TestPackWindowFitsMemory(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct {
		name      string
		asked     int
		cache     int64
		largest   int64 // largest blob
		commit    int64 // a commit larger than every blob: not deltified, so not counted
		wantW     int
		wantLimit int64
	}{
		{"small objects keep the asked window", 0, 12 * mib, 10 << 10, 0, DefaultPackWindow, 11 * 10 << 10},
		{"1.4 MB objects in 12 MiB", 0, 12 * mib, 1400 << 10, 0, 7, 8 * 1400 << 10},
		{"a bigger window asked, narrowed", 50, 12 * mib, 1 * mib, 0, 11, 12 * mib},
		{"objects larger than the budget: one neighbour", 0, 12 * mib, 40 * mib, 0, 2, 12 * mib},
		{"commits do not count", 0, 12 * mib, 10 << 10, 100 * mib, DefaultPackWindow, 11 * 10 << 10},
		{"no deltas asked", -1, 12 * mib, 1 * mib, 0, 0, 12 * mib},
	} {
		p := &packSource{limit: tc.cache, meta: map[Hash]objMeta{
			{1}: {BlobObject, tc.largest},
			{2}: {BlobObject, tc.largest / 2},
			{3}: {CommitObject, tc.commit},
		}}
		if w := p.window(tc.asked); w != tc.wantW || p.limit != tc.wantLimit {
			t.Errorf("%s: window %d, cache %d; want %d, %d", tc.name, w, p.limit, tc.wantW, tc.wantLimit)
		}
	}
}
