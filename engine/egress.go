package engine

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"
)

// egress is the proxy a browser goes through when its traffic needs checks
// the browser cannot make: BLOCK_PRIVATE_NETWORKS, blockAds, or a session
// proxy with credentials. It dials every host itself. With
// BLOCK_PRIVATE_NETWORKS it refuses private, loopback and link-local
// addresses by the IP it is about to connect to, after DNS, so that a name
// that resolves to an inside address (DNS rebinding included) is no way in;
// with blockAds it refuses the hosts of the filter lists. It listens on
// loopback for its one browser and ends with it.
type egress struct {
	ln        net.Listener
	srv       *http.Server
	dialer    *net.Dialer
	transport *http.Transport
	route     egressRoute

	mu      sync.Mutex
	tunnels map[net.Conn]bool
	closed  bool
	wg      sync.WaitGroup // the tunnels' copy loops
}

// blockPrivateSetting is the operator's setting that turns the egress on.
const blockPrivateSetting = "BLOCK_PRIVATE_NETWORKS"

// errPrivate is why a connection was refused.
var errPrivate = errors.New("the address is private, loopback or link-local, which this server refuses (" + blockPrivateSetting + "=true)")

// nonPublic are the ranges net/netip has no predicate for: shared address
// space (RFC 6598), "this network", IPv4 mapped into NAT64, and 6to4 and
// Teredo, which embed IPv4 addresses.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("100.64.0.0/10"), netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("192.0.0.0/24"), netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("64:ff9b::/96"), netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("2002::/16"), netip.MustParsePrefix("2001::/32"),
}

// privateAddr reports whether a session may not connect to ip.
func privateAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() || !ip.IsValid() {
		return true
	}
	for _, p := range nonPublic {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// refusePrivate is the dialer's check, run on the address after DNS.
func refusePrivate(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil || privateAddr(ap.Addr()) {
		return errPrivate
	}
	return nil
}

// startEgress listens on a loopback port for one browser.
func startEgress(route egressRoute, blockPrivate bool) (*egress, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("start the egress proxy: %w", err)
	}
	d := &net.Dialer{Timeout: 30 * time.Second}
	if blockPrivate {
		d.Control = refusePrivate
	}
	e := &egress{ln: ln, dialer: d, tunnels: map[net.Conn]bool{}, route: route,
		transport: &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 4, IdleConnTimeout: 30 * time.Second,
			Proxy: func(r *http.Request) (*url.URL, error) { return route.upstream(r.URL) }}}
	e.srv = &http.Server{Handler: e, ReadHeaderTimeout: 30 * time.Second}
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		e.srv.Serve(ln)
	}()
	return e, nil
}

// addr is the proxy's address for --proxy-server.
func (e *egress) addr() string { return "http://" + e.ln.Addr().String() }

// Close stops the proxy and its tunnels and waits for them.
func (e *egress) Close() {
	e.mu.Lock()
	e.closed = true
	for c := range e.tunnels {
		c.Close()
	}
	e.mu.Unlock()
	e.srv.Close()
	e.transport.CloseIdleConnections()
	e.wg.Wait()
}

func (e *egress) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if host := hostOf(r); e.route.ads != nil && e.route.ads.blocks(host) {
		http.Error(w, "sessionql blocked "+host+": the session blocks ads and trackers (blockAds), and this host is on its filter lists", http.StatusForbidden)
		return
	}
	if r.Method == http.MethodConnect {
		e.tunnel(w, r)
		return
	}
	if !r.URL.IsAbs() {
		http.Error(w, "sessionql's egress proxy only forwards proxy requests", http.StatusBadRequest)
		return
	}
	out := r.Clone(r.Context())
	out.RequestURI = ""
	for _, h := range []string{"Proxy-Connection", "Proxy-Authorization", "Connection", "Keep-Alive", "Te", "Trailer", "Upgrade"} {
		out.Header.Del(h)
	}
	resp, err := e.transport.RoundTrip(out)
	if up, _ := e.route.upstream(r.URL); err != nil && up != nil {
		err = fmt.Errorf("the session's proxy %s: %w", up.Redacted(), err)
	}
	if err != nil {
		e.refuse(w, r.URL.Host, err)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body)
}

// hostOf is the host a proxy request is for.
func hostOf(r *http.Request) string {
	if r.Method == http.MethodConnect {
		if h, _, err := net.SplitHostPort(r.Host); err == nil {
			return h
		}
		return r.Host
	}
	return r.URL.Hostname()
}

// refuse answers a request the proxy could not or would not connect.
func (e *egress) refuse(w http.ResponseWriter, host string, err error) {
	status := http.StatusBadGateway
	if errors.Is(err, errPrivate) {
		status = http.StatusForbidden
	}
	http.Error(w, fmt.Sprintf("sessionql refused to connect to %s: %v", host, err), status)
}

// tunnel connects a CONNECT request (HTTPS, WebSockets) and copies both ways
// until either side ends or the proxy closes.
func (e *egress) tunnel(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	dst, err := e.route.dial(ctx, e.dialer, r.Host)
	cancel()
	if err != nil {
		e.refuse(w, r.Host, err)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		dst.Close()
		http.Error(w, "cannot tunnel", http.StatusInternalServerError)
		return
	}
	src, buf, err := hj.Hijack()
	if err != nil || !e.track(src, dst) {
		dst.Close()
		if src != nil {
			src.Close()
		}
		return
	}
	src.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n"))
	go func() {
		defer e.wg.Done()
		e.splice(src, buf, dst)
	}()
}

// track records a tunnel's connections so Close can end them and counts
// its copy loop; it refuses once the proxy is closed.
func (e *egress) track(conns ...net.Conn) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return false
	}
	for _, c := range conns {
		e.tunnels[c] = true
	}
	e.wg.Add(1)
	return true
}

// splice copies between the browser and the host until both directions end.
func (e *egress) splice(src net.Conn, buf *bufio.ReadWriter, dst net.Conn) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		io.Copy(dst, buf.Reader)
		if tc, ok := dst.(*net.TCPConn); ok {
			tc.CloseWrite()
		}
	}()
	io.Copy(src, dst)
	src.Close()
	<-done
	dst.Close()
	e.mu.Lock()
	delete(e.tunnels, src)
	delete(e.tunnels, dst)
	e.mu.Unlock()
}

// egressFlags point Chromium at the egress proxy, loopback included (Chromium
// bypasses proxies for loopback unless told <-loopback), and keep WebRTC from
// sending UDP around it.
func egressFlags(addr string) []string {
	return []string{"--proxy-server=" + addr, "--proxy-bypass-list=<-loopback>", "--force-webrtc-ip-handling-policy=disable_non_proxied_udp"}
}

// proxyArgs are flags that would take the browser around the egress proxy.
var proxyArgs = []string{"--no-proxy-server", "--proxy-", "--winhttp-proxy-resolver", "--force-webrtc-ip-handling-policy"}

// withoutProxyArgs drops the flags of args that would bypass the egress.
func withoutProxyArgs(args []string) []string {
	var out []string
	for _, a := range args {
		keep := true
		for _, p := range proxyArgs {
			if strings.HasPrefix(a, p) {
				keep = false
			}
		}
		if keep {
			out = append(out, a)
		}
	}
	return out
}

// usesEgress reports whether a launch needs the egress proxy.
func usesEgress(opts LaunchOptions) bool {
	return opts.BlockPrivate || opts.BlockAds || opts.ProxyUsername != ""
}

// withEgress starts the egress proxy of a launch that needs one; close stops
// it. The session's own proxy, of any kind, is chained through it.
func withEgress(opts LaunchOptions) (LaunchOptions, func(), error) {
	if !usesEgress(opts) {
		return opts, func() {}, nil
	}
	route, err := newEgressRoute(opts)
	if err != nil {
		return opts, func() {}, err
	}
	e, err := startEgress(route, opts.BlockPrivate)
	if err != nil {
		return opts, func() {}, err
	}
	opts.egress = e.addr()
	return opts, e.Close, nil
}
