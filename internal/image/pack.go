// Package image packs a VM app (and optionally its kernel) into an OCI
// image archive that `ctr images import` accepts. The annotations travel in
// the image manifest and, because containerd does not hand image
// annotations to the runtime, in urunc.json at the rootfs root.
package image

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"time"

	digest "github.com/opencontainers/go-digest"
	imgspec "github.com/opencontainers/image-spec/specs-go"
	v1 "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/ukrun/ukrun/internal/oci"
)

// Spec is what goes into the image.
type Spec struct {
	Name        string            // image reference, e.g. example.com/hello:1
	App         string            // host path of the app binary; goes to /bin/<name>
	Args        []string          // arguments after the app
	Kernel      string            // host path of a guest kernel; goes to /boot/vmlinuz
	Annotations map[string]string // dev.ukrun.* or com.urunc.unikernel.*
}

// KernelPath is where a packed kernel lives in the image.
const KernelPath = "/boot/vmlinuz"

// Pack writes the image archive to w.
func Pack(w io.Writer, s Spec) error {
	if s.Name == "" || s.App == "" {
		return fmt.Errorf("pack: an image name and an app are required")
	}
	ann := map[string]string{}
	for k, v := range s.Annotations {
		ann[k] = v
	}
	if s.Kernel != "" {
		ann[oci.KeyKernel] = KernelPath
	}
	layer, diffID, err := buildLayer(s, ann)
	if err != nil {
		return err
	}
	app := "/bin/" + filepath.Base(s.App)
	cfg := v1.Image{
		Platform: v1.Platform{Architecture: "amd64", OS: "linux"},
		Config:   v1.ImageConfig{Entrypoint: append([]string{app}, s.Args...), Env: []string{"PATH=/bin"}, Labels: ann},
		RootFS:   v1.RootFS{Type: "layers", DiffIDs: []digest.Digest{diffID}},
	}
	cfgBlob, _ := json.Marshal(cfg)
	manifest := v1.Manifest{
		Versioned:   imgspec.Versioned{SchemaVersion: 2},
		MediaType:   v1.MediaTypeImageManifest,
		Config:      descriptor(v1.MediaTypeImageConfig, cfgBlob),
		Layers:      []v1.Descriptor{descriptor(v1.MediaTypeImageLayerGzip, layer)},
		Annotations: ann,
	}
	mBlob, _ := json.Marshal(manifest)
	md := descriptor(v1.MediaTypeImageManifest, mBlob)
	md.Annotations = map[string]string{"io.containerd.image.name": s.Name, v1.AnnotationRefName: s.Name}
	index, _ := json.Marshal(v1.Index{Versioned: imgspec.Versioned{SchemaVersion: 2}, MediaType: v1.MediaTypeImageIndex, Manifests: []v1.Descriptor{md}})
	layout, _ := json.Marshal(v1.ImageLayout{Version: v1.ImageLayoutVersion})

	tw := tar.NewWriter(w)
	files := []struct {
		name string
		data []byte
	}{
		{v1.ImageLayoutFile, layout}, {"index.json", index},
		{blobPath(cfgBlob), cfgBlob}, {blobPath(layer), layer}, {blobPath(mBlob), mBlob},
	}
	for _, f := range files {
		if err := addFile(tw, f.name, f.data, 0o644); err != nil {
			return err
		}
	}
	return tw.Close()
}

// buildLayer returns the gzipped layer and the digest of its tar.
func buildLayer(s Spec, ann map[string]string) ([]byte, digest.Digest, error) {
	var raw bytes.Buffer
	tw := tar.NewWriter(&raw)
	for _, d := range []string{"bin", "boot"} {
		if err := tw.WriteHeader(&tar.Header{Name: d + "/", Typeflag: tar.TypeDir, Mode: 0o755, ModTime: time.Unix(0, 0)}); err != nil {
			return nil, "", err
		}
	}
	if err := addHostFile(tw, "bin/"+filepath.Base(s.App), s.App); err != nil {
		return nil, "", err
	}
	if s.Kernel != "" {
		if err := addHostFile(tw, KernelPath[1:], s.Kernel); err != nil {
			return nil, "", err
		}
	}
	if len(ann) > 0 {
		b, err := oci.EncodeURunc(ann)
		if err != nil {
			return nil, "", err
		}
		if err := addFile(tw, oci.URuncFile, b, 0o644); err != nil {
			return nil, "", err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, "", err
	}
	diffID := digest.FromBytes(raw.Bytes())
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz) // no name, no time: reproducible
	if _, err := zw.Write(raw.Bytes()); err != nil {
		return nil, "", err
	}
	if err := zw.Close(); err != nil {
		return nil, "", err
	}
	return gz.Bytes(), diffID, nil
}

func addHostFile(tw *tar.Writer, name, src string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("pack: %w", err)
	}
	return addFile(tw, name, b, 0o755)
}

func addFile(tw *tar.Writer, name string, data []byte, mode int64) error {
	h := &tar.Header{Name: name, Mode: mode, Size: int64(len(data)), Typeflag: tar.TypeReg, ModTime: time.Unix(0, 0)}
	if err := tw.WriteHeader(h); err != nil {
		return err
	}
	_, err := tw.Write(data)
	return err
}

func descriptor(mediaType string, blob []byte) v1.Descriptor {
	return v1.Descriptor{MediaType: mediaType, Digest: digest.FromBytes(blob), Size: int64(len(blob))}
}

func blobPath(blob []byte) string {
	return path.Join("blobs", "sha256", fmt.Sprintf("%x", sha256.Sum256(blob)))
}
