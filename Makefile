# Ferry — see README.md. Both entry points install what is missing first
# (Debian/Ubuntu, with sudo when not root).
GO ?= go
export PATH := $(PATH):/usr/local/go/bin

.PHONY: demo test build package run deps-demo deps-test deps-package vet

## demo: install the build prerequisites, then open Ferry against its
## embedded demo server on 127.0.0.1 (nothing is left behind on quit)
demo: deps-demo
	$(GO) run . -demo

## test: install what the tests need, then run the whole suite
test: deps-test
	bash scripts/test.sh

## package: build dist/ferry-VERSION-linux-ARCH.tar.xz with fyne package and
## the Windows zip and installer, then check that each installs and starts
## (scripts/package.sh, scripts/package_windows.sh)
package: deps-package
	bash scripts/package.sh

## build: build the ferry binary
build:
	$(GO) build -o ferry .

deps-demo:
	bash scripts/setup.sh demo

deps-test:
	bash scripts/setup.sh test

deps-package:
	bash scripts/setup.sh package
