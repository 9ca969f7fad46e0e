package kernel

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNewest(t *testing.T) {
	tests := []struct {
		name  string
		files []string
		want  string
	}{
		{"numeric", []string{"vmlinuz-6.1.0-9-amd64", "vmlinuz-6.1.0-56-amd64", "vmlinuz-6.1.0-10-amd64"}, "6.1.0-56-amd64"},
		{"major", []string{"vmlinuz-5.19.0-1-amd64", "vmlinuz-6.1.0-1-amd64"}, "6.1.0-1-amd64"},
		{"minor", []string{"vmlinuz-6.10.1", "vmlinuz-6.9.12"}, "6.10.1"},
		{"ignores others", []string{"vmlinuz-6.1.0-1-amd64", "config-9.9.9", "initrd.img-9.9.9"}, "6.1.0-1-amd64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tt.files {
				if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			p, v, err := Newest(dir)
			if err != nil {
				t.Fatal(err)
			}
			if v != tt.want || p != filepath.Join(dir, "vmlinuz-"+tt.want) {
				t.Errorf("Newest = %s, %s; want version %s", p, v, tt.want)
			}
		})
	}
}

func TestNewestNone(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := Newest(dir); err == nil || !strings.Contains(err.Error(), "no vmlinuz") {
		t.Fatalf("Newest on empty dir: err = %v", err)
	}
}

func TestCompareVersions(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"6.1.0-56-amd64", "6.1.0-9-amd64", 1},
		{"6.1.0-9-amd64", "6.1.0-56-amd64", -1},
		{"6.1.0", "6.1.0", 0},
		{"6.1.0-1", "6.1.0", 1},
		{"6.1.0-1-amd64", "6.1.0-1-arm64", -1},
	}
	for _, tt := range tests {
		if got := compareVersions(tt.a, tt.b); got != tt.want {
			t.Errorf("compareVersions(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
