package testutil

import (
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
)

// ProxyUser and ProxyPassword are the credentials ForwardProxy asks for.
const ProxyUser, ProxyPassword = "john", "1337code"

// ForwardProxy is an HTTP forward proxy that asks for a password, forwards
// plain requests and CONNECT tunnels, and remembers what it forwarded: the
// path of a plain request, "CONNECT host:port" of a tunnel.
type ForwardProxy struct {
	To string // when set, the host:port every request goes to, whatever it names

	mu   sync.Mutex
	seen []string
}

func (p *ForwardProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Proxy-Authorization") != "Basic "+base64.StdEncoding.EncodeToString([]byte(ProxyUser+":"+ProxyPassword)) {
		w.Header().Set("Proxy-Authenticate", `Basic realm="test"`)
		w.WriteHeader(http.StatusProxyAuthRequired)
		return
	}
	if r.Method == http.MethodConnect {
		p.remember("CONNECT " + r.Host)
		p.tunnel(w, r)
		return
	}
	if !r.URL.IsAbs() {
		http.Error(w, "not a proxy request", http.StatusBadRequest)
		return
	}
	p.remember(r.URL.Path)
	u := *r.URL
	u.Host = p.target(u.Host)
	out, _ := http.NewRequest(r.Method, u.String(), r.Body)
	out.Header = r.Header.Clone()
	out.Header.Del("Proxy-Authorization")
	resp, err := http.DefaultTransport.RoundTrip(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.Header().Set("X-Proxied", "yes")
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body)
}

// tunnel connects a CONNECT request and copies both ways until either ends.
func (p *ForwardProxy) tunnel(w http.ResponseWriter, r *http.Request) {
	dst, err := net.Dial("tcp", p.target(r.Host))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	src, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		dst.Close()
		return
	}
	src.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n"))
	go func() {
		io.Copy(dst, buf)
		dst.Close()
	}()
	io.Copy(src, dst)
	src.Close()
}

// target is where a request for host goes.
func (p *ForwardProxy) target(host string) string {
	if p.To != "" {
		return p.To
	}
	return host
}

func (p *ForwardProxy) remember(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.seen = append(p.seen, s)
}

// Seen lists what the proxy forwarded, space-separated.
func (p *ForwardProxy) Seen() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.seen, " ")
}
