// Package config reads the host configuration file, /etc/ukrun/config.toml.
package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// DefaultPath is read when neither --config nor UKRUN_CONFIG names a file.
const DefaultPath = "/etc/ukrun/config.toml"

// EnvPath names the environment variable that overrides DefaultPath.
const EnvPath = "UKRUN_CONFIG"

// Config is the host's configuration. Values in force at create are recorded
// in the container's state and used by every later command.
type Config struct {
	QEMU        string `toml:"qemu" json:"qemu"`               // QEMU binary, path or name in PATH
	Firecracker string `toml:"firecracker" json:"firecracker"` // VMM binaries; empty: the usual name in PATH
	CloudHyp    string `toml:"cloud_hypervisor" json:"cloud_hypervisor"`
	Solo5HVT    string `toml:"solo5_hvt" json:"solo5_hvt"`
	Solo5SPT    string `toml:"solo5_spt" json:"solo5_spt"`
	Runc        string `toml:"runc" json:"runc"`                 // runc for bundles that are not VMs
	Kernel      string `toml:"kernel" json:"kernel"`             // Linux guest kernel; empty: ukrun's own, else newest /boot/vmlinuz-*
	Ukinit      string `toml:"ukinit" json:"ukinit"`             // guest init; empty: next to the ukrun binary
	Accel       string `toml:"accel" json:"accel"`               // auto, kvm or tcg
	MemoryMiB   int    `toml:"memory_mib" json:"memory_mib"`     // guest memory when the bundle sets none
	VCPUs       int    `toml:"vcpus" json:"vcpus"`               // guest vCPUs when the bundle sets none
	CacheDir    string `toml:"cache_dir" json:"cache_dir"`       // kernels and initrd bases, by content
	BootTimeout int    `toml:"boot_timeout" json:"boot_timeout"` // seconds the VMM may take to accept start
	Log         string `toml:"log" json:"log"`                   // log file when --log is not given
	LogFormat   string `toml:"log_format" json:"log_format"`     // text or json, when --log-format is not given
	Debug       bool   `toml:"debug" json:"debug"`               // log debug messages, as --debug
}

// Binary returns the VMM binary the file names under key, empty if none.
func (c Config) Binary(key string) string {
	switch key {
	case "qemu":
		return c.QEMU
	case "firecracker":
		return c.Firecracker
	case "cloud_hypervisor":
		return c.CloudHyp
	case "solo5_hvt":
		return c.Solo5HVT
	case "solo5_spt":
		return c.Solo5SPT
	}
	return ""
}

// Default returns the configuration used where the file is silent.
func Default() Config {
	return Config{
		QEMU:        "qemu-system-x86_64",
		Runc:        "runc",
		Accel:       "auto",
		MemoryMiB:   256,
		VCPUs:       1,
		CacheDir:    "/var/cache/ukrun",
		BootTimeout: 30,
	}
}

// Path returns the config file to read: flag, then environment, then default.
func Path(flag string) string {
	if flag != "" {
		return flag
	}
	if p := os.Getenv(EnvPath); p != "" {
		return p
	}
	return DefaultPath
}

// Load reads path over the defaults. A missing file at the default path is
// not an error; a missing file that was asked for is.
func Load(path string, explicit bool) (Config, error) {
	c := Default()
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && !explicit {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("read config: %w", err)
	}
	return Parse(path, string(b))
}

// Parse decodes a config file's text over the defaults and validates it.
func Parse(name, text string) (Config, error) {
	c := Default()
	md, err := toml.Decode(text, &c)
	if err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return c, fmt.Errorf("config %s line %d: %s", name, perr.Position.Line, perr.Message)
		}
		return c, fmt.Errorf("config %s: %w", name, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		sort.Strings(keys)
		return c, fmt.Errorf("config %s: unknown key %s", name, strings.Join(keys, ", "))
	}
	return c, c.validate(name)
}

func (c Config) validate(name string) error {
	switch c.Accel {
	case "auto", "kvm", "tcg":
	default:
		return fmt.Errorf("config %s: accel %q: want auto, kvm or tcg", name, c.Accel)
	}
	if c.MemoryMiB < 16 {
		return fmt.Errorf("config %s: memory_mib %d: want at least 16", name, c.MemoryMiB)
	}
	if c.VCPUs < 1 || c.VCPUs > 255 {
		return fmt.Errorf("config %s: vcpus %d: want 1 to 255", name, c.VCPUs)
	}
	if c.BootTimeout < 1 {
		return fmt.Errorf("config %s: boot_timeout %d: want at least 1 second", name, c.BootTimeout)
	}
	switch c.LogFormat {
	case "", "text", "json":
	default:
		return fmt.Errorf("config %s: log_format %q: want text or json", name, c.LogFormat)
	}
	for key, p := range map[string]string{"kernel": c.Kernel, "ukinit": c.Ukinit, "cache_dir": c.CacheDir, "log": c.Log} {
		if p != "" && !filepath.IsAbs(p) {
			return fmt.Errorf("config %s: %s %q: want an absolute path", name, key, p)
		}
	}
	return nil
}
