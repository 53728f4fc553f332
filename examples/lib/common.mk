# common.mk: what every report's Makefile shares.  Included from
# examples/CASE/Makefile; `make demo` at the top passes BINDIR and O.
#
# Every rule names the tools it runs as prerequisites, so a rebuilt tool
# reruns the steps that use it and nothing else; a second `make demo`
# with nothing changed does nothing.

TOP    := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/../..)
BINDIR ?= bin
O      ?= build
BIN    := $(if $(filter /%,$(BINDIR)),$(BINDIR),$(TOP)/$(BINDIR))
GEN    := $(if $(filter /%,$(O)),$(O),$(TOP)/$(O))/gen
TESTGEN := $(if $(filter /%,$(O)),$(O),$(TOP)/$(O))/tests
DATA   := $(TOP)/examples/data

PINGDEDUP  = $(BIN)/pingdedup
HISTO      = $(BIN)/histo
SESSIONIZE = $(BIN)/sessionize
MAXCOUNT   = $(BIN)/maxcount
CIDRSCORE  = $(BIN)/cidrscore
ACTORSIG   = $(BIN)/actorsig

MD2HTML = $(TOP)/examples/lib/md2html.awk

# Pipelines fail as a whole when any stage fails.
SHELL = /bin/bash
.SHELLFLAGS = -o pipefail -ec

OUT = out
.DEFAULT_GOAL := all

$(OUT):
	mkdir -p $@

# The report page: Markdown written by report.sh from the results, and a
# self-contained HTML page made from it.
$(OUT)/report.html: $(OUT)/report.md $(MD2HTML)
	awk -v title="$(TITLE)" -v dir=$(OUT) -f $(MD2HTML) $< > $@

clean:
	rm -rf $(OUT)

.PHONY: all clean
.DELETE_ON_ERROR:
