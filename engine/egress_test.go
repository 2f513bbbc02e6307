package engine

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/sessionql/sessionql"
	"github.com/sessionql/sessionql/internal/testutil"
)

func TestPrivateAddr(t *testing.T) {
	for addr, private := range map[string]bool{
		"127.0.0.1": true, "10.1.2.3": true, "172.16.0.1": true, "192.168.1.1": true, "169.254.169.254": true,
		"100.64.0.1": true, "0.0.0.0": true, "::1": true, "fe80::1": true, "fc00::1": true, "::ffff:127.0.0.1": true,
		"::": true, "64:ff9b::a9fe:a9fe": true, "224.0.0.1": true,
		"93.184.216.34": false, "8.8.8.8": false, "2606:4700::1111": false,
	} {
		if got := privateAddr(netip.MustParseAddr(addr)); got != private {
			t.Errorf("privateAddr(%s) = %v, want %v", addr, got, private)
		}
	}
}

// TestBlockPrivateNetworks loads pages of a server on loopback: refused
// with a message naming the setting when BLOCK_PRIVATE_NETWORKS is on, over
// HTTP and through a CONNECT tunnel, and loaded when it is off.
func TestBlockPrivateNetworks(t *testing.T) {
	srv := testutil.ServePages(t)
	tls := httptest.NewTLSServer(http.NotFoundHandler())
	defer tls.Close()
	ctx := context.Background()

	_, p := launchOwn(t, LaunchOptions{BlockPrivate: true})
	for _, url := range []string{srv.URL + "/local.html", strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) + "/local.html"} {
		res, err := p.Goto(ctx, url, Load, 10*time.Second)
		if err != nil || res.Status != http.StatusForbidden {
			t.Fatalf("%s: %+v, %v; want the proxy's 403", url, res, err)
		}
		text, err := p.Evaluate(ctx, "document.body.innerText", 5*time.Second)
		if err != nil || !strings.Contains(*text, "BLOCK_PRIVATE_NETWORKS") {
			t.Errorf("%s: the page says %q (%v); want the reason, naming BLOCK_PRIVATE_NETWORKS", url, deref(text), err)
		}
	}
	if _, err := p.Goto(ctx, tls.URL, Load, 10*time.Second); err == nil {
		t.Errorf("an https: page on loopback loaded through the tunnel")
	} else {
		wantCode(t, err, sessionql.CodeNavigationFailed)
	}

	open := newPage(t)
	if res, err := open.Goto(ctx, srv.URL+"/local.html", Load, 10*time.Second); err != nil || res.Status != 200 {
		t.Errorf("without BLOCK_PRIVATE_NETWORKS: %+v, %v; want 200", res, err)
	}
}

// TestBlockPrivateNetworksChecksTheSessionsProxy gives a session a proxy on
// loopback: the egress proxy chains through it and refuses, as the proxy's
// own address is private.
func TestBlockPrivateNetworksChecksTheSessionsProxy(t *testing.T) {
	upstream := testutil.ServePages(t)
	_, p := launchOwn(t, LaunchOptions{BlockPrivate: true, Proxy: upstream.URL})
	ctx := context.Background()
	res, err := p.Goto(ctx, "http://example.com/", Load, 10*time.Second)
	if err != nil || res.Status != http.StatusForbidden {
		t.Fatalf("%+v, %v; want the egress proxy's 403", res, err)
	}
	text, err := p.Evaluate(ctx, "document.body.innerText", 5*time.Second)
	if err != nil || !strings.Contains(*text, "session's proxy") || !strings.Contains(*text, "BLOCK_PRIVATE_NETWORKS") {
		t.Errorf("the page says %v (%v); want the reason, naming the session's proxy and BLOCK_PRIVATE_NETWORKS", deref(text), err)
	}
	if _, err := p.Goto(ctx, "https://example.com/", Load, 10*time.Second); err == nil {
		t.Errorf("an https: page loaded through a private session proxy")
	}
}
