package stealth

import "fmt"

// Flags hide what pages use to tell automation apart: navigator.webdriver,
// and headless's 800×600 screen with the window placed off its edge; the
// screen is the window's width and height. The rest of a stealth browser's
// identity is set per target; see Client.
func Flags(width, height int, headless bool) []string {
	f := []string{"--disable-blink-features=AutomationControlled", "--window-position=0,0"}
	if headless {
		f = append(f, fmt.Sprintf("--screen-info={0,0 %dx%d}", width, height))
	}
	return f
}
