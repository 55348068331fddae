"""Benchmark harness behind `make bench`: gRPC scenarios measured against a bare echo service."""
