package ferclient_test

// These tests run against a real fer server. FER_TARGET (host:port) names it; when FER_TARGET is
// set and the server does not answer, every test fails. When it is unset the tests try
// 127.0.0.1:50151 and skip, saying why, if nothing listens there. FER_DATA names the folder that
// holds fer2013/validation/<class>/*.jpg (default: ../shared/data beside the repository root).

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/fer-server/fer/clients/go/ferclient"
	ferv1 "github.com/fer-server/fer/clients/go/ferv1"
)

var (
	client     *ferclient.Client
	serverErr  string // why the server tests cannot run
	explicit   bool
	target     string
	repoRoot   string
	corruptJPG = []byte("\xff\xd8\xff\xe0 this is not really a JPEG")
)

var setupOnce sync.Once

func TestMain(m *testing.M) {
	code := m.Run()
	if client != nil {
		client.Close()
	}
	os.Exit(code)
}

// setup reads the environment inside the tests (not in TestMain) so that `go test`'s cache
// knows the results depend on FER_TARGET and FER_DATA.
func setup() {
	wd, _ := os.Getwd()
	repoRoot = filepath.Clean(filepath.Join(wd, "..", "..", ".."))
	target = strings.TrimSpace(os.Getenv("FER_TARGET"))
	explicit = target != ""
	if !explicit {
		target = ferclient.DefaultTarget
	}
	c, err := ferclient.Dial(target)
	if err != nil {
		serverErr = err.Error()
		return
	}
	client = c
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := healthpb.NewHealthClient(c.Conn()).Check(ctx, &healthpb.HealthCheckRequest{}, grpc.WaitForReady(explicit))
	if err != nil {
		serverErr = fmt.Sprintf("fer server at %s unreachable: %v", target, err)
	} else if resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		serverErr = fmt.Sprintf("fer server at %s is %v", target, resp.GetStatus())
	}
}

// needServer fails (FER_TARGET set) or skips (unset) when the server is not there.
func needServer(t *testing.T) (*ferclient.Client, context.Context) {
	t.Helper()
	setupOnce.Do(setup)
	if serverErr != "" {
		if explicit {
			t.Fatalf("%s (FER_TARGET is set, so this is a failure)", serverErr)
		}
		t.Skipf("%s (set FER_TARGET=host:port to run against a server)", serverErr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return client, ctx
}

// faces: the first two validation crops of each FER2013 class folder.
func faces(t *testing.T) [][]byte {
	t.Helper()
	setupOnce.Do(setup)
	dataDir := os.Getenv("FER_DATA")
	if dataDir == "" {
		dataDir = filepath.Join(repoRoot, "..", "shared", "data")
	}
	root := filepath.Join(dataDir, "fer2013", "validation")
	classes, err := os.ReadDir(root)
	if err != nil {
		t.Skipf("no face crops at %s (set FER_DATA to the folder holding fer2013/validation): %v", root, err)
	}
	var out [][]byte
	for _, cl := range classes {
		if !cl.IsDir() {
			continue
		}
		files, _ := filepath.Glob(filepath.Join(root, cl.Name(), "*.jpg"))
		sort.Strings(files)
		for i := 0; i < len(files) && i < 2; i++ {
			b, err := os.ReadFile(files[i])
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, b)
		}
	}
	if len(out) == 0 {
		t.Skipf("no *.jpg face crops under %s", root)
	}
	return out
}

func checkFace(t *testing.T, f *ferv1.FaceResult, p *ferv1.Pipeline) {
	t.Helper()
	labels := make([]string, 0, len(f.GetScores()))
	sum := 0.0
	best := f.GetScores()[0]
	for _, s := range f.GetScores() {
		labels = append(labels, s.GetLabel())
		sum += float64(s.GetScore())
		if s.GetScore() > best.GetScore() {
			best = s
		}
	}
	if strings.Join(labels, ",") != strings.Join(p.GetClasses(), ",") {
		t.Fatalf("scores cover %v, want every class %v", labels, p.GetClasses())
	}
	if math.Abs(sum-1) > 1e-3 {
		t.Fatalf("scores sum to %v", sum)
	}
	found := false
	for _, c := range p.GetClasses() {
		found = found || c == f.GetLabel()
	}
	if !found || f.GetLabel() != best.GetLabel() {
		t.Fatalf("label %q not the top class %q among %v", f.GetLabel(), best.GetLabel(), p.GetClasses())
	}
}

func collect(t *testing.T, seq func(func(*ferv1.RecognizeResponse, error) bool)) []*ferv1.RecognizeResponse {
	t.Helper()
	var out []*ferv1.RecognizeResponse
	for r, err := range seq {
		if err != nil {
			t.Fatalf("stream failed: %v", err)
		}
		out = append(out, r)
	}
	return out
}

func TestPipelines(t *testing.T) {
	c, ctx := needServer(t)
	list, err := c.ListPipelines(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.GetPipeline(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if list.GetDefaultPipeline() != p.GetName() || len(p.GetClasses()) < 2 {
		t.Fatalf("default %q, pipeline %v", list.GetDefaultPipeline(), p)
	}
}

func TestFaceCropGivesOneFaceWithEveryClassScored(t *testing.T) {
	c, ctx := needServer(t)
	imgs := faces(t)
	p, err := c.GetPipeline(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	req := ferclient.Request(imgs[0], true)
	req.FrameId = 42
	resp, err := c.RecognizeImage(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.GetFrameId() != 42 || resp.GetError() != nil || len(resp.GetFaces()) != 1 {
		t.Fatalf("want frame 42 with one face, got %v", resp)
	}
	checkFace(t, resp.GetFaces()[0], p)
}

func TestStreamOfNFramesGivesNResponsesInOrder(t *testing.T) {
	c, ctx := needServer(t)
	imgs := faces(t)
	p, err := c.GetPipeline(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	got := collect(t, c.Stream(ctx, ferclient.Frames(imgs, true), ferclient.StreamOptions{MaxInFlight: 3}))
	if len(got) != len(imgs) {
		t.Fatalf("%d frames, %d responses", len(imgs), len(got))
	}
	for i, r := range got {
		if r.GetFrameId() != uint64(i) {
			t.Fatalf("response %d has frame id %d", i, r.GetFrameId())
		}
		if err := ferclient.FrameError(r); err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if len(r.GetFaces()) != 1 {
			t.Fatalf("frame %d: %d faces", i, len(r.GetFaces()))
		}
		checkFace(t, r.GetFaces()[0], p)
	}
}

func TestCorruptFrameGetsInvalidArgumentAndStreamGoesOn(t *testing.T) {
	c, ctx := needServer(t)
	imgs := faces(t)
	got := collect(t, c.Stream(ctx, ferclient.Frames([][]byte{imgs[0], corruptJPG, imgs[1]}, true), ferclient.StreamOptions{}))
	if len(got) != 3 {
		t.Fatalf("want 3 responses, got %d", len(got))
	}
	if ferclient.FrameError(got[0]) != nil || ferclient.FrameError(got[2]) != nil {
		t.Fatalf("good frames failed: %v / %v", got[0].GetError(), got[2].GetError())
	}
	if st := status.Convert(ferclient.FrameError(got[1])); st.Code() != codes.InvalidArgument || len(got[1].GetFaces()) != 0 {
		t.Fatalf("corrupt frame: want INVALID_ARGUMENT, got %v", st)
	}
	if len(got[2].GetFaces()) != 1 || got[2].GetFrameId() != 2 {
		t.Fatalf("stream did not go on: %v", got[2])
	}
}

func TestCorruptUnaryImageIsInvalidArgument(t *testing.T) {
	c, ctx := needServer(t)
	_, err := c.RecognizeImage(ctx, ferclient.Request(corruptJPG, true))
	if status.Code(err) != codes.InvalidArgument {
		t.Fatalf("want INVALID_ARGUMENT, got %v", err)
	}
}

func TestStreamAndUnaryAgreeOnTheSameImage(t *testing.T) {
	c, ctx := needServer(t)
	imgs := faces(t)
	p, err := c.GetPipeline(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3 && i < len(imgs); i++ {
		req := ferclient.Request(imgs[i], true)
		req.Variant = p.GetActiveVariant()
		unary, err := c.RecognizeImage(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		one := func(yield func(*ferv1.RecognizeRequest) bool) { yield(req) }
		got := collect(t, c.Stream(ctx, one, ferclient.StreamOptions{}))
		if len(got) != 1 || ferclient.FrameError(got[0]) != nil {
			t.Fatalf("stream: %v", got)
		}
		a, b := unary.GetFaces()[0], got[0].GetFaces()[0]
		if a.GetLabel() != b.GetLabel() || len(a.GetScores()) != len(b.GetScores()) {
			t.Fatalf("unary %v vs stream %v", a, b)
		}
		for j := range a.GetScores() {
			x, y := a.GetScores()[j], b.GetScores()[j]
			if x.GetLabel() != y.GetLabel() || math.Abs(float64(x.GetScore()-y.GetScore())) > 1e-4 {
				t.Fatalf("score %d: unary %v vs stream %v", j, x, y)
			}
		}
	}
}

func TestUnreachableServerRetriesWithBackoffThenFails(t *testing.T) {
	c, err := ferclient.Dial("127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Backoff = ferclient.Backoff{Initial: 10 * time.Millisecond, Max: 40 * time.Millisecond, Multiplier: 2, MaxAttempts: 3}
	var sleeps []time.Duration
	c.Sleep = func(_ context.Context, d time.Duration) error { sleeps = append(sleeps, d); return nil }
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = c.GetPipeline(ctx, "")
	if status.Code(err) != codes.Unavailable {
		t.Fatalf("want UNAVAILABLE, got %v", err)
	}
	if fmt.Sprint(sleeps) != "[10ms 20ms 40ms]" {
		t.Fatalf("backoff sleeps %v", sleeps)
	}
	// A stream gives up the same way, with the error as the sequence's last element.
	sleeps = nil
	var last error
	for _, err := range c.Stream(ctx, ferclient.Frames([][]byte{corruptJPG}, true), ferclient.StreamOptions{}) {
		last = err
	}
	if status.Code(last) != codes.Unavailable || len(sleeps) != 3 {
		t.Fatalf("stream: err %v after sleeps %v", last, sleeps)
	}
}

func TestGeneratedCodeMatchesProto(t *testing.T) {
	setupOnce.Do(setup)
	proto, err := os.ReadFile(filepath.Join(repoRoot, "proto", "fer", "v1", "fer.proto"))
	if err != nil {
		t.Skipf("proto not found: %v", err)
	}
	recorded, err := os.ReadFile(filepath.Join("..", "ferv1", "fer.proto.sha256"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(proto)
	if hex.EncodeToString(sum[:]) != strings.TrimSpace(string(recorded)) {
		t.Fatal("proto/fer/v1/fer.proto changed: run `go generate ./...` in clients/go")
	}
}
