// Package ferv1 holds the Go types and gRPC stubs generated from proto/fer/v1/fer.proto.
//
// The .pb.go files are committed; regenerate them after a change to the proto with
// `go generate ./...` (see ../scripts/gen.sh for the tools it needs).
package ferv1

//go:generate ../scripts/gen.sh
