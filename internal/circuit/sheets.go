package circuit

import "sort"

// SheetChange is a sheet instance that shows another file.
type SheetChange struct{ Path, OldFile, NewFile string }

// diffSheets compares the sheet instances of two circuits by path.
func diffSheets(d *Delta, old, new []Sheet) {
	if len(old) == 0 && len(new) == 0 {
		return
	}
	was := make(map[string]string, len(old))
	for _, s := range old {
		was[s.Path] = s.File
	}
	is := make(map[string]bool, len(new))
	for _, s := range new {
		is[s.Path] = true
		f, ok := was[s.Path]
		switch {
		case !ok:
			d.SheetsAdded = append(d.SheetsAdded, s)
		case f != s.File:
			d.SheetsChanged = append(d.SheetsChanged, SheetChange{Path: s.Path, OldFile: f, NewFile: s.File})
		}
	}
	for _, s := range old {
		if !is[s.Path] {
			d.SheetsRemoved = append(d.SheetsRemoved, s)
		}
	}
	bySheetPath := func(list []Sheet) {
		sort.SliceStable(list, func(i, j int) bool { return naturalLess(list[i].Path, list[j].Path) })
	}
	bySheetPath(d.SheetsAdded)
	bySheetPath(d.SheetsRemoved)
	sort.SliceStable(d.SheetsChanged, func(i, j int) bool { return naturalLess(d.SheetsChanged[i].Path, d.SheetsChanged[j].Path) })
}

type sheetSectionJSON struct {
	Added   []sheetJSON       `json:"added"`
	Removed []sheetJSON       `json:"removed"`
	Changed []sheetChangeJSON `json:"changed"`
}

type sheetJSON struct {
	Path string `json:"path"`
	File string `json:"file"`
}

type sheetChangeJSON struct {
	Path    string `json:"path"`
	OldFile string `json:"old_file"`
	NewFile string `json:"new_file"`
}

func sheetsJSON(d *Delta) sheetSectionJSON {
	out := sheetSectionJSON{Added: []sheetJSON{}, Removed: []sheetJSON{}, Changed: []sheetChangeJSON{}}
	for _, s := range d.SheetsAdded {
		out.Added = append(out.Added, sheetJSON(s))
	}
	for _, s := range d.SheetsRemoved {
		out.Removed = append(out.Removed, sheetJSON(s))
	}
	for _, s := range d.SheetsChanged {
		out.Changed = append(out.Changed, sheetChangeJSON(s))
	}
	return out
}
