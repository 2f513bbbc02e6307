package sessionql

import (
	"errors"
	"testing"
)

// TestErrorfOnePeriod checks that a message ending with a wrapped error's
// own period has one period, and that ellipses and paths stay.
func TestErrorfOnePeriod(t *testing.T) {
	for _, c := range []struct {
		arg  error
		want string
	}{
		{errors.New("the pipe closed."), "It failed: the pipe closed."},
		{errors.New("exit status 1"), "It failed: exit status 1."},
		{errors.New("wait..."), "It failed: wait...."},
		{errors.New("open ../x"), "It failed: open ../x."},
	} {
		if got := Errorf(CodeInternal, "It failed: %v.", c.arg).Message; got != c.want {
			t.Errorf("%q, want %q", got, c.want)
		}
	}
	if got := Errorf(CodeInternal, "It failed (%v.) twice.", errors.New("no.")).Message; got != "It failed (no.) twice." {
		t.Errorf("inside parentheses: %q", got)
	}
}
