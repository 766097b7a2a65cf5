# The two commands of the README: `make demo` and `make test`. Both install what they
# need (Debian packages, then a build) on a fresh Debian 12 machine.
SHELL := /bin/bash
SWIFT_ENV := . scripts/find-swift.sh &&
JOBS ?= $(shell nproc)

.PHONY: all deps build release test unit-test vma-diff demo bench clean

all: build

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT_ENV) swift build -j $(JOBS)

# Static Swift runtime and Foundation: the binaries need no Swift runtime in the VM image,
# and qvd-vma maps fewer libraries (idle RSS 28 -> about 23 MiB; Benchmarks/README.md).
release: deps
	$(SWIFT_ENV) swift build -c release --static-swift-stdlib -j $(JOBS)

# The upstream differential test of the VMA (as root), then the unit and end-to-end tests
# (Swift Testing), whose summary is the last thing printed.
test: deps
	$(SWIFT_ENV) swift build --build-tests -j $(JOBS)
	bash scripts/vma-diff.sh .build/debug/qvd-vma
	$(SWIFT_ENV) swift test --skip-build

vma-diff: build
	bash scripts/vma-diff.sh .build/debug/qvd-vma

demo: deps release
	@bash scripts/demo.sh

bench: deps release
	@bash Benchmarks/run.sh

clean:
	rm -rf .build
