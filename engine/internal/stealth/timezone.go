package stealth

import (
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/text/language"
)

// Timezone is the zone a stealth browser reports: the session's, else
// the server's. A server on UTC, as most are, would give the browser away,
// since few people's computers use UTC; then the browser takes the main zone
// of its locale's region (en-US when no locale is set: America/New_York).
func Timezone(timezone, locale string) string {
	if timezone != "" {
		return timezone
	}
	if zone := serverTimezone(); !isUTC(zone) {
		return zone
	}
	return regionTimezone(locale)
}

// serverTimezone is the zone Chromium would take from the server: TZ, else
// the zone /etc/localtime links to, else UTC.
func serverTimezone() string {
	if tz, ok := os.LookupEnv("TZ"); ok {
		return strings.TrimPrefix(tz, ":")
	}
	if link, err := os.Readlink("/etc/localtime"); err == nil {
		if _, zone, ok := strings.Cut(link, "zoneinfo/"); ok {
			return zone
		}
	}
	if raw, err := os.ReadFile("/etc/timezone"); err == nil {
		return strings.TrimSpace(string(raw))
	}
	return "UTC"
}

// isUTC tells the zone names that mean UTC itself, as opposed to a place
// that happens to be at offset zero, such as Europe/London in winter.
func isUTC(zone string) bool {
	switch strings.TrimPrefix(filepath.Clean("/"+zone), "/") {
	case "", ".", "UTC", "UCT", "GMT", "GMT0", "Universal", "Zulu", "Greenwich",
		"Etc/UTC", "Etc/UCT", "Etc/GMT", "Etc/GMT0", "Etc/GMT+0", "Etc/GMT-0", "Etc/Universal", "Etc/Zulu", "Etc/Greenwich":
		return true
	}
	return false
}

// regionZones holds the main zone of the regions whose locales are common.
var regionZones = map[string]string{
	"US": "America/New_York", "CA": "America/Toronto", "MX": "America/Mexico_City", "BR": "America/Sao_Paulo",
	"AR": "America/Argentina/Buenos_Aires", "GB": "Europe/London", "IE": "Europe/Dublin", "DE": "Europe/Berlin",
	"AT": "Europe/Vienna", "CH": "Europe/Zurich", "FR": "Europe/Paris", "BE": "Europe/Brussels", "NL": "Europe/Amsterdam",
	"ES": "Europe/Madrid", "PT": "Europe/Lisbon", "IT": "Europe/Rome", "PL": "Europe/Warsaw", "CZ": "Europe/Prague",
	"SE": "Europe/Stockholm", "NO": "Europe/Oslo", "DK": "Europe/Copenhagen", "FI": "Europe/Helsinki",
	"GR": "Europe/Athens", "TR": "Europe/Istanbul", "RU": "Europe/Moscow", "UA": "Europe/Kyiv", "IL": "Asia/Jerusalem",
	"IN": "Asia/Kolkata", "CN": "Asia/Shanghai", "HK": "Asia/Hong_Kong", "TW": "Asia/Taipei", "JP": "Asia/Tokyo",
	"KR": "Asia/Seoul", "SG": "Asia/Singapore", "ID": "Asia/Jakarta", "TH": "Asia/Bangkok", "VN": "Asia/Ho_Chi_Minh",
	"AU": "Australia/Sydney", "NZ": "Pacific/Auckland", "ZA": "Africa/Johannesburg",
}

// regionTimezone is the main zone of the locale's region, or of the United
// States for a locale without one the table knows.
func regionTimezone(locale string) string {
	if tag, err := language.Parse(locale); err == nil {
		if region, _ := tag.Region(); regionZones[region.String()] != "" {
			return regionZones[region.String()]
		}
	}
	return regionZones["US"]
}
