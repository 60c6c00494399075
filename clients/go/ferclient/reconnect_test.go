package ferclient_test

import (
	"context"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/fer-server/fer/clients/go/ferclient"
	ferv1 "github.com/fer-server/fer/clients/go/ferv1"
)

// flaky is a fake Recognition server whose first stream dies with UNAVAILABLE after 3 frames.
type flaky struct {
	ferv1.UnimplementedRecognitionServer
	perFrame bool // answer the frame with error UNAVAILABLE instead of ending the call
	mu       sync.Mutex
	calls    int
	received [][]*ferv1.RecognizeRequest
}

func (f *flaky) Recognize(s ferv1.Recognition_RecognizeServer) error {
	f.mu.Lock()
	f.calls++
	call := f.calls
	f.received = append(f.received, nil)
	f.mu.Unlock()
	for n := 0; ; n++ {
		req, err := s.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		f.mu.Lock()
		f.received[call-1] = append(f.received[call-1], req)
		f.mu.Unlock()
		if call == 1 && n == 2 {
			if !f.perFrame {
				return status.Error(codes.Unavailable, "server going away")
			}
			st := status.New(codes.Unavailable, "the server is still loading its models").Proto()
			if err := s.Send(&ferv1.RecognizeResponse{FrameId: req.GetFrameId(), Error: st}); err != nil {
				return err
			}
			continue
		}
		if err := s.Send(&ferv1.RecognizeResponse{FrameId: req.GetFrameId(), Pipeline: "fake"}); err != nil {
			return err
		}
	}
}

func TestStreamReconnectsAndResendsUnansweredFramesInOrder(t *testing.T) {
	for _, perFrame := range []bool{false, true} {
		t.Run(map[bool]string{false: "call dies", true: "frame answered UNAVAILABLE"}[perFrame], func(t *testing.T) {
			testReconnect(t, perFrame)
		})
	}
}

func testReconnect(t *testing.T, perFrame bool) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	fake := &flaky{perFrame: perFrame}
	ferv1.RegisterRecognitionServer(srv, fake)
	go srv.Serve(lis)
	defer srv.Stop()

	c, err := ferclient.Dial(lis.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var sleeps []time.Duration
	c.Backoff.Jitter = 0
	c.Sleep = func(_ context.Context, d time.Duration) error { sleeps = append(sleeps, d); return nil }

	var mu sync.Mutex
	var got []uint64
	worst := 0
	frames := func(yield func(*ferv1.RecognizeRequest) bool) {
		for i := 0; i < 10; i++ {
			mu.Lock()
			if inFlight := i + 1 - len(got); inFlight > worst {
				worst = inFlight
			}
			mu.Unlock()
			r := ferclient.Request([]byte("frame"), true)
			r.FrameId = uint64(i)
			if !yield(r) {
				return
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for resp, err := range c.Stream(ctx, frames, ferclient.StreamOptions{MaxInFlight: 3, DropPolicy: ferv1.DropPolicy_LATEST}) {
		if err != nil {
			t.Fatal(err)
		}
		if ferr := ferclient.FrameError(resp); ferr != nil {
			t.Fatalf("frame %d: %v", resp.GetFrameId(), ferr)
		}
		mu.Lock()
		got = append(got, resp.GetFrameId())
		mu.Unlock()
	}
	for i, id := range got {
		if id != uint64(i) {
			t.Fatalf("responses %v, want 0..9 once each, in order", got)
		}
	}
	if len(got) != 10 || fake.calls != 2 || len(sleeps) != 1 {
		t.Fatalf("responses %v, calls %d, sleeps %v", got, fake.calls, sleeps)
	}
	second := fake.received[1]
	if second[0].GetStreamOptions().GetDropPolicy() != ferv1.DropPolicy_LATEST || second[1].GetStreamOptions() != nil {
		t.Fatalf("stream options must ride on the first request of each call: %v", second[:2])
	}
	if worst > 3+1 {
		t.Fatalf("%d frames in flight with MaxInFlight 3", worst)
	}
}
