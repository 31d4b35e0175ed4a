package cli

// platformOpener opens files through the shell's file associations,
// which hand an HTML file to the default browser. rundll32 with
// FileProtocolHandler takes the path as one argument, unlike "cmd /c
// start", which would read characters such as & in it.
func platformOpener(_ func(string) string, path string) (string, []string, string) {
	return "rundll32", []string{"url.dll,FileProtocolHandler", path}, ""
}
