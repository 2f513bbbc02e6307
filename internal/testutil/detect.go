package testutil

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// DetectServer serves testdata/detect, the bot-detection page, and keeps the
// request headers of every document it served.
type DetectServer struct {
	*httptest.Server
	mu   sync.Mutex
	docs []map[string]string
}

// ServeDetect serves the detection page on 127.0.0.1, a secure context, so
// that service workers and navigator.userAgentData exist there, for the
// test's life. Its HTML responses ask for the high-entropy client hints, so
// that Chromium sends Sec-CH-UA-Full-Version-List; /headers answers with the
// request's headers as a JSON object keyed by lower-case name.
func ServeDetect(t testing.TB) *DetectServer {
	s := &DetectServer{}
	files := http.FileServer(http.Dir(filepath.Join(Testdata(), "detect")))
	mux := http.NewServeMux()
	mux.HandleFunc("/headers", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(headerMap(r.Header))
	})
	mux.Handle("/node_modules/", http.NotFoundHandler())
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Sec-Fetch-Dest") == "document" {
			s.mu.Lock()
			s.docs = append(s.docs, headerMap(r.Header))
			s.mu.Unlock()
		}
		h := w.Header()
		h.Set("Accept-CH", "Sec-CH-UA-Full-Version-List, Sec-CH-UA-Platform-Version, Sec-CH-UA-Arch, Sec-CH-UA-Bitness, Sec-CH-UA-Model, Sec-CH-UA-Full-Version")
		h.Set("Critical-CH", "Sec-CH-UA-Full-Version-List")
		h.Set("Cache-Control", "no-store")
		files.ServeHTTP(w, r)
	})
	s.Server = httptest.NewUnstartedServer(mux)
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Listener.Close()
	s.Listener = ln
	s.Start()
	t.Cleanup(s.Close)
	return s
}

// DocumentHeaders returns the request headers of every document served so
// far, in order.
func (s *DetectServer) DocumentHeaders() []map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]map[string]string(nil), s.docs...)
}

func headerMap(h http.Header) map[string]string {
	m := map[string]string{}
	for k, v := range h {
		m[strings.ToLower(k)] = strings.Join(v, ", ")
	}
	return m
}

// URL is the detection page that expects the timezone and locale given,
// each checked only when not empty.
func (s *DetectServer) URL(timezone, locale string) string {
	q := url.Values{}
	if timezone != "" {
		q.Set("tz", timezone)
	}
	if locale != "" {
		q.Set("locale", locale)
	}
	return s.Server.URL + "/?" + q.Encode()
}

// DetectScript is the JavaScript that waits for the detection page's verdict
// and gives it as JSON.
const DetectScript = "JSON.stringify(await window.__detectReady)"

// Detection is the detection page's verdict, as window.__detect holds it.
type Detection struct {
	Status string
	Pass   bool
	Failed []string
	Errors []string
	Checks []struct {
		Name   string
		OK     *bool
		Detail any
	}
	Botd struct {
		Result struct {
			Bot     bool
			BotKind string
		}
		Fired []struct{ Detector, BotKind string }
	}
	Fpscanner struct {
		Fired []struct{ Rule, Severity string }
	}
	Page struct {
		Navigator Navigator
		Intl      Intl
		Screen    map[string]float64
	}
	Iframe, Worker, ServiceWorker struct {
		Navigator Navigator
		Intl      Intl
		Headers   map[string]string
		Screen    map[string]float64 // the iframe's only
	}
	Headers struct{ Page map[string]string }
}

// Navigator is what a context's navigator shows.
type Navigator struct {
	Webdriver    any
	HasWebdriver bool
	UserAgent    string
	Platform     string
	Language     string
	Languages    []string
}

// Intl is what a context's Intl.DateTimeFormat resolves to.
type Intl struct{ Timezone, Locale string }

// ParseDetection decodes the JSON that DetectScript gives.
func ParseDetection(t testing.TB, raw string) *Detection {
	t.Helper()
	var d Detection
	if err := json.Unmarshal([]byte(raw), &d); err != nil {
		t.Fatalf("the detection page gave %.300s: %v", raw, err)
	}
	if d.Status != "done" {
		t.Fatalf("the detection page did not finish: %.1000s", raw)
	}
	return &d
}

// outerSizeCheck is the detection page's check of the outer window size.
const outerSizeCheck = "outerWidth/outerHeight non-zero and <= screen"

// pageGeometryCheck and iframeGeometryCheck are the detection page's checks
// of the desktop's geometry.
const (
	pageGeometryCheck   = "desktop geometry: taskbar, window inside the available area, browser chrome (page)"
	iframeGeometryCheck = "desktop geometry in the iframe, as in the page"
)

// Undetected reports whether BotD saw no bot and every check passed, but
// for one race of Chromium's: a document's earliest script may read the
// outer window size as 0×0 before the browser told the new renderer its
// window (about one load in four of a page that reads it inline, in any
// headless session). The page reads it once its bundle ran, and rarely
// meets the race; a size that is wrong otherwise still fails.
func (d *Detection) Undetected() bool {
	if d.Botd.Result.Bot {
		return false
	}
	for _, c := range d.Checks {
		if c.OK != nil && !*c.OK && !d.racedOuterSize(c.Name) {
			return false
		}
	}
	return true
}

// racedOuterSize tells whether a failed check is one that the race above
// explains: the outer size, or a desktop geometry check, where the context
// it reads read an outer size of 0×0.
func (d *Detection) racedOuterSize(check string) bool {
	zero := func(s map[string]float64) bool { return s != nil && s["outerWidth"] == 0 && s["outerHeight"] == 0 }
	switch check {
	case outerSizeCheck, pageGeometryCheck:
		return zero(d.Page.Screen)
	case iframeGeometryCheck:
		return zero(d.Iframe.Screen) || zero(d.Page.Screen)
	}
	return false
}

// Passed tells whether the detection page ran the named check and it passed.
func (d *Detection) Passed(check string) bool {
	for _, c := range d.Checks {
		if c.Name == check {
			return c.OK != nil && *c.OK
		}
	}
	return false
}

// Summary says in one line what fired and which checks failed.
func (d *Detection) Summary() string {
	b, _ := json.Marshal(map[string]any{"pass": d.Pass, "failed": d.Failed, "botd": d.Botd, "fpscanner": d.Fpscanner.Fired, "errors": d.Errors})
	return string(b)
}

// Failing lists the failed checks with what they saw.
func (d *Detection) Failing() string {
	var out []string
	for _, c := range d.Checks {
		if c.OK != nil && !*c.OK {
			b, _ := json.Marshal(c.Detail)
			out = append(out, c.Name+": "+string(b))
		}
	}
	return strings.Join(out, "\n")
}
