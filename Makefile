# The two commands of the README: `make demo` and `make test`. Both install what they
# need (Debian packages, then a build) on a fresh Debian 12 machine.
SHELL := /bin/bash
SWIFT_ENV := . scripts/find-swift.sh &&
JOBS ?= $(shell nproc)

.PHONY: all deps build release test unit-test vma-diff demo bench deb test-deb clean

all: build

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT_ENV) swift build -j $(JOBS)

# Static Swift runtime, lld with packed relocations and an order file: see the script.
release: deps
	JOBS=$(JOBS) bash scripts/release-build.sh

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

# Debian packages qvd-vma and qvd-client in .build/deb (dpkg-deb only, no network).
deb: release
	bash packaging/build-deb.sh .build/release .build/deb

# File lists and modes, man pages, vma.conf, maintainer scripts (dpkg --root install,
# reinstall, remove, purge into a scratch root), lintian. Root for the install step.
test-deb: deb
	bash packaging/test-deb.sh .build/deb

clean:
	rm -rf .build
