package cdpmux

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// DefaultMaxAnswerBytes is MAX_ANSWER_BYTES when none is set: the largest
// reply from Chromium the engine takes for one of its own commands, such as
// a script's value or a screenshot.
const DefaultMaxAnswerBytes = 64 << 20

// maxUserFrame is the largest message relayed to a user's client: Puppeteer's
// own limit (maxPayload), past which its client would fail anyway.
const maxUserFrame = 256 << 20

// CodeAnswerTooLarge is the DevTools error code of the reply the mux sends
// in place of one it would not read.
const CodeAnswerTooLarge = -32099

// readFrame reads the next NUL-terminated message from Chromium without
// holding more of it than limitFor allows for whoever asked for it. A larger
// reply is read past without being kept and comes back as a DevTools error
// reply with the same id; a larger event is dropped (ok false). heard is
// told of every part that arrives, so that a browser sending a long
// message does not look quiet.
func readFrame(br *bufio.Reader, limitFor func(id int64) int, heard func()) (frame []byte, ok bool, err error) {
	limit := maxUserFrame
	checked := false
	for {
		chunk, err := br.ReadSlice(0)
		if len(chunk) > 0 {
			heard()
		}
		frame = append(frame, chunk...)
		if err == nil {
			return frame[:len(frame)-1], true, nil
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return nil, false, err
		}
		id := leadingID(frame)
		if !checked && id != 0 {
			limit, checked = limitFor(id), true
		}
		if len(frame) > limit {
			if err := skipFrame(br, heard); err != nil {
				return nil, false, err
			}
			return tooLargeReply(id, limit), id != 0, nil
		}
	}
}

// skipFrame reads up to and including the next NUL, keeping nothing.
func skipFrame(br *bufio.Reader, heard func()) error {
	for {
		chunk, err := br.ReadSlice(0)
		if len(chunk) > 0 {
			heard()
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return err
		}
	}
}

// leadingID is the id of a reply, which Chromium writes first:
// {"id":42,"result":…}; 0 for an event or an unexpected shape.
func leadingID(frame []byte) int64 {
	rest, ok := bytes.CutPrefix(frame, []byte(`{"id":`))
	if !ok {
		return 0
	}
	end := bytes.IndexByte(rest, ',')
	if end < 0 {
		return 0
	}
	id, _ := strconv.ParseInt(string(rest[:end]), 10, 64)
	return id
}

func tooLargeReply(id int64, limit int) []byte {
	msg := fmt.Sprintf("the browser's answer is over the server's limit of %d bytes (MAX_ANSWER_BYTES)", limit)
	raw, _ := json.Marshal(map[string]any{"id": id, "error": map[string]any{"code": CodeAnswerTooLarge, "message": msg}})
	return raw
}

// MaxAnswer is the largest reply the mux reads for the engine's own
// commands (MAX_ANSWER_BYTES); the engine bounds what it reads in parts,
// such as a stream, by it too.
func (c *Client) MaxAnswer() int { return c.mux.maxAnswer }

// replyLimit is how much of the reply to command id the mux reads: the
// engine's own commands take at most maxAnswer, a user's client what its
// library would.
func (m *Mux) replyLimit(id int64) int {
	m.mu.Lock()
	p, ok := m.pending[id]
	m.mu.Unlock()
	if ok && (p.reply != nil || (p.client != nil && p.client.engine)) {
		return m.maxAnswer
	}
	return maxUserFrame
}
