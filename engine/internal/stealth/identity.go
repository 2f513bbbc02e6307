// Package stealth is what a stealth browser reports about itself and how
// it hides automation: the user agent and client hints without "Headless",
// the locale and a timezone that is not UTC (Identity), the launch flags
// (Flags), the identity client that gives every target its identity before
// it runs (Connect), and the runtime shim that answers a user's
// Runtime.enable without the browser (InstallRuntimeShim, a cdpmux hook).
package stealth

import (
	"regexp"
	"strconv"
	"strings"
)

// Identity is what every target of a browser reports about the browser: the
// user agent with its client hints, the locale and the timezone. The
// identity client gives it to each page, frame and worker before they run a
// script.
type Identity struct {
	UA       *UA    // nil keeps the browser's own user agent
	Locale   string // BCP 47; empty keeps the browser's own
	Timezone string // IANA; empty keeps the process's own (TZ)
}

// Empty tells whether the identity changes nothing, so that no client is needed.
func (id Identity) Empty() bool { return id.UA == nil && id.Locale == "" && id.Timezone == "" }

// UA holds the parameters of Emulation.setUserAgentOverride and
// Network.setUserAgentOverride.
type UA struct {
	UserAgent         string      `json:"userAgent"`
	AcceptLanguage    string      `json:"acceptLanguage,omitempty"`
	Platform          string      `json:"platform,omitempty"`
	UserAgentMetadata *UAMetadata `json:"userAgentMetadata,omitempty"`
}

// UAMetadata is what navigator.userAgentData and the Sec-CH-UA headers show.
// Without it Chromium sends no client hints at all, and the --user-agent flag
// alone empties the high-entropy ones, which is a tell.
type UAMetadata struct {
	Brands          []Brand  `json:"brands"`
	FullVersionList []Brand  `json:"fullVersionList"`
	FullVersion     string   `json:"fullVersion"`
	Platform        string   `json:"platform"`
	PlatformVersion string   `json:"platformVersion"`
	Architecture    string   `json:"architecture"`
	Model           string   `json:"model"`
	Mobile          bool     `json:"mobile"`
	Bitness         string   `json:"bitness"`
	Wow64           bool     `json:"wow64"`
	FormFactors     []string `json:"formFactors,omitempty"`
}

// Brand is one entry of a brand list.
type Brand struct {
	Brand   string `json:"brand"`
	Version string `json:"version"`
}

// WithLocale returns the override with the Accept-Language a browser set to
// locale sends: the locale, then its language (Chromium adds the q-values).
func (u UA) WithLocale(locale string) *UA {
	if locale != "" {
		u.AcceptLanguage = locale
		if lang, _, ok := strings.Cut(locale, "-"); ok {
			u.AcceptLanguage += "," + lang
		}
	}
	return &u
}

// WithoutHeadless is the browser's own user agent as a person's browser of
// the same build shows it: "HeadlessChrome" becomes "Chrome" and a brand
// that names headless mode is dropped.
func (u UA) WithoutHeadless() *UA {
	u.UserAgent = strings.ReplaceAll(u.UserAgent, "HeadlessChrome", "Chrome")
	if m := u.UserAgentMetadata; m != nil {
		c := *m
		c.Brands, c.FullVersionList = dropHeadless(m.Brands), dropHeadless(m.FullVersionList)
		u.UserAgentMetadata = &c
	}
	return &u
}

func dropHeadless(in []Brand) []Brand {
	var out []Brand
	for _, b := range in {
		if !strings.Contains(strings.ToLower(b.Brand), "headless") {
			out = append(out, b)
		}
	}
	return out
}

// chromeVersion finds the Chrome version in a user agent string.
var chromeVersion = regexp.MustCompile(`(?:Chrome|Chromium|CriOS)/(\d+)((?:\.\d+){0,3})`)

// As makes the override report a user agent string the user chose. The
// client hints follow the string, so they do not contradict it: the brand
// versions take its Chrome version and the platform its operating system.
// A string that names no Chrome version keeps the browser's own brands.
func (u UA) As(userAgent string) *UA {
	u.UserAgent = userAgent
	if u.UserAgentMetadata == nil {
		return &u
	}
	m := *u.UserAgentMetadata
	if v := chromeVersion.FindStringSubmatch(userAgent); v != nil {
		full := v[1] + v[2] + strings.Repeat(".0", 3-strings.Count(v[2], "."))
		major, _ := strconv.Atoi(v[1])
		m.Brands, m.FullVersionList = brandLists(major, full, productOf(m.Brands))
		m.FullVersion = full
	}
	if p, ok := platformOf(userAgent); ok {
		u.Platform = p.navigator
		m.Platform, m.PlatformVersion, m.Architecture, m.Bitness, m.Mobile = p.name, p.version, p.arch, p.bitness, p.mobile
		m.FormFactors = p.formFactors
	}
	u.UserAgentMetadata = &m
	return &u
}

// GoogleChrome is the brand that Google Chrome adds to Chromium's.
const GoogleChrome = "Google Chrome"

// AsChrome makes the client hints those of Google Chrome of the same
// version: Chromium's brands plus "Google Chrome", in the order and with
// the GREASE brand that Chrome of that major version sends. The user agent
// string of both is the same.
func (u UA) AsChrome() *UA {
	m := u.UserAgentMetadata
	if m == nil || productOf(m.Brands) == GoogleChrome {
		return &u
	}
	major, full := 0, m.FullVersion
	for _, b := range m.Brands {
		if b.Brand == "Chromium" {
			major, _ = strconv.Atoi(b.Version)
		}
	}
	if major == 0 {
		return &u
	}
	if full == "" {
		full = strconv.Itoa(major) + ".0.0.0"
	}
	c := *m
	c.Brands, c.FullVersionList = brandLists(major, full, GoogleChrome)
	u.UserAgentMetadata = &c
	return &u
}

// productOf names the brand a list has besides Chromium and GREASE
// ("Google Chrome"), or "" for Chromium itself.
func productOf(brands []Brand) string {
	for _, b := range brands {
		if b.Brand != "Chromium" && !isGrease(b.Brand) {
			return b.Brand
		}
	}
	return ""
}

var grease = regexp.MustCompile(`(?i)not.?a.?brand`)

func isGrease(brand string) bool { return grease.MatchString(brand) }

// greasyChars and greasedVersions make the GREASE brand of a major
// version, as Chromium's user agent code does (user_agent_utils.cc).
var (
	greasyChars     = []string{" ", "(", ":", "-", ".", "/", ")", ";", "=", "?", "_"}
	greasedVersions = []string{"8", "99", "24"}
)

// brandLists are the brands and the full version list that Chromium of a
// major version generates: GREASE, Chromium and the product's own brand
// (none for Chromium), shuffled by an order the major version picks.
func brandLists(major int, full, product string) (brands, fullList []Brand) {
	name := "Not" + greasyChars[major%len(greasyChars)] + "A" + greasyChars[(major+1)%len(greasyChars)] + "Brand"
	v := greasedVersions[major%len(greasedVersions)]
	brands = []Brand{{name, v}, {"Chromium", strconv.Itoa(major)}}
	fullList = []Brand{{name, v + ".0.0.0"}, {"Chromium", full}}
	if product != "" {
		brands = append(brands, Brand{product, strconv.Itoa(major)})
		fullList = append(fullList, Brand{product, full})
	}
	return shuffled(brands, major), shuffled(fullList, major)
}

// shuffled places brand i at order[i], the order of Chromium's
// GetRandomOrder for two or three brands.
func shuffled(in []Brand, seed int) []Brand {
	order := []int{seed % 2, (seed + 1) % 2}
	if len(in) == 3 {
		order = [][]int{{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}}[seed%6]
	}
	out := make([]Brand, len(in))
	for i, b := range in {
		out[order[i]] = b
	}
	return out
}

// platform is how one operating system shows in navigator.platform and in
// the client hints.
type platform struct {
	navigator, name, version, arch, bitness string
	mobile                                  bool
	formFactors                             []string
}

// platforms are matched in order against a user agent string; the first
// whose token it contains wins. Versions are those of current releases.
var platforms = []struct {
	token string
	platform
}{
	{"Android", platform{"Linux armv81", "Android", "14.0.0", "", "", true, []string{"Mobile"}}},
	{"CrOS", platform{"Linux x86_64", "Chrome OS", "16002.0.0", "x86", "64", false, []string{"Desktop"}}},
	{"Windows", platform{"Win32", "Windows", "10.0.0", "x86", "64", false, []string{"Desktop"}}},
	{"Macintosh", platform{"MacIntel", "macOS", "14.5.0", "arm", "64", false, []string{"Desktop"}}},
	{"Linux", platform{"Linux x86_64", "Linux", "", "x86", "64", false, []string{"Desktop"}}},
}

func platformOf(userAgent string) (platform, bool) {
	for _, p := range platforms {
		if strings.Contains(userAgent, p.token) {
			if p.name == "Android" && !strings.Contains(userAgent, "Mobile") {
				p.mobile, p.formFactors = false, []string{"Tablet"}
			}
			return p.platform, true
		}
	}
	return platform{}, false
}
