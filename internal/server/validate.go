package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"
)

func (c *Config) validate() error {
	if c.MaxBrowsers < 1 || c.MaxSessions < 1 || c.Queue < 0 || c.IdleTimeout <= 0 || c.QueueTimeout <= 0 || c.MaxTTL <= 0 || c.BodyTimeout <= 0 {
		return errors.New("max-browsers and max-sessions must be at least 1, queue at least 0, and the durations positive")
	}
	if c.MaxAnswerBytes < 1<<20 || c.MaxStateBytes < 64<<10 || c.MaxTabs < 1 {
		return errors.New("max-answer-bytes must be at least 1048576, max-state-bytes at least 65536 and max-tabs at least 1")
	}
	if c.MaxDownloadBytes < 1 || c.MaxUploadBytes < 1 {
		return errors.New("max-download-bytes and max-upload-bytes must be at least 1")
	}
	if !slices.Contains([]string{"text", "json"}, c.LogFormat) {
		return fmt.Errorf("LOG_FORMAT must be text or json, not %q", c.LogFormat)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return fmt.Errorf("LOG_LEVEL must be debug, info, warn or error, not %q", c.LogLevel)
	}
	if err := c.readAdLists(); err != nil {
		return err
	}
	if err := c.validateSecurity(); err != nil {
		return err
	}
	if err := c.readAdLists(); err != nil {
		return err
	}
	if err := c.validateCluster(); err != nil {
		return err
	}
	if c.Token == "" && !c.Insecure && !loopback(c.Addr) {
		return fmt.Errorf("refusing to listen on %s without a token: set --token, or --insecure if you mean it", c.Addr)
	}
	if c.Chrome == "" {
		c.Chrome = findChrome()
	}
	if c.Chrome == "" {
		return errors.New("no Chromium found on PATH (chromium, chromium-browser, google-chrome): install it (Debian: apt-get install chromium) or set CHROME_PATH")
	}
	return nil
}

func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func findChrome() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// readAdLists checks that the filter lists BLOCK_ADS_LISTS names exist.
func (c *Config) readAdLists() error {
	for _, p := range strings.Split(c.adLists, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("BLOCK_ADS_LISTS: %w", err)
		}
		c.AdLists = append(c.AdLists, p)
	}
	return nil
}

// validateCluster checks the settings of cluster mode (NODE_URL).
func (c *Config) validateCluster() error {
	if c.NodeURL == "" {
		return nil
	}
	if c.DatabaseURL == "" || c.ProfileStore == "" {
		return errors.New("NODE_URL (cluster mode) needs DATABASE_URL and PROFILE_STORE: nodes share sessions through them")
	}
	u, err := url.Parse(c.NodeURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
		return fmt.Errorf("NODE_URL must be the http(s)://host:port other nodes reach this one at, not %q", c.NodeURL)
	}
	if c.NodeLease < time.Second {
		return fmt.Errorf("NODE_LEASE must be at least 1s, not %s", c.NodeLease)
	}
	return nil
}
