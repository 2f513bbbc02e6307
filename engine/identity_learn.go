package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/sessionql/sessionql/engine/internal/stealth"
)

// learnTimeout bounds reading the user agent in the short-lived browser.
const learnTimeout = 20 * time.Second

// secureBlankURL is where the engine reads the user agent: 127.0.0.1 is a
// secure context, as navigator.userAgentData needs, and the engine serves
// the document itself, so nothing listens there.
const secureBlankURL = "http://127.0.0.1/"

// learned caches, per Chromium binary, the user agent its pages see.
var learned = struct {
	sync.Mutex
	byPath map[string]stealth.UA
}{byPath: map[string]stealth.UA{}}

// browserUA returns the user agent and client hints that pages of the binary
// at execPath see, learned once per server process from a short-lived
// browser: only the same build gives the exact GREASE brand and full
// version. dir is a folder for the short-lived browser's files, removed
// after; its path is no longer than a launch's temp dir, as Chromium's
// socket paths under it must stay short. The launch being prepared, ready,
// bounds the learning, so a binary that never answers fails it in time.
func browserUA(ready LaunchOptions, execPath, dir string) (stealth.UA, error) {
	learned.Lock()
	defer learned.Unlock()
	if u, ok := learned.byPath[execPath]; ok {
		return u, nil
	}
	u, err := learnUA(ready, execPath, dir)
	if err != nil {
		return stealth.UA{}, fmt.Errorf("learn the browser's user agent: %w", err)
	}
	learned.byPath[execPath] = *u
	return *u, nil
}

func learnUA(ready LaunchOptions, execPath, dir string) (*stealth.UA, error) {
	ctx, cancel := ready.readyContext()
	defer cancel()
	b, err := LaunchContext(ctx, LaunchOptions{ExecPath: execPath, ProfileDir: filepath.Join(dir, "p"), TempDir: dir, Headless: true})
	if err != nil {
		return nil, err
	}
	defer b.Close()
	p, err := b.OpenPageContext(ctx)
	if err != nil {
		return nil, err
	}
	defer p.Close()
	return p.readUA(ctx)
}

// uaScript gives, as JSON, what a page can learn of the browser's user agent.
const uaScript = `(async () => JSON.stringify({
	userAgent: navigator.userAgent,
	platform: navigator.platform,
	userAgentMetadata: await navigator.userAgentData.getHighEntropyValues(["architecture", "bitness", "brands",
		"formFactors", "fullVersionList", "mobile", "model", "platform", "platformVersion", "uaFullVersion", "wow64"]),
}))()`

// readUA opens a blank document at a secure origin and reads the user agent
// there; on about:blank, navigator.userAgentData does not exist.
func (p *Page) readUA(launch context.Context) (*stealth.UA, error) {
	ctx, cancel := p.step(launch, learnTimeout)
	defer cancel()
	stop, err := p.serveBlank(ctx)
	if err != nil {
		return nil, err
	}
	defer stop()
	if err := navigateSettled(ctx, secureBlankURL); err != nil {
		return nil, err
	}
	res, exc, err := p.evaluate(ctx, uaScript)
	if err != nil {
		return nil, err
	}
	if exc != nil {
		return nil, errors.New(exceptionMessage(exc))
	}
	return decodeUA(resultValue(res))
}

func decodeUA(raw *string) (*stealth.UA, error) {
	var v struct {
		stealth.UA
		UserAgentMetadata struct {
			stealth.UAMetadata
			UAFullVersion string `json:"uaFullVersion"`
		} `json:"userAgentMetadata"`
	}
	if raw == nil || json.Unmarshal([]byte(*raw), &v) != nil || v.UserAgent == "" {
		return nil, fmt.Errorf("unexpected answer %v", raw)
	}
	m := v.UserAgentMetadata.UAMetadata
	m.FullVersion = v.UserAgentMetadata.UAFullVersion
	u := v.UA
	u.UserAgentMetadata = &m
	return &u, nil
}
