# gosparkling: `make notebook` to explore, `make test` to check everything.
# Jupyter comes from Debian's packages and runs on Debian's Python.

GO      ?= go
PYTHON  ?= /usr/bin/python3
JUPYTER ?= /usr/bin/jupyter
# A pysparkling checkout (github.com/svenkreiss/pysparkling, run from source with Debian's
# python3-tz and python3-dateutil) for the bench to compare with; empty: not run.
PYSPARKLING ?=
BIN     := bin/gosparkling
PORT    ?= 8888
# A real S3 server for the integration tests, built from its Go module. The tests run it as
# `versitygw posix --sidecar DIR ROOT`: metadata in a sidecar directory, so that multipart
# uploads (every S3 save) complete; with --nometa, parts over 8 MiB fail with InvalidPart.
VERSITYGW_VERSION := v1.8.0
VERSITYGW := bin/versitygw
# staticcheck, built from its module, checks every package (the Beam runner's with its tag).
STATICCHECK_VERSION := v0.8.2
STATICCHECK := bin/staticcheck
# Build tags of every build: duckdb_arrow gives DuckDB's Go binding its Arrow interface, which
# the SQL of package sqlengine needs (without it, sc.SQL says the kernel was built without DuckDB).
TAGS := duckdb_arrow

.PHONY: all build build-beam notebook test test-compiled vet gotest fmt-check generate generate-check staticcheck clean demo bench bench-natural bench-shuffles bench-spill bench-sql

all: build

build:
	scripts/install-deps.sh build
	$(GO) build -tags $(TAGS) -o $(BIN) .

## build-beam: the kernel with the Apache Beam runner (the beam build tag): also a Beam
## worker, and `gosparkling prism` serves Beam's local runner.
build-beam:
	scripts/install-deps.sh build
	$(GO) build -tags beam,$(TAGS) -o $(BIN) .

## notebook: install Jupyter if missing, build (with Beam) and install the kernel, start Jupyter
## on notebooks/.
notebook: build-beam
	scripts/install-deps.sh notebook
	$(BIN) install --user
	@echo "Starting Jupyter on http://127.0.0.1:$(PORT)/ (notebooks/); open the URL with the token below."
	$(JUPYTER) notebook --no-browser --ip=127.0.0.1 --port=$(PORT) --notebook-dir=notebooks \
		$$(if [ "$$(id -u)" = 0 ]; then echo --allow-root; fi)

## demo: execute every notebook headless and write HTML copies, outputs included, to
## notebooks/out/. The kernel is the one built here, found through a private kernelspec in
## bin/demo-jupyter (JUPYTER_PATH), so an installed kernelspec is neither needed nor changed.
DEMO_JUPYTER := $(CURDIR)/bin/demo-jupyter
demo: build-beam
	scripts/install-deps.sh notebook
	$(BIN) install --prefix $(DEMO_JUPYTER)
	JUPYTER_PATH=$(DEMO_JUPYTER)/share/jupyter $(PYTHON) -m nbconvert --to html --execute \
		--ExecutePreprocessor.kernel_name=gosparkling --ExecutePreprocessor.timeout=600 \
		--output-dir notebooks/out notebooks/*.ipynb
	@# Screenshots beside the HTML copies, when Debian's chromium is installed: each page whole,
	@# and from the display tests a 12,000-row table sorted and paged by clicking, and the
	@# charts, profile and job progress in a light and a dark theme (notebooks/out/display/).
	@if [ -x /usr/bin/chromium ]; then \
		for f in notebooks/out/*.html; do \
			profile=$$(mktemp -d); \
			/usr/bin/chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
				--disable-background-networking --user-data-dir=$$profile --window-size=1200,4000 \
				--screenshot=$(CURDIR)/$${f%.html}.png file://$(CURDIR)/$$f 2>/dev/null; \
			rm -rf $$profile; \
		done; \
		GOSPARKLING_SCREENSHOTS=$(CURDIR)/notebooks/out/display $(GO) test -count=1 -run 'TestBrowser' ./display; \
		mkdir -p notebooks/out/live; \
		GOSPARKLING_SCREENSHOTS=$(CURDIR)/notebooks/out/live $(GO) test -count=1 -run 'TestLiveNotebookShowsJobProgressAsAWidget' .; \
		echo "Screenshots: notebooks/out/*.png, notebooks/out/display/*.png and notebooks/out/live/*.png."; \
	else echo "No /usr/bin/chromium: no screenshots (apt-get install chromium)."; fi
	@echo "HTML copies of the executed notebooks are in notebooks/out/."

## test: install what the tests need, then run every test (the notebooks included).
test: fmt-check vet generate-check staticcheck $(VERSITYGW)
	scripts/install-deps.sh test
	@# The kernels of the notebook tests keep their functions interpreted (GOSPARKLING_COMPILE=off):
	@# plugin builds in the background would starve them.
	GOSPARKLING_COMPILE=off GOSPARKLING_E2E=1 PYTHON=$(PYTHON) VERSITYGW=$(CURDIR)/$(VERSITYGW) $(GO) test -tags $(TAGS) -race -count=1 -timeout 20m -skip 'TestCompileCells|TestGoImport' ./...
	@# Building a %%compile cell's plugin, or a cell's functions' (TestCompileCellsTiered), or a
	@# third-party package's (TestGoImport), compiles gosparkling's packages anew (a minute or
	@# more, the first time): alone, so that it does not starve the notebook tests.
	$(GO) test -tags $(TAGS) -race -count=1 -timeout 30m -run 'TestCompileCells|TestGoImport' ./interp
	@# The Beam runner is built only with the beam tag: its packages, the cells that ship
	@# functions to Prism, notebooks/beam.ipynb on the local engine and on Prism (in the
	@# kernel, as a job server, with worker processes), commoncrawl.ipynb on worker processes.
	$(GO) vet -tags beam,$(TAGS) ./beam . ./interp/...
	$(GO) test -race -count=1 -tags beam,$(TAGS) ./beam
	$(GO) test -race -count=1 -tags beam,$(TAGS) -run 'Prism|Shipped|Unshippable' ./interp
	GOSPARKLING_COMPILE=off GOSPARKLING_E2E=1 PYTHON=$(PYTHON) $(GO) test -count=1 -tags beam,$(TAGS) -run 'TestBeam|TestCommonCrawlNotebookOnWorkerProcesses' .

## staticcheck: the checks of honnef.co/go/tools, with the project's defaults.
staticcheck: $(STATICCHECK)
	$(STATICCHECK) -tags $(TAGS) ./...
	$(STATICCHECK) -tags beam,$(TAGS) ./beam

$(STATICCHECK):
	GOBIN=$(CURDIR)/bin $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

## test-compiled: the notebook tests with every function a cell hands the engine compiled
## before its job starts (GOSPARKLING_COMPILE=wait), so that the compiled path is seen to give
## the notebooks' results, and the cells of ./interp compiled and interpreted. Not part of
## `make test`: its plugin builds take minutes (they are cached for the next run).
test-compiled:
	GOSPARKLING_COMPILE=wait GOSPARKLING_E2E=1 PYTHON=$(PYTHON) $(GO) test -tags $(TAGS) -count=1 -run 'Notebook' -skip 'InABrowser|OnWorkerProcesses' .
	$(GO) test -tags $(TAGS) -count=1 -run TestCompileCells ./interp

$(VERSITYGW):
	GOBIN=$(CURDIR)/bin $(GO) install github.com/versity/versitygw/cmd/versitygw@$(VERSITYGW_VERSION)

## bench: write bench/RESULTS.md: the word count interpreted, compiled and hand-written,
## a WET word count, Take(1) over 1,000 files, 10 million distinct keys, two cells whose
## functions compile in the background (interpreted, first run, plugins cached, compiled Go),
## and the natural cells (bench-natural). PYSPARKLING=<a pysparkling checkout> adds pysparkling.
## The inputs are generated once (bench/data, notebooks/data-large); a run takes minutes.
bench:
	test -d notebooks/data-large || $(GO) run ./notebooks/gencrawl -size large
	$(GO) run ./bench -mb 50 -data bench/data -crawl notebooks/data-large -python $(PYTHON) -pysparkling "$(PYSPARKLING)" -out bench/RESULTS.md
	@cat bench/RESULTS.md

## bench-natural: only the natural cells (each run interpreted, first run with an empty
## plugin cache, second run, pysparkling when PYSPARKLING is set, Go with rdd, plain Go),
## replacing their section of bench/RESULTS.md. About ten minutes on 2 cores.
bench-natural:
	test -d notebooks/data-large || $(GO) run ./notebooks/gencrawl -size large
	$(GO) run ./bench -only natural -data bench/data -crawl notebooks/data-large -python $(PYTHON) -pysparkling "$(PYSPARKLING)" -out bench/RESULTS.md

## bench-shuffles: print the shuffle table of bench/RESULTS.md (join, GroupByKey, SortBy,
## Distinct, ReduceByKey against hand-written Go and pysparkling from a source checkout,
## PYSPARKLING=/path/to/pysparkling, run by Debian's python3 with python3-tz, python3-dateutil).
bench-shuffles:
	$(GO) run ./bench/shuffles $(if $(PYSPARKLING),-pysparkling "$(PYSPARKLING)")

## bench-spill: shuffles several times their memory (ReduceByKey, GroupByKey, Distinct of 10M
## elements) under GOMEMLIMIT=256MiB: fails unless each spills and peaks within the limit plus
## its input's memory.
bench-spill:
	$(GO) run ./bench/shuffles -spill 256

## bench-sql: print the time of a GROUP BY over the sample index and over a generated index of
## a million rows (written once under bench/data/sqlindex): DuckDB reading the files, an RDD view,
## RDD methods alone.
bench-sql:
	$(GO) run -tags $(TAGS) ./bench/sqlindex

vet:
	$(GO) vet ./...
	$(GO) vet -tags $(TAGS) ./...

## generate-check: fail when the interpreter's symbol tables are older than the API.
generate-check:
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
		$(GO) generate ./interp/symbols && $(GO) generate -tags beam,$(TAGS) -run genbeam ./interp/symbols && \
		git diff --exit-code --stat -- interp/symbols || \
		{ echo "interp/symbols is stale: run make generate and commit it"; exit 1; }; \
	fi

fmt-check:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "not gofmt-formatted:"; echo "$$unformatted"; exit 1; fi

## generate: regenerate the interpreter's symbol tables after an API change.
generate:
	$(GO) generate ./interp/symbols
	$(GO) generate -tags beam,$(TAGS) -run genbeam ./interp/symbols

clean:
	rm -rf bin
