package testutil

import (
	"slices"
	"time"
)

// Median is robust to the bursts of a busy machine, where a mean is not;
// benchmarks report it beside their means.
func Median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}
