package stealth

import "fmt"

// ChromeHeight is the height of headless Chromium's browser chrome, its tab
// strip and toolbar: a page's innerHeight is the window's outerHeight less
// this (measured on Chromium 156; the width is the window's).
const ChromeHeight = 87

// taskbar is the height of the panel at the bottom of the screen that
// windows do not cover: the available area is the screen less it.
const taskbar = 40

// screens are common desktop screen sizes, smallest first; a stealth
// browser gets the first one whose available area holds its window.
var screens = [][2]int{
	{1366, 768}, {1440, 900}, {1536, 864}, {1600, 900}, {1680, 1050}, {1920, 1080},
	{1920, 1200}, {2560, 1440}, {2560, 1600}, {3440, 1440}, {3840, 2160},
}

// Desktop is where a stealth browser's window sits: a screen with a
// taskbar, and the window inside the rest.
type Desktop struct {
	ScreenWidth, ScreenHeight int // the screen; its available area is ScreenHeight-taskbar high
	X, Y                      int // the window's position on the screen
}

// Fits tells whether a window of the given outer size fits the available
// area of the desktop's screen.
func (d Desktop) Fits(width, height int) bool {
	return width <= d.ScreenWidth && height <= d.ScreenHeight-taskbar
}

// Centred is where a window of the given outer size sits, centred in the
// available area of the desktop's screen.
func (d Desktop) Centred(width, height int) (x, y int) {
	return (d.ScreenWidth - width) / 2, (d.ScreenHeight - taskbar - height) / 2
}

// DesktopFor places a window of the given outer size on the smallest
// common screen whose available area holds it, centred there. A window
// larger than every screen gets a screen of its width and its height plus
// the taskbar.
func DesktopFor(width, height int) Desktop {
	d := Desktop{ScreenWidth: width, ScreenHeight: height + taskbar}
	for _, s := range screens {
		if s[0] >= width && s[1]-taskbar >= height {
			d.ScreenWidth, d.ScreenHeight = s[0], s[1]
			break
		}
	}
	d.X, d.Y = d.Centred(width, height)
	return d
}

// Flags hide what pages use to tell automation apart: navigator.webdriver,
// and headless's 800×600 screen with the window placed off its edge. A
// headless window of the given outer size is placed on a desktop (see
// DesktopFor); a headed one keeps the real screen, at its corner. The rest
// of a stealth browser's identity is set per target; see Client.
func Flags(width, height int, headless bool) []string {
	f := []string{"--disable-blink-features=AutomationControlled"}
	if !headless {
		return append(f, "--window-position=0,0")
	}
	d := DesktopFor(width, height)
	return append(f, fmt.Sprintf("--window-position=%d,%d", d.X, d.Y),
		fmt.Sprintf("--screen-info={0,0 %dx%d workAreaBottom=%d}", d.ScreenWidth, d.ScreenHeight, taskbar))
}
