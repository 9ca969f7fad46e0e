// Command ukrun-monitor is the long-lived process of one VM container (the
// pid in --pid-file), started by `ukrun create`. It is a binary of its own,
// apart from the CLI, so that its resident set stays small.
//
//	ukrun-monitor [--log FILE] [--log-format text|json] [--debug] STATE-DIR
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"

	"github.com/ukrun/ukrun/internal/logging"
	"github.com/ukrun/ukrun/internal/monitor"
)

// The monitor forks its VMM from the main thread: see monitor.Main.
func init() { runtime.LockOSThread() }

func main() {
	var o logging.Options
	flag.StringVar(&o.Path, "log", "", "log file (default: stderr)")
	flag.StringVar(&o.Format, "log-format", "text", "text or json")
	flag.BoolVar(&o.Debug, "debug", false, "log debug messages")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: ukrun-monitor [--log FILE] [--log-format F] [--debug] STATE-DIR (started by ukrun create)")
		os.Exit(2)
	}
	log, closer, err := logging.New(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ukrun-monitor:", err)
		os.Exit(2)
	}
	code := monitor.Main(log)
	closer.Close()
	os.Exit(code)
}
