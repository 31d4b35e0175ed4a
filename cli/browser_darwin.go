package cli

// platformOpener opens files with macOS's open(1), which hands an HTML
// file to the default browser.
func platformOpener(_ func(string) string, path string) (string, []string, string) {
	return "open", []string{path}, ""
}
