package stealth

import (
	"fmt"
	"testing"
)

// learnedLinux is what Chromium 156 headless on Linux reports.
var learnedLinux = UA{
	UserAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36",
	Platform:  "Linux x86_64",
	UserAgentMetadata: &UAMetadata{
		Brands:          []Brand{{"Not:A-Brand", "8"}, {"Chromium", "156"}, {"HeadlessChrome", "156"}},
		FullVersionList: []Brand{{"Not:A-Brand", "8.0.0.0"}, {"Chromium", "156.0.8078.79"}},
		FullVersion:     "156.0.8078.79", Platform: "Linux", Architecture: "x86", Bitness: "64",
	},
}

func TestWithoutHeadless(t *testing.T) {
	u := learnedLinux.WithoutHeadless()
	if u.UserAgent != "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36" {
		t.Errorf("user agent %q", u.UserAgent)
	}
	if len(u.UserAgentMetadata.Brands) != 2 || u.UserAgentMetadata.Brands[1].Brand != "Chromium" {
		t.Errorf("brands %v", u.UserAgentMetadata.Brands)
	}
	if len(learnedLinux.UserAgentMetadata.Brands) != 3 {
		t.Error("withoutHeadless changed the learned brands")
	}
}

func TestUserAgentOf(t *testing.T) {
	for _, c := range []struct {
		ua, navigator, platform, major, full string
		mobile                               bool
	}{
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Win32", "Windows", "131", "131.0.0.0", false},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.6668.71 Safari/537.36", "MacIntel", "macOS", "129", "129.0.6668.71", false},
		{"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36", "Linux armv81", "Android", "130", "130.0.0.0", true},
		{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Safari/537.36", "Linux x86_64", "Linux", "120", "120.0.0.0", false},
		{"curl/8.0", "Linux x86_64", "Linux", "156", "156.0.8078.79", false},
	} {
		u := learnedLinux.WithoutHeadless().As(c.ua)
		m := u.UserAgentMetadata
		if u.UserAgent != c.ua || u.Platform != c.navigator || m.Platform != c.platform || m.Mobile != c.mobile {
			t.Errorf("%s: platform %q/%q mobile %v", c.ua, u.Platform, m.Platform, m.Mobile)
		}
		if versionOf(m.Brands, "Chromium") != c.major || versionOf(m.FullVersionList, "Chromium") != c.full || m.FullVersion != c.full || len(m.Brands) != 2 {
			t.Errorf("%s: brands %v, full versions %v %s", c.ua, m.Brands, m.FullVersionList, m.FullVersion)
		}
	}
}

// TestBrandLists checks the brand lists made for a version against those
// Chromium 156 sent, and Chrome's: its brand added, in the order of its
// major version.
func TestBrandLists(t *testing.T) {
	b, f := brandLists(156, "156.0.8078.79", "")
	if fmt.Sprint(b) != fmt.Sprint(learnedLinux.UserAgentMetadata.Brands[:2]) || fmt.Sprint(f) != fmt.Sprint(learnedLinux.UserAgentMetadata.FullVersionList) {
		t.Errorf("Chromium 156: %v %v", b, f)
	}
	u := learnedLinux.WithoutHeadless().AsChrome()
	if got := fmt.Sprint(u.UserAgentMetadata.Brands); got != "[{Not:A-Brand 8} {Chromium 156} {Google Chrome 156}]" {
		t.Errorf("Chrome 156 brands %s", got)
	}
	if got := fmt.Sprint(u.UserAgentMetadata.FullVersionList); got != "[{Not:A-Brand 8.0.0.0} {Chromium 156.0.8078.79} {Google Chrome 156.0.8078.79}]" {
		t.Errorf("Chrome 156 full versions %s", got)
	}
	if u.AsChrome().UserAgentMetadata != u.UserAgentMetadata {
		t.Error("AsChrome changed Chrome's brands")
	}
	// Chrome 131: 131 % 6 = 5, the order {2, 1, 0}; GREASE "Not_A Brand" 24
	c := u.As("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.85 Safari/537.36")
	if got := fmt.Sprint(c.UserAgentMetadata.Brands); got != "[{Google Chrome 131} {Chromium 131} {Not_A Brand 24}]" {
		t.Errorf("Chrome 131 brands %s", got)
	}
}

func versionOf(brands []Brand, name string) string {
	for _, b := range brands {
		if b.Brand == name {
			return b.Version
		}
	}
	return ""
}

func TestAcceptLanguage(t *testing.T) {
	for locale, want := range map[string]string{"de-DE": "de-DE,de", "en": "en", "zh-Hant-TW": "zh-Hant-TW,zh", "": ""} {
		if got := learnedLinux.WithLocale(locale).AcceptLanguage; got != want {
			t.Errorf("%q: Accept-Language %q, want %q", locale, got, want)
		}
	}
}

func TestStealthTimezone(t *testing.T) {
	for _, c := range []struct{ tz, serverTZ, locale, want string }{
		{"Asia/Tokyo", "Europe/Paris", "", "Asia/Tokyo"},
		{"", "Europe/Paris", "de-DE", "Europe/Paris"},
		{"", "UTC", "de-DE", "Europe/Berlin"},
		{"", "Etc/UTC", "", "America/New_York"},
		{"", ":UTC", "fr", "Europe/Paris"},
		{"", "Etc/GMT", "xx-ZZ", "America/New_York"},
		{"", "Europe/London", "", "Europe/London"},
		{"UTC", "Europe/Paris", "", "UTC"},
	} {
		t.Setenv("TZ", c.serverTZ)
		if got := Timezone(c.tz, c.locale); got != c.want {
			t.Errorf("session %q, server %q, locale %q: %q, want %q", c.tz, c.serverTZ, c.locale, got, c.want)
		}
	}
}
