package cdpmux

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestDecodeEnvelopeMatchesTheJSONDecoder(t *testing.T) {
	for _, frame := range []string{
		`{"id":7,"result":{"protocolVersion":"1.3"}}`,
		`{"id":8,"result":{"data":"aGVsbG8="},"sessionId":"ABC123"}`,
		`{"method":"Target.attachedToTarget","params":{"sessionId":"S1","targetInfo":{"title":"a \"quoted\" }{ title\\"}},"sessionId":"B"}`,
		`{"id":9,"error":{"code":-32000,"message":"No node with given id found"}}`,
		`{ "id" : 10 , "result" : [1, {"a": [true, null]}, "x\\\\"] , "method" : "M.e\u0074hod" }`,
		`{"id":11,"result":{},"unknown":{"nested":["}"]},"sessionId":"é"}`,
		`{"method":"Page.frameNavigated","params":{"frame":{"url":"https://e.com/?q=\"}\""}}}`,
		`{}`,
	} {
		var want Message
		if err := json.Unmarshal([]byte(frame), &want); err != nil {
			t.Fatalf("%s: %v", frame, err)
		}
		got, err := decodeMessage([]byte(frame))
		if err != nil || !reflect.DeepEqual(compact(t, got), compact(t, want)) {
			t.Errorf("%s:\n got %+v, %v\nwant %+v", frame, got, err, want)
		}
	}
}

func TestDecodeEnvelopeRefusesWhatIsNotAnObject(t *testing.T) {
	for _, frame := range []string{``, `[1]`, `"x"`, `{"id":`, `{"id":1,"result":"unterminated}`, `{"id":"x"}`} {
		if _, err := decodeMessage([]byte(frame)); err == nil {
			t.Errorf("%q: no error", frame)
		}
	}
}

// compact removes the white space inside raw payloads, which the two
// decoders may keep differently.
func compact(t *testing.T, env Message) Message {
	for _, raw := range []*json.RawMessage{&env.Params, &env.Result, &env.Error} {
		if len(*raw) > 0 {
			var v any
			if err := json.Unmarshal(*raw, &v); err != nil {
				t.Fatalf("payload %s: %v", *raw, err)
			}
			*raw, _ = json.Marshal(v)
		}
	}
	return env
}

// BenchmarkDecodeEnvelope decodes a 10 MB screenshot reply.
func BenchmarkDecodeEnvelope(b *testing.B) {
	frame := []byte(`{"id":3,"result":{"data":"` + strings.Repeat("QUJD", 10<<18) + `"},"sessionId":"ABCDEF"}`)
	b.SetBytes(int64(len(frame)))
	for b.Loop() {
		if _, err := decodeMessage(frame); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeEnvelopeWithTheJSONDecoder(b *testing.B) {
	frame := []byte(`{"id":3,"result":{"data":"` + strings.Repeat("QUJD", 10<<18) + `"},"sessionId":"ABCDEF"}`)
	b.SetBytes(int64(len(frame)))
	for b.Loop() {
		var env Message
		if err := json.Unmarshal(frame, &env); err != nil {
			b.Fatal(err)
		}
	}
}
