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
//	listen=PORT  print "listening", then answer every TCP connection on PORT
//	             with "hello from <hostname>" (runs until killed)
//	connect=A    connect to TCP address A and print the line it sends
//	tick=N       print 1..N, one every 100 ms
//	write=PATH   write "written" and a newline to the file PATH
//	file=PATH    print the content of the file PATH
//	clock        print "clock=" and the monotonic clock in nanoseconds
//	now          print "now=" and the wall clock in nanoseconds since 1970
//	exit=N       exit with code N
package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
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
		case "file":
			b, err := os.ReadFile(arg)
			if err != nil {
				fmt.Fprintln(os.Stderr, "file:", err)
				os.Exit(1)
			}
			os.Stdout.Write(b)
		case "write":
			if err := os.WriteFile(arg, []byte("written\n"), 0o644); err != nil {
				fmt.Fprintln(os.Stderr, "write:", err)
				os.Exit(1)
			}
		case "clock":
			var ts unix.Timespec
			unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
			fmt.Printf("clock=%d\n", ts.Nano())
		case "now":
			fmt.Printf("now=%d\n", time.Now().UnixNano())
		case "tick":
			n, _ := strconv.Atoi(arg)
			for i := 1; i <= n; i++ {
				fmt.Println(i)
				time.Sleep(100 * time.Millisecond)
			}
		case "listen":
			listen(arg)
		case "connect":
			connect(arg)
		case "exit":
			n, _ := strconv.Atoi(arg)
			os.Exit(n)
		default:
			fmt.Fprintf(os.Stderr, "testapp: unknown step %q\n", step)
			os.Exit(2)
		}
	}
}

func listen(port string) {
	l, err := net.Listen("tcp", ":"+port)
	if err != nil {
		fmt.Fprintln(os.Stderr, "listen:", err)
		os.Exit(1)
	}
	fmt.Println("listening")
	host, _ := os.Hostname()
	for {
		c, err := l.Accept()
		if err != nil {
			continue
		}
		fmt.Fprintf(c, "hello from %s\n", host)
		c.Close()
	}
}

func connect(addr string) {
	var c net.Conn
	var err error
	for i := 0; i < 50; i++ { // the peer may still be starting
		if c, err = net.DialTimeout("tcp", addr, time.Second); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "connect:", err)
		os.Exit(1)
	}
	line, _ := bufio.NewReader(c).ReadString('\n')
	fmt.Print(line)
	c.Close()
}
