package integration

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

var filepathGlob = filepath.Glob

// readStat returns pid, parent pid and state letter from a /proc stat file.
func readStat(path string) (pid, ppid int, state byte, ok bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, 0, false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	j := strings.IndexByte(s, ' ')
	if i < 0 || j < 0 {
		return 0, 0, 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 2 {
		return 0, 0, 0, false
	}
	pid, _ = strconv.Atoi(s[:j])
	ppid, _ = strconv.Atoi(f[1])
	return pid, ppid, f[0][0], true
}
