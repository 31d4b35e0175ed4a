//go:build !darwin && !windows

package cli

import "os/exec"

// platformOpener opens files with xdg-open, the freedesktop.org way to
// reach the default browser on Linux and the BSDs. Without a graphical
// session (no DISPLAY or WAYLAND_DISPLAY, as over ssh or in CI) there is
// no browser to show a page.
func platformOpener(getenv func(string) string, path string) (string, []string, string) {
	if getenv("DISPLAY") == "" && getenv("WAYLAND_DISPLAY") == "" {
		return "", nil, "no graphical session: DISPLAY and WAYLAND_DISPLAY are unset; set BROWSER to choose a browser"
	}
	if _, err := exec.LookPath("xdg-open"); err != nil {
		return "", nil, "xdg-open not found; set BROWSER to choose a browser"
	}
	return "xdg-open", []string{path}, ""
}
