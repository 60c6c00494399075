// Package ferclient is a small client for the fer.v1.Recognition gRPC service: unary calls with
// retries, and ordered streams with a bounded number of frames in flight that reconnect with
// exponential backoff when the server is UNAVAILABLE.
//
//	c, _ := ferclient.Dial("127.0.0.1:50151")
//	defer c.Close()
//	resp, err := c.RecognizeImage(ctx, ferclient.Request(jpegBytes, true))
package ferclient

import (
	"context"
	"errors"
	"io"
	"iter"
	"math/rand/v2"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	ferv1 "github.com/fer-server/fer/clients/go/ferv1"
)

// DefaultTarget is where a fer server listens by default in this project's examples and tests.
const DefaultTarget = "127.0.0.1:50151"

// MaxMessageBytes bounds messages both ways (camera frames can be large).
const MaxMessageBytes = 64 << 20

// Backoff says how long to wait between reconnects when the server is UNAVAILABLE:
// attempt k (0-based) waits min(Initial*Multiplier^k, Max), +/- Jitter (a fraction).
// MaxAttempts counts retries in a row without progress; 0 disables retrying.
type Backoff struct {
	Initial     time.Duration
	Max         time.Duration
	Multiplier  float64
	Jitter      float64
	MaxAttempts int
}

// DefaultBackoff: 0.2 s, 0.4 s, 0.8 s ... up to 10 s, six tries.
var DefaultBackoff = Backoff{Initial: 200 * time.Millisecond, Max: 10 * time.Second, Multiplier: 2, Jitter: 0.2, MaxAttempts: 6}

// Delay is the wait before retry number attempt (0-based).
func (b Backoff) Delay(attempt int) time.Duration {
	d := float64(b.Initial)
	for i := 0; i < attempt && d < float64(b.Max); i++ {
		d *= b.Multiplier
	}
	if d > float64(b.Max) {
		d = float64(b.Max)
	}
	if b.Jitter > 0 {
		d *= 1 + b.Jitter*(2*rand.Float64()-1)
	}
	return time.Duration(d)
}

// Client talks to one fer server. It is safe for concurrent use.
type Client struct {
	conn    *grpc.ClientConn
	rpc     ferv1.RecognitionClient
	Backoff Backoff
	// Sleep waits between retries; tests replace it. It returns early with ctx's error.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Dial makes a client for target ("host:port"). Without options the connection is plaintext;
// pass grpc.WithTransportCredentials(...) for TLS. Connecting is lazy.
func Dial(target string, opts ...grpc.DialOption) (*Client, error) {
	all := []grpc.DialOption{
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(MaxMessageBytes), grpc.MaxCallSendMsgSize(MaxMessageBytes)),
	}
	conn, err := grpc.NewClient(target, append(all, opts...)...)
	if err != nil {
		return nil, err
	}
	return New(conn), nil
}

// New wraps an existing connection (the caller keeps owning it unless it calls Close).
func New(conn *grpc.ClientConn) *Client {
	return &Client{conn: conn, rpc: ferv1.NewRecognitionClient(conn), Backoff: DefaultBackoff, Sleep: sleepCtx}
}

// Conn is the underlying connection (e.g. for health checks).
func (c *Client) Conn() *grpc.ClientConn { return c.conn }

// Close closes the connection.
func (c *Client) Close() error { return c.conn.Close() }

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Retryable reports whether err means "try again later" (UNAVAILABLE).
func Retryable(err error) bool {
	return status.Code(err) == codes.Unavailable
}

func retry[T any](ctx context.Context, c *Client, call func() (T, error)) (T, error) {
	for attempt := 0; ; attempt++ {
		v, err := call()
		if err == nil || !Retryable(err) || attempt >= c.Backoff.MaxAttempts {
			return v, err
		}
		if serr := c.Sleep(ctx, c.Backoff.Delay(attempt)); serr != nil {
			return v, err
		}
	}
}

// Encoded wraps an encoded image file (JPEG, PNG, BMP, GIF).
func Encoded(data []byte) *ferv1.Image {
	return &ferv1.Image{Kind: &ferv1.Image_Encoded{Encoded: &ferv1.EncodedImage{Data: data}}}
}

// Raw wraps uncompressed pixels (stride 0 = no row padding).
func Raw(data []byte, format ferv1.PixelFormat, width, height, stride uint32) *ferv1.Image {
	return &ferv1.Image{Kind: &ferv1.Image_Raw{Raw: &ferv1.RawImage{Data: data, Format: format, Width: width, Height: height, Stride: stride}}}
}

// Request is a RecognizeRequest for an encoded image; faceCrop says the image is already one face.
func Request(encoded []byte, faceCrop bool) *ferv1.RecognizeRequest {
	return &ferv1.RecognizeRequest{Image: Encoded(encoded), FaceCrop: faceCrop}
}

// FrameError is the error of a failed stream frame (a *status.Status error), or nil.
func FrameError(resp *ferv1.RecognizeResponse) error {
	if resp.GetError() == nil || resp.GetError().GetCode() == 0 {
		return nil
	}
	return status.FromProto(resp.GetError()).Err()
}

// RecognizeImage recognises one image (unary). Errors are the call's gRPC status.
func (c *Client) RecognizeImage(ctx context.Context, req *ferv1.RecognizeRequest, opts ...grpc.CallOption) (*ferv1.RecognizeResponse, error) {
	return retry(ctx, c, func() (*ferv1.RecognizeResponse, error) { return c.rpc.RecognizeImage(ctx, req, opts...) })
}

// ListPipelines lists the server's pipelines.
func (c *Client) ListPipelines(ctx context.Context) (*ferv1.ListPipelinesResponse, error) {
	return retry(ctx, c, func() (*ferv1.ListPipelinesResponse, error) {
		return c.rpc.ListPipelines(ctx, &ferv1.ListPipelinesRequest{})
	})
}

// GetPipeline describes a pipeline; "" is the server's default.
func (c *Client) GetPipeline(ctx context.Context, name string) (*ferv1.Pipeline, error) {
	return retry(ctx, c, func() (*ferv1.Pipeline, error) {
		return c.rpc.GetPipeline(ctx, &ferv1.GetPipelineRequest{Name: name})
	})
}

// StreamOptions tunes Stream.
type StreamOptions struct {
	// MaxInFlight bounds frames sent and not yet answered (default 8).
	MaxInFlight int
	// DropPolicy rides on the first request of each call (default: BLOCK, never drop).
	DropPolicy ferv1.DropPolicy
}

// Frames turns encoded images into requests with frame ids 0, 1, 2, ...
func Frames(images [][]byte, faceCrop bool) iter.Seq[*ferv1.RecognizeRequest] {
	return func(yield func(*ferv1.RecognizeRequest) bool) {
		for i, img := range images {
			r := Request(img, faceCrop)
			r.FrameId = uint64(i)
			if !yield(r) {
				return
			}
		}
	}
}

var errEndedEarly = status.Error(codes.Unavailable, "stream ended with frames outstanding")

// Stream sends frames through the bidirectional Recognize call and yields one response per frame,
// in frame order. At most MaxInFlight frames are outstanding: the next frame is pulled from frames
// only when a slot frees up. A bad frame yields a response whose Error is set (see FrameError) and
// the stream goes on. When the connection is lost (UNAVAILABLE), or a frame is answered
// UNAVAILABLE (e.g. the server is still loading its models), the client backs off exponentially,
// reconnects and re-sends the frames not answered yet; after Backoff.MaxAttempts tries in a row a
// lost connection ends the sequence with a final non-nil error, and a per-frame UNAVAILABLE is
// passed through as that frame's error. Breaking out of the loop cancels the call.
func (c *Client) Stream(ctx context.Context, frames iter.Seq[*ferv1.RecognizeRequest], o StreamOptions) iter.Seq2[*ferv1.RecognizeResponse, error] {
	maxInFlight := o.MaxInFlight
	if maxInFlight <= 0 {
		maxInFlight = 8
	}
	return func(yield func(*ferv1.RecognizeResponse, error) bool) {
		next, stop := iter.Pull(frames)
		defer stop()
		s := &streamState{}
		for attempt := 0; ; {
			s.mu.Lock()
			resend := append([]*ferv1.RecognizeRequest(nil), s.pending...)
			finished := len(resend) == 0 && len(s.carry) == 0 && s.exhausted
			s.mu.Unlock()
			if finished {
				return
			}
			progressed, more, err := c.streamOnce(ctx, s, next, resend, maxInFlight, o.DropPolicy, attempt < c.Backoff.MaxAttempts, yield)
			if !more {
				return
			}
			if progressed {
				attempt = 0
			}
			if err == nil {
				continue
			}
			if !Retryable(err) || attempt >= c.Backoff.MaxAttempts || ctx.Err() != nil {
				yield(nil, err)
				return
			}
			if c.Sleep(ctx, c.Backoff.Delay(attempt)) != nil {
				yield(nil, err)
				return
			}
			attempt++
		}
	}
}

type streamState struct {
	mu        sync.Mutex
	pending   []*ferv1.RecognizeRequest // sent, not answered yet
	carry     []*ferv1.RecognizeRequest // pulled while a call was failing: send on the next call
	exhausted bool
}

// streamOnce runs one gRPC call. more=false means the consumer stopped or everything is done.
func (c *Client) streamOnce(ctx context.Context, s *streamState, next func() (*ferv1.RecognizeRequest, bool),
	resend []*ferv1.RecognizeRequest, maxInFlight int, drop ferv1.DropPolicy, mayRetry bool,
	yield func(*ferv1.RecognizeResponse, error) bool) (progressed, more bool, err error) {
	actx, cancel := context.WithCancel(ctx)
	defer cancel()
	call, err := c.rpc.Recognize(actx)
	if err != nil {
		return false, true, err
	}
	slots := make(chan struct{}, maxInFlight)
	for i := len(resend); i < maxInFlight; i++ {
		slots <- struct{}{}
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		first := true
		send := func(r *ferv1.RecognizeRequest) error {
			if first && drop != ferv1.DropPolicy_DROP_POLICY_UNSPECIFIED {
				r = proto.Clone(r).(*ferv1.RecognizeRequest)
				r.StreamOptions = &ferv1.StreamOptions{DropPolicy: drop}
			}
			first = false
			return call.Send(r)
		}
		for _, r := range resend {
			if send(r) != nil {
				return // Recv reports the call's real status
			}
		}
		for {
			select {
			case <-slots:
			case <-actx.Done():
				return
			}
			s.mu.Lock()
			var r *ferv1.RecognizeRequest
			if len(s.carry) > 0 {
				r, s.carry = s.carry[0], s.carry[1:]
			} else if s.exhausted {
				s.mu.Unlock()
				_ = call.CloseSend()
				return
			}
			s.mu.Unlock()
			if r == nil {
				var ok bool
				if r, ok = next(); !ok {
					s.mu.Lock()
					s.exhausted = true
					s.mu.Unlock()
					_ = call.CloseSend()
					return
				}
			}
			s.mu.Lock()
			if actx.Err() != nil {
				s.carry = append([]*ferv1.RecognizeRequest{r}, s.carry...)
				s.mu.Unlock()
				return
			}
			s.pending = append(s.pending, r)
			s.mu.Unlock()
			if send(r) != nil {
				return
			}
		}
	}()
	defer wg.Wait()
	defer cancel() // runs before wg.Wait: unblocks the sender
	for {
		resp, err := call.Recv()
		if errors.Is(err, io.EOF) {
			s.mu.Lock()
			done := len(s.pending) == 0 && len(s.carry) == 0 && s.exhausted
			s.mu.Unlock()
			if done {
				return progressed, false, nil
			}
			return progressed, true, errEndedEarly
		}
		if err != nil {
			return progressed, true, err
		}
		if e := resp.GetError(); e != nil && codes.Code(e.GetCode()) == codes.Unavailable && mayRetry {
			// The server could not take this frame just now (e.g. still loading its models):
			// back off, reconnect and re-send it and the frames after it.
			return progressed, true, status.ErrorProto(e)
		}
		progressed = true
		s.mu.Lock()
		if len(resp.GetDroppedFrameIds()) > 0 {
			dropped := map[uint64]bool{}
			for _, id := range resp.GetDroppedFrameIds() {
				dropped[id] = true
			}
			kept := s.pending[:0:0]
			for _, r := range s.pending {
				if dropped[r.GetFrameId()] {
					slots <- struct{}{}
				} else {
					kept = append(kept, r)
				}
			}
			s.pending = kept
		}
		if len(s.pending) > 0 {
			s.pending = s.pending[1:]
			slots <- struct{}{}
		}
		s.mu.Unlock()
		if !yield(resp, nil) {
			return progressed, false, nil
		}
	}
}
