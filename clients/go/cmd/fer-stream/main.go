// Command fer-stream streams a folder of images to a fer server and prints one line per frame.
//
//	go run ./cmd/fer-stream -target 127.0.0.1:50151 -face-crop /path/to/folder
package main

import (
	"context"
	"flag"
	"fmt"
	"iter"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/fer-server/fer/clients/go/ferclient"
	ferv1 "github.com/fer-server/fer/clients/go/ferv1"
)

func main() {
	target := flag.String("target", envOr("FER_TARGET", ferclient.DefaultTarget), "server host:port")
	faceCrop := flag.Bool("face-crop", false, "the images are face crops (skip detection)")
	inFlight := flag.Int("in-flight", 8, "frames in flight at most")
	pipeline := flag.String("pipeline", "", "pipeline (empty: the server's default)")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: fer-stream [flags] FOLDER\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	var files []string
	entries, err := os.ReadDir(flag.Arg(0))
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range entries {
		switch strings.ToLower(filepath.Ext(e.Name())) {
		case ".jpg", ".jpeg", ".png", ".bmp", ".gif":
			files = append(files, filepath.Join(flag.Arg(0), e.Name()))
		}
	}
	sort.Strings(files)

	c, err := ferclient.Dial(*target)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	// Files are read lazily: only when a slot among the frames in flight frees up.
	var frames iter.Seq[*ferv1.RecognizeRequest] = func(yield func(*ferv1.RecognizeRequest) bool) {
		for i, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				log.Printf("%s: %v", f, err)
				data = nil // sent anyway: the server answers INVALID_ARGUMENT for this frame
			}
			r := ferclient.Request(data, *faceCrop)
			r.FrameId, r.Pipeline = uint64(i), *pipeline
			if !yield(r) {
				return
			}
		}
	}
	failed := 0
	for resp, err := range c.Stream(context.Background(), frames, ferclient.StreamOptions{MaxInFlight: *inFlight}) {
		if err != nil {
			log.Fatalf("stream: %v", err)
		}
		name := files[resp.GetFrameId()]
		if ferr := ferclient.FrameError(resp); ferr != nil {
			failed++
			fmt.Printf("%s\terror\t%v\n", name, ferr)
			continue
		}
		if len(resp.GetFaces()) == 0 {
			fmt.Printf("%s\tno face\n", name)
		}
		for _, f := range resp.GetFaces() {
			b := f.GetBox()
			fmt.Printf("%s\t%s\t%.3f\tbox=%.0f,%.0f,%.0fx%.0f\n", name, f.GetLabel(), f.GetConfidence(), b.GetX(), b.GetY(), b.GetWidth(), b.GetHeight())
		}
	}
	if failed > 0 {
		os.Exit(1)
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
