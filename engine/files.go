package engine

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/sessionql/sessionql"
)

// fileInputScript returns the file input of a selector as an object the
// engine hands to DOM.setFileInputFiles.
const fileInputScript = `function(css, pierce, count) {` + queryJS + `
  const el = find(document, css, pierce);
  if (!el) return null;
  if (el.localName !== 'input' || el.type !== 'file') throw new Error('The element is not an input of type file.');
  if (count > 1 && !el.multiple) throw new Error('The file input takes one file, not ' + count + '.');
  return el;
}`

// SetInputFiles puts files of the session's uploads folder, by name, into
// a file input as a user's choice would (input and change fire), without a
// file picker. It returns the element's box and the files' paths.
func (p *Page) SetInputFiles(req context.Context, selector string, names []string, o LocateOptions, timeout time.Duration) (Box, []string, error) {
	paths := make([]string, 0, len(names))
	for _, n := range names {
		path, err := p.files.uploadPath(n)
		if err != nil {
			return Box{}, nil, failf(sessionql.CodeInvalidArgument, "%v; upload it first (POST /sessions/{id}/uploads).", err)
		}
		paths = append(paths, path)
	}
	var box Box
	err := p.onElement(req, selector, o, timeout, "setting the files of "+selector, func(ctx context.Context, el *element) error {
		box = el.box
		return p.inWorld(ctx, el.frame, func(world runtime.ExecutionContextID) error {
			return p.fileInput(ctx, el, world, paths)
		})
	})
	return box, paths, err
}

// fileInput finds the element again in world as an object and sets its
// files.
func (p *Page) fileInput(ctx context.Context, el *element, world runtime.ExecutionContextID, paths []string) error {
	s := p.direct(el.frame.session)
	var res struct {
		Result struct {
			ObjectID string `json:"objectId"`
		} `json:"result"`
		ExceptionDetails *runtime.ExceptionDetails `json:"exceptionDetails"`
	}
	args := []map[string]any{{"value": el.css}, {"value": el.pierce}, {"value": len(paths)}}
	err := s.callJSON(ctx, runtime.CommandCallFunctionOn, map[string]any{"functionDeclaration": fileInputScript, "arguments": args, "executionContextId": world}, &res)
	if err != nil {
		return err
	}
	if res.ExceptionDetails != nil {
		return failf(sessionql.CodeInvalidArgument, "%s", exceptionMessage(res.ExceptionDetails))
	}
	if res.Result.ObjectID == "" {
		return failf(sessionql.CodeSelectorNotFound, "The element of %q went away before the step could use it.", el.css)
	}
	defer s.callJSON(context.WithoutCancel(ctx), runtime.CommandReleaseObject, map[string]string{"objectId": res.Result.ObjectID}, new(json.RawMessage))
	return s.callJSON(ctx, "DOM.setFileInputFiles", map[string]any{"files": paths, "objectId": res.Result.ObjectID}, new(json.RawMessage))
}

// ClickDownload clicks an element and waits until the download the click
// starts has ended: the next download of the browser to end after the
// click began. A download the cap cancelled is payload_too_large.
func (p *Page) ClickDownload(req context.Context, selector string, o LocateOptions, timeout time.Duration) (Download, error) {
	if p.downloads == nil {
		return Download{}, failf(sessionql.CodeBrowserUnavailable, "This browser does not follow its downloads.")
	}
	start := time.Now()
	next, stop := p.downloads.nextDownload()
	defer stop()
	if _, err := p.Click(req, selector, o, timeout); err != nil {
		return Download{}, err
	}
	wait, cancel := context.WithTimeout(req, max(timeout-time.Since(start), time.Millisecond))
	defer cancel()
	select {
	case d := <-next:
		return d, downloadError(d, selector)
	case <-wait.Done():
		if errors.Is(req.Err(), context.Canceled) {
			return Download{}, req.Err()
		}
		return Download{}, failf(sessionql.CodeTimeout, "Clicking %q started no download that ended within %s.", selector, timeout)
	}
}

func downloadError(d Download, selector string) error {
	switch {
	case d.TooLarge:
		return failf(sessionql.CodePayloadTooLarge, "The download %q that clicking %q started was cancelled: the session's downloads would pass MAX_DOWNLOAD_BYTES.", d.Name, selector)
	case d.State != "completed":
		return failf(sessionql.CodeNavigationFailed, "The download %q that clicking %q started was %s.", d.Name, selector, d.State)
	}
	return nil
}
