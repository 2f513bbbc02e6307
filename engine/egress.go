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

// egress is the proxy a browser goes through when the operator sets
// BLOCK_PRIVATE_NETWORKS. It dials every host itself and refuses private,
// loopback and link-local addresses by the IP it is about to connect to,
// after DNS, so that a name that resolves to an inside address (DNS
// rebinding included) is no way in. It listens on loopback for its one
// browser and ends with it.
type egress struct {
	ln        net.Listener
	srv       *http.Server
	dialer    *net.Dialer
	transport *http.Transport
	upstream  string // host:port of the session's own http proxy, empty for none

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

// startEgress listens on a loopback port for one browser; upstream is the
// session's own http proxy (host:port), which it chains through, or empty.
func startEgress(upstream string) (*egress, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("start the egress proxy: %w", err)
	}
	d := &net.Dialer{Timeout: 30 * time.Second, Control: refusePrivate}
	e := &egress{ln: ln, dialer: d, tunnels: map[net.Conn]bool{}, upstream: upstream,
		transport: &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 4, IdleConnTimeout: 30 * time.Second}}
	if upstream != "" {
		e.transport.Proxy = http.ProxyURL(&url.URL{Scheme: "http", Host: upstream})
	}
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

// refuse answers a request the proxy could not or would not connect.
func (e *egress) refuse(w http.ResponseWriter, host string, err error) {
	status := http.StatusBadGateway
	if errors.Is(err, errPrivate) {
		status = http.StatusForbidden
	}
	via := ""
	if e.upstream != "" {
		via = " through the session's proxy " + e.upstream
	}
	http.Error(w, fmt.Sprintf("sessionql refused to connect to %s%s: %v", host, via, err), status)
}

// tunnel connects a CONNECT request (HTTPS, WebSockets) and copies both ways
// until either side ends or the proxy closes.
func (e *egress) tunnel(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	dst, err := e.dial(ctx, r.Host)
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

// dial connects to host:port for a tunnel: directly, or through the
// session's proxy, whose own address is checked like any other.
func (e *egress) dial(ctx context.Context, hostport string) (net.Conn, error) {
	if e.upstream == "" {
		return e.dialer.DialContext(ctx, "tcp", hostport)
	}
	conn, err := e.dialer.DialContext(ctx, "tcp", e.upstream)
	if err != nil {
		return nil, fmt.Errorf("the session's proxy %s: %w", e.upstream, err)
	}
	if d, ok := ctx.Deadline(); ok {
		conn.SetDeadline(d)
	}
	fmt.Fprintf(conn, "CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\n", hostport, hostport)
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodConnect})
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("the session's proxy %s answered %s", e.upstream, resp.Status)
	}
	if err == nil && br.Buffered() > 0 {
		err = fmt.Errorf("the session's proxy %s sent data before the tunnel was open", e.upstream)
	}
	if err != nil {
		conn.Close()
		return nil, err
	}
	conn.SetDeadline(time.Time{})
	return conn, nil
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

// publicProxy checks, at launch, that a session's own proxy is not an
// address inside the server's network: with BLOCK_PRIVATE_NETWORKS the
// browser would otherwise send its requests there.
func publicProxy(ctx context.Context, server string) error {
	host := server
	if i := strings.Index(host, "://"); i >= 0 {
		host = host[i+3:]
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", strings.Trim(host, "[]"))
	if err != nil {
		return fmt.Errorf("the session's proxy %s cannot be resolved: %w", server, err)
	}
	for _, ip := range ips {
		if privateAddr(ip) {
			return fmt.Errorf("the session's proxy %s is at %s: %w", server, ip, errPrivate)
		}
	}
	return nil
}

// withEgress starts the egress proxy of a BLOCK_PRIVATE_NETWORKS launch;
// close stops it. A session's own proxy is chained through when it is an
// http: one; another kind (socks5:, https:) is only checked once, here, to
// be at a public address, and then used by the browser directly.
func withEgress(opts LaunchOptions) (LaunchOptions, func(), error) {
	if !opts.BlockPrivate {
		return opts, func() {}, nil
	}
	upstream, chain := httpProxy(opts.Proxy)
	if opts.Proxy != "" && !chain {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return opts, func() {}, publicProxy(ctx, opts.Proxy)
	}
	e, err := startEgress(upstream)
	if err != nil {
		return opts, func() {}, err
	}
	opts.egress = e.addr()
	return opts, e.Close, nil
}

// httpProxy is the host:port of an http: proxy server as --proxy-server
// takes it ("host:port" or "http://host:port").
func httpProxy(server string) (string, bool) {
	if server == "" {
		return "", false
	}
	if !strings.Contains(server, "://") {
		server = "http://" + server
	}
	u, err := url.Parse(server)
	if err != nil || u.Scheme != "http" || u.Host == "" || strings.Contains(server, ";") || strings.Contains(server, "=") {
		return "", false
	}
	if u.Port() == "" {
		return net.JoinHostPort(u.Hostname(), "80"), true
	}
	return u.Host, true
}
