"""Stubs generated from proto/fer/v1/fer.proto by scripts/gen_stubs.sh (do not edit by hand)."""
