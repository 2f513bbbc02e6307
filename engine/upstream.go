package engine

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/http/httpproxy"
	"golang.org/x/net/proxy"
)

// egressRoute is where the egress proxy sends a browser's connections: past
// the ad filter, then through the session's own proxy (http, https or
// socks5, with its credentials) unless the session's bypass list names the
// host.
type egressRoute struct {
	ads      *adHosts // nil unless the session blocks ads
	upstream func(*url.URL) (*url.URL, error)
}

// newEgressRoute reads a launch's proxy and ad settings.
func newEgressRoute(opts LaunchOptions) (egressRoute, error) {
	r := egressRoute{upstream: func(*url.URL) (*url.URL, error) { return nil, nil }}
	if opts.BlockAds {
		ads, err := loadAdLists(opts.AdLists)
		if err != nil {
			return r, err
		}
		r.ads = ads
	}
	if opts.Proxy == "" {
		return r, nil
	}
	up, err := sessionProxy(opts)
	if err != nil {
		return r, err
	}
	cfg := httpproxy.Config{HTTPProxy: up, HTTPSProxy: up, NoProxy: noProxy(opts.ProxyBypass)}
	r.upstream = cfg.ProxyFunc()
	return r, nil
}

// sessionProxy is the session's proxy as a URL with its credentials.
func sessionProxy(opts LaunchOptions) (string, error) {
	server := opts.Proxy
	if !strings.Contains(server, "://") {
		server = "http://" + server
	}
	u, err := url.Parse(server)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("the session's proxy %q is not a proxy URL", opts.Proxy)
	}
	switch u.Scheme {
	case "http", "https", "socks5", "socks5h":
	case "socks":
		u.Scheme = "socks5"
	default:
		return "", fmt.Errorf("the session's proxy %q: the scheme must be http, https or socks5", opts.Proxy)
	}
	if opts.ProxyUsername != "" {
		u.User = url.UserPassword(opts.ProxyUsername, opts.ProxyPassword)
	}
	return u.String(), nil
}

// noProxy turns Chromium's bypass rules ("*.example.com", "10.0.0.0/8") into
// the NO_PROXY list httpproxy matches.
func noProxy(bypass []string) string {
	rules := make([]string, 0, len(bypass))
	for _, b := range bypass {
		rules = append(rules, strings.TrimPrefix(strings.TrimSpace(b), "*"))
	}
	return strings.Join(rules, ",")
}

// dial opens a tunnel's connection to host:port, through the session's
// proxy when it has one for that host. d checks every address it connects
// to, the proxy's own included.
func (r egressRoute) dial(ctx context.Context, d *net.Dialer, hostport string) (net.Conn, error) {
	up, err := r.upstream(&url.URL{Scheme: "https", Host: hostport})
	if err != nil {
		return nil, err
	}
	if up == nil {
		return d.DialContext(ctx, "tcp", hostport)
	}
	if strings.HasPrefix(up.Scheme, "socks") {
		return dialSOCKS(ctx, d, up, hostport)
	}
	return dialConnect(ctx, d, up, hostport)
}

// dialSOCKS connects through a SOCKS5 proxy.
func dialSOCKS(ctx context.Context, d *net.Dialer, up *url.URL, hostport string) (net.Conn, error) {
	p, err := proxy.FromURL(up, d)
	if err != nil {
		return nil, fmt.Errorf("the session's proxy %s: %w", up.Redacted(), err)
	}
	conn, err := p.(proxy.ContextDialer).DialContext(ctx, "tcp", hostport)
	if err != nil {
		return nil, fmt.Errorf("the session's proxy %s: %w", up.Redacted(), err)
	}
	return conn, nil
}

// dialConnect opens a CONNECT tunnel through an http or https proxy.
func dialConnect(ctx context.Context, d *net.Dialer, up *url.URL, hostport string) (net.Conn, error) {
	conn, err := d.DialContext(ctx, "tcp", up.Host)
	if err != nil {
		return nil, fmt.Errorf("the session's proxy %s: %w", up.Redacted(), err)
	}
	if deadline, ok := ctx.Deadline(); ok {
		conn.SetDeadline(deadline)
	}
	if up.Scheme == "https" {
		tc := tls.Client(conn, &tls.Config{ServerName: up.Hostname()})
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, fmt.Errorf("the session's proxy %s: %w", up.Redacted(), err)
		}
		conn = tc
	}
	if err := connect(conn, up, hostport); err != nil {
		conn.Close()
		return nil, err
	}
	conn.SetDeadline(time.Time{})
	return conn, nil
}

// connect asks the proxy on conn for a tunnel to hostport.
func connect(conn net.Conn, up *url.URL, hostport string) error {
	req := fmt.Sprintf("CONNECT %s HTTP/1.1\r\nHost: %s\r\n", hostport, hostport)
	if up.User != nil {
		pass, _ := up.User.Password()
		req += "Proxy-Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(up.User.Username()+":"+pass)) + "\r\n"
	}
	if _, err := conn.Write([]byte(req + "\r\n")); err != nil {
		return fmt.Errorf("the session's proxy %s: %w", up.Redacted(), err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodConnect})
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("answered %s", resp.Status)
	}
	if err == nil && br.Buffered() > 0 {
		err = fmt.Errorf("sent data before the tunnel was open")
	}
	if err != nil {
		return fmt.Errorf("the session's proxy %s: %w", up.Redacted(), err)
	}
	return nil
}
