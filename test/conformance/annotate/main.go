// Command annotate sets one annotation in an OCI config.json, in place:
//
//	annotate CONFIG.JSON KEY VALUE
//
// It is used by test/conformance/ukrun-vm to turn the bundles that the
// runtime-tools validation suite generates into ukrun VM bundles without
// jq or python3. Numbers are kept exactly (json.Number); the file is
// replaced atomically with the same mode.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: annotate CONFIG.JSON KEY VALUE")
		os.Exit(2)
	}
	if err := annotate(os.Args[1], os.Args[2], os.Args[3]); err != nil {
		fmt.Fprintln(os.Stderr, "annotate:", err)
		os.Exit(1)
	}
}

func annotate(path, key, value string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var spec map[string]any
	if err := dec.Decode(&spec); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if spec == nil {
		return fmt.Errorf("%s: not a JSON object", path)
	}
	ann, _ := spec["annotations"].(map[string]any)
	if ann == nil {
		ann = map[string]any{}
	}
	if old, ok := ann[key]; ok && old == value {
		return nil
	}
	ann[key] = value
	spec["annotations"] = ann
	out, err := json.Marshal(spec)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".config.json.*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(out); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(st.Mode().Perm()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
