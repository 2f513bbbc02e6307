package engine

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"
)

// DefaultAdLists are the filter lists a session with blockAds uses unless
// the operator names others (BLOCK_ADS_LISTS): EasyList and EasyPrivacy as
// Debian's uBlock Origin package ships them, which scripts/setup.sh puts
// here (and `scripts/setup.sh --update-ad-lists` refreshes).
var DefaultAdLists = []string{
	"/usr/local/share/sessionql/adlists/easylist.txt",
	"/usr/local/share/sessionql/adlists/easyprivacy.txt",
}

// adHosts is the set of hosts that the filter lists block as a whole. The
// egress proxy sees a host name for every connection (the path only for plain
// http), so host rules are the part of a list it can apply to every request
// of every page, for BrowserQL and CDP clients alike.
type adHosts struct {
	blocked map[string]bool // host → blocked (false: an exception unblocks it)
	read    map[string]time.Time
}

// hostRule is an Adblock Plus rule that names a whole host: "||ads.example^",
// optionally with options, or its exception "@@||ads.example^".
var hostRule = regexp.MustCompile(`^(@@)?\|\|([a-z0-9][a-z0-9.-]*[a-z0-9])\^(?:\$([a-z0-9,-]+))?$`)

// hostWide are the options under which a host rule still blocks a host's
// subresources as a whole: third-party and resource types. Rules limited to
// some sites (domain=), to popups or documents, or negated ones are left
// out, as a proxy that sees only the host cannot tell those apart.
var hostWide = map[string]bool{"third-party": true, "3p": true, "script": true, "image": true, "xmlhttprequest": true,
	"subdocument": true, "media": true, "object": true, "stylesheet": true, "font": true, "ping": true, "websocket": true, "other": true}

// wholeHost reports whether a rule's options keep it a rule for the host.
func wholeHost(options string) bool {
	if options == "" {
		return true
	}
	for _, o := range strings.Split(options, ",") {
		if !hostWide[o] {
			return false
		}
	}
	return true
}

// blocks reports whether host or a domain above it is blocked.
func (a *adHosts) blocks(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for {
		if blocked, ok := a.blocked[host]; ok {
			return blocked
		}
		i := strings.IndexByte(host, '.')
		if i < 0 {
			return false
		}
		host = host[i+1:]
	}
}

// readAdLists reads the host rules of the lists; a list that cannot be read
// is an error that says what to install or set.
func readAdLists(paths []string) (*adHosts, error) {
	a := &adHosts{blocked: map[string]bool{}, read: map[string]time.Time{}}
	for _, p := range paths {
		if err := a.readList(p); err != nil {
			return nil, fmt.Errorf("blockAds needs its filter list %s (run scripts/setup.sh, which fetches EasyList and EasyPrivacy, or set BLOCK_ADS_LISTS): %w", p, err)
		}
	}
	if len(a.blocked) == 0 {
		return nil, errors.New("blockAds: the filter lists hold no host rules (BLOCK_ADS_LISTS)")
	}
	return a, nil
}

func (a *adHosts) readList(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	a.read[path] = info.ModTime()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		m := hostRule.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if m == nil || !wholeHost(m[3]) {
			continue
		}
		if m[1] == "" && !a.excepted(m[2]) {
			a.blocked[m[2]] = true
		} else if m[1] != "" && m[3] == "" {
			a.blocked[m[2]] = false
		}
	}
	return sc.Err()
}

// excepted reports whether an exception for host was read already.
func (a *adHosts) excepted(host string) bool {
	blocked, ok := a.blocked[host]
	return ok && !blocked
}

// stale reports whether a list changed on disk since it was read.
func (a *adHosts) stale(paths []string) bool {
	if len(paths) != len(a.read) {
		return true
	}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil || !info.ModTime().Equal(a.read[p]) {
			return true
		}
	}
	return false
}

// adLists holds the lists read last: every blockAds browser shares them,
// and a launch after a list changed on disk reads it again, so an updated
// list needs no restart.
var adLists struct {
	sync.Mutex
	hosts *adHosts
}

// loadAdLists returns the host rules of paths, read again if they changed.
func loadAdLists(paths []string) (*adHosts, error) {
	if len(paths) == 0 {
		paths = DefaultAdLists
	}
	adLists.Lock()
	defer adLists.Unlock()
	if adLists.hosts == nil || adLists.hosts.stale(paths) {
		h, err := readAdLists(paths)
		if err != nil {
			return nil, err
		}
		adLists.hosts = h
	}
	return adLists.hosts, nil
}
