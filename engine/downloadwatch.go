package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/sessionql/sessionql/engine/internal/cdpmux"
)

// DefaultMaxDownloadBytes is what one browser's downloads may hold together
// when LaunchOptions.MaxDownloadBytes is zero.
const DefaultMaxDownloadBytes = 512 << 20

// Download is one download the browser finished, cancelled or refused.
type Download struct {
	Name     string // the file's name in the downloads folder
	Size     int64
	MimeType string
	State    string // completed or canceled
	TooLarge bool   // cancelled by the engine: the folder would pass its cap
}

// downloadWatch is the engine's own client that sends every download to the
// session's folder, follows the downloads (Browser.downloadWillBegin and
// downloadProgress) and cancels one that would take the folder past its
// cap, removing what it wrote.
type downloadWatch struct {
	client *cdpmux.Client
	dir    string
	max    int64

	mu       sync.Mutex
	active   map[string]*download // by guid
	waiters  []chan Download      // each gets the next download that ends
	canceled map[string]bool      // suggested names the engine cancelled; see CanceledDownloadsFile
}

// CanceledDownloadsFile, in a downloads folder, names (one a line) the
// downloads the engine cancelled for the cap. Chromium deletes a cancelled
// download's files on its own file thread, after it reports the cancel,
// and may even create <name>.crdownload and the empty placeholder <name>
// then, when its rename was already queued; whoever lists the folder hides
// those (CanceledDownloads), and the watch removes them whenever it sees
// them, until a new download of that name begins.
const CanceledDownloadsFile = ".sessionql-canceled"

// CanceledDownloads reads the names of CanceledDownloadsFile in dir: a
// <name>.crdownload, or an empty <name>, of one of them is what is left of
// a cancelled download, not a download.
func CanceledDownloads(dir string) map[string]bool {
	raw, _ := os.ReadFile(filepath.Join(dir, CanceledDownloadsFile))
	names := map[string]bool{}
	for _, name := range strings.Split(string(raw), "\n") {
		if name != "" {
			names[name] = true
		}
	}
	return names
}

// download is one download under way.
type download struct {
	name     string // the suggested name, which Chromium may make unique
	received int64
	canceled bool // by the engine, for the cap
	// taken: a file of the suggested name was there when it began, so
	// Chromium writes this one under another name; its leftovers are then
	// not told apart from that file and Chromium alone removes them.
	taken bool
}

// startDownloads connects the watch and sends the downloads to the folder.
func (b *Browser) startDownloads(opts LaunchOptions) error {
	ctx, cancel := opts.readyContext()
	defer cancel()
	c, err := b.mux.Connect(ctx, nil, cdpmux.AsEngine)
	if err != nil {
		return err
	}
	max := opts.MaxDownloadBytes
	if max <= 0 {
		max = DefaultMaxDownloadBytes
	}
	b.downloads = &downloadWatch{client: c, dir: opts.DownloadDir, max: max, active: map[string]*download{}, canceled: CanceledDownloads(opts.DownloadDir)}
	b.loops.Go(b.downloads.run)
	return b.sendDownloads()
}

// sendDownloads sends every download of the browser to the session's
// folder, with events for the watch. It runs at launch, before anyone else,
// and again whenever a user's client ends, since Chromium forgets the
// behavior of a client that detaches, and would fall back to its own
// folder.
func (b *Browser) sendDownloads() error {
	ctx, cancel := context.WithTimeout(context.Background(), downloadsTimeout)
	defer cancel()
	params, _ := json.Marshal(map[string]any{"behavior": "allow", "downloadPath": b.policy.downloads, "eventsEnabled": true})
	if b.downloads == nil {
		_, err := b.mux.Call(ctx, "", "Browser.setDownloadBehavior", json.RawMessage(params))
		return err
	}
	c := b.downloads.client
	_, err := c.Call(ctx, cdpmux.Message{SessionID: c.Session(), Method: "Browser.setDownloadBehavior", Params: params})
	return err
}

func (w *downloadWatch) run() {
	for {
		select {
		case env := <-w.client.Messages():
			w.handle(env)
		case <-w.client.Done():
			return
		}
	}
}

// downloadEvent is what Browser.downloadWillBegin and downloadProgress say.
type downloadEvent struct {
	GUID              string  `json:"guid"`
	SuggestedFilename string  `json:"suggestedFilename"`
	ReceivedBytes     float64 `json:"receivedBytes"`
	TotalBytes        float64 `json:"totalBytes"`
	State             string  `json:"state"`
	FilePath          string  `json:"filePath"`
}

func (w *downloadWatch) handle(env cdpmux.Message) {
	var ev downloadEvent
	if json.Unmarshal(env.Params, &ev) != nil {
		return
	}
	switch env.Method {
	case "Browser.downloadWillBegin":
		w.mu.Lock()
		w.sweep()
		if w.canceled[ev.SuggestedFilename] { // this name is a new download's now
			delete(w.canceled, ev.SuggestedFilename)
			w.saveCanceled()
		}
		_, err := os.Lstat(filepath.Join(w.dir, ev.SuggestedFilename))
		w.active[ev.GUID] = &download{name: ev.SuggestedFilename, taken: err == nil}
		w.mu.Unlock()
	case "Browser.downloadProgress":
		w.progress(ev)
	}
}

// sweep removes what Chromium left of the downloads the engine cancelled:
// <name>.crdownload, and <name> while it is an empty placeholder. The
// caller holds w.mu.
func (w *downloadWatch) sweep() {
	for name := range w.canceled {
		if !safeName(name) {
			continue
		}
		os.Remove(filepath.Join(w.dir, name+".crdownload"))
		if info, err := os.Lstat(filepath.Join(w.dir, name)); err == nil && info.Mode().IsRegular() && info.Size() == 0 {
			os.Remove(filepath.Join(w.dir, name))
		}
	}
}

// saveCanceled writes w.canceled to CanceledDownloadsFile, whole (a temp
// file renamed over it), so a reader never sees half of it. The caller
// holds w.mu.
func (w *downloadWatch) saveCanceled() {
	path := filepath.Join(w.dir, CanceledDownloadsFile)
	if len(w.canceled) == 0 {
		os.Remove(path)
		return
	}
	var b strings.Builder
	for name := range w.canceled {
		b.WriteString(name + "\n")
	}
	tmp := path + ".tmp"
	err := os.WriteFile(tmp, []byte(b.String()), 0o644)
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		slog.Warn("could not note a cancelled download", "err", err)
	}
}

func safeName(name string) bool {
	return name != "" && name != "." && name != ".." && !strings.ContainsAny(name, "/\\\n\x00")
}

// progress follows one download: over the cap it is cancelled; once it
// ends, the waiters learn of it.
func (w *downloadWatch) progress(ev downloadEvent) {
	w.mu.Lock()
	w.sweep()
	d := w.active[ev.GUID]
	if d == nil {
		d = &download{}
		w.active[ev.GUID] = d
	}
	d.received = int64(ev.ReceivedBytes)
	if ev.State == "inProgress" {
		over := !d.canceled && w.overCap(d, int64(ev.TotalBytes))
		if over {
			d.canceled = true
			if !d.taken && safeName(d.name) { // noted before the cancel, so no list shows what it leaves
				w.canceled[d.name] = true
				w.saveCanceled()
			}
		}
		w.mu.Unlock()
		if over {
			w.cancel(ev.GUID, d.name)
		}
		return
	}
	delete(w.active, ev.GUID)
	name := d.name
	if ev.FilePath != "" {
		name = filepath.Base(ev.FilePath)
	}
	done := Download{Name: name, State: ev.State, TooLarge: d.canceled}
	if d.canceled {
		done.State = "canceled"
	} else if ev.State == "completed" {
		if info, err := os.Stat(filepath.Join(w.dir, name)); err == nil {
			done.Size, done.MimeType = info.Size(), FileType(w.dir, name)
		}
	}
	if d.canceled {
		w.removePartial(name, ev.State == "completed" && ev.FilePath != "")
		w.sweep()
	}
	waiters := w.waiters
	w.waiters = nil
	w.mu.Unlock()
	for _, c := range waiters {
		c <- done
	}
}

// overCap reports whether the folder would pass its cap with d: what the
// finished downloads hold, plus what every download under way received,
// or d's whole size when the server announced it. The caller holds w.mu.
func (w *downloadWatch) overCap(d *download, total int64) bool {
	var used int64
	entries, _ := os.ReadDir(w.dir)
	for _, e := range entries {
		if info, err := e.Info(); err == nil && info.Mode().IsRegular() && !strings.HasSuffix(e.Name(), ".crdownload") && !strings.HasPrefix(e.Name(), ".") {
			used += info.Size()
		}
	}
	for _, a := range w.active {
		used += a.received
	}
	if total > d.received {
		used += total - d.received
	}
	return used > w.max
}

// cancel stops a download that would pass the cap.
func (w *downloadWatch) cancel(guid, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), downloadsTimeout)
	defer cancel()
	err := w.call(ctx, "Browser.cancelDownload", map[string]string{"guid": guid})
	if err != nil {
		err = w.cancelInContexts(ctx, guid) // a download of a context a client created
	}
	if err != nil {
		slog.Warn("could not cancel a download over MAX_DOWNLOAD_BYTES", "download", name, "err", err)
	}
	slog.Info("download cancelled: the session's downloads would pass MAX_DOWNLOAD_BYTES", "download", name, "max", w.max)
}

// cancelInContexts cancels a download in each browser context that
// clients created, as Chromium wants the context of one outside the
// default.
func (w *downloadWatch) cancelInContexts(ctx context.Context, guid string) error {
	raw, err := w.client.Call(ctx, cdpmux.Message{SessionID: w.client.Session(), Method: "Target.getBrowserContexts", Params: json.RawMessage(`{}`)})
	if err != nil {
		return err
	}
	var res struct {
		IDs []string `json:"browserContextIds"`
	}
	json.Unmarshal(raw.Result, &res)
	err = errors.New("the download is in no browser context")
	for _, id := range res.IDs {
		if err = w.call(ctx, "Browser.cancelDownload", map[string]string{"guid": guid, "browserContextId": id}); err == nil {
			return nil
		}
	}
	return err
}

func (w *downloadWatch) call(ctx context.Context, method string, params any) error {
	raw, _ := json.Marshal(params)
	reply, err := w.client.Call(ctx, cdpmux.Message{SessionID: w.client.Session(), Method: method, Params: raw})
	if err == nil && reply.Error != nil {
		err = fmt.Errorf("%s: %s", method, reply.Error)
	}
	return err
}

// removePartial removes what a cancelled download left, should Chromium
// not have: its partial file, or with completed the whole file, which
// ended before the cancel reached it (name is then the one Chromium
// reported, not the suggested one that an earlier file may have).
func (w *downloadWatch) removePartial(name string, completed bool) {
	if name == "" || strings.ContainsAny(name, `/\`) {
		return
	}
	if completed {
		os.Remove(filepath.Join(w.dir, name))
		return
	}
	os.Remove(filepath.Join(w.dir, name+".crdownload"))
}

// nextDownload returns a channel that gets the next download to end, and
// a function that stops waiting for it.
func (w *downloadWatch) nextDownload() (<-chan Download, func()) {
	c := make(chan Download, 1)
	w.mu.Lock()
	w.waiters = append(w.waiters, c)
	w.mu.Unlock()
	return c, func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		for i, x := range w.waiters {
			if x == c {
				w.waiters = append(w.waiters[:i], w.waiters[i+1:]...)
				return
			}
		}
	}
}

// FileType is the media type of a file by its extension, else by its
// first bytes.
func FileType(dir, name string) string {
	if t := mime.TypeByExtension(filepath.Ext(name)); t != "" {
		return t
	}
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		return "application/octet-stream"
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	return http.DetectContentType(head[:n])
}
