package server

import (
	"os"
	"runtime"
	"strconv"
	"strings"
)

// browsersPerCPU and memoryPerBrowser size MAX_BROWSERS's default. A live
// browser costs about 200 MiB of PSS on a small page (BENCHMARKS.md), and
// 512 MiB leaves room for heavier pages; a session's browser is mostly
// idle between steps, so four share a processor before steps queue on it.
const (
	browsersPerCPU   = 4
	memoryPerBrowser = 512 << 20
	maxBrowsersCap   = 64
)

// defaultMaxBrowsers is the smaller of what the processors and what the
// memory carry, within 1 and 64. Both read the container's limits
// (GOMAXPROCS follows the cgroup's CPU quota; memory.max bounds memory).
func defaultMaxBrowsers() int {
	byCPU := runtime.GOMAXPROCS(0) * browsersPerCPU
	byMemory := int(memoryBytes() / memoryPerBrowser)
	return min(max(min(byCPU, byMemory), 1), maxBrowsersCap)
}

// memoryBytes is the cgroup's memory limit when there is one, else the
// machine's memory; 2 GiB when neither can be read.
func memoryBytes() int64 {
	total := int64(2 << 30)
	if raw, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(raw), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "MemTotal:" {
				if kb, err := strconv.ParseInt(f[1], 10, 64); err == nil {
					total = kb << 10
				}
			}
		}
	}
	if raw, err := os.ReadFile("/sys/fs/cgroup/memory.max"); err == nil {
		if limit, err := strconv.ParseInt(strings.TrimSpace(string(raw)), 10, 64); err == nil && limit < total {
			total = limit
		}
	}
	return total
}
