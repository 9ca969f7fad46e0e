// Command testapp is the app inside test and demo VMs. Each argument is a
// step, run in order:
//
//	out=TEXT     write TEXT and a newline to stdout
//	err=TEXT     write TEXT and a newline to stderr
//	cat          copy stdin to stdout until end of file
//	env=NAME     print NAME=value of an environment variable
//	whoami       print uid, gid and cwd
//	sleep=SECS   sleep
//	trap         on SIGTERM print "got TERM" and exit 0
//	tty          print "tty=true" when stdin is a terminal
//	exit=N       exit with code N
package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

func main() {
	for _, step := range os.Args[1:] {
		name, arg, _ := strings.Cut(step, "=")
		switch name {
		case "out":
			fmt.Println(arg)
		case "err":
			fmt.Fprintln(os.Stderr, arg)
		case "cat":
			io.Copy(os.Stdout, os.Stdin)
		case "env":
			fmt.Printf("%s=%s\n", arg, os.Getenv(arg))
		case "whoami":
			wd, _ := os.Getwd()
			fmt.Printf("uid=%d gid=%d cwd=%s\n", os.Getuid(), os.Getgid(), wd)
		case "sleep":
			secs, _ := strconv.ParseFloat(arg, 64)
			time.Sleep(time.Duration(secs * float64(time.Second)))
		case "trap":
			c := make(chan os.Signal, 1)
			signal.Notify(c, syscall.SIGTERM)
			go func() {
				<-c
				fmt.Println("got TERM")
				os.Exit(0)
			}()
			fmt.Println("trapping")
		case "tty":
			_, err := unix.IoctlGetTermios(0, unix.TCGETS)
			fmt.Printf("tty=%v\n", err == nil)
		case "exit":
			n, _ := strconv.Atoi(arg)
			os.Exit(n)
		default:
			fmt.Fprintf(os.Stderr, "testapp: unknown step %q\n", step)
			os.Exit(2)
		}
	}
}
