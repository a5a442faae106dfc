# FA-GPT build. `make` builds build/fagpt; `make test`, `make bench`, `make run`; `make asan` builds the
# sanitizer variant into build/asan/. Sources are found by folder: src/lib/<module>/*.c(c) make libfagpt.a,
# src/cli/*.c the fagpt binary, tests/unit/test_*.c one test binary each.

CC      ?= gcc
CXX     ?= g++
BUILD   ?= build
OPT     ?= -O2
CFLAGS  ?= $(OPT) -g
CXXFLAGS?= $(OPT) -g
WARN    := -Wall -Wextra -Werror -Wno-unused-parameter
VERSION := 0.1.0
ALLCFLAGS   = -std=c17 -D_GNU_SOURCE -DFAGPT_VERSION=\"$(VERSION)\" $(WARN) -Isrc/lib -MMD -MP $(CFLAGS) $(SAN)
ALLCXXFLAGS = -std=c++17 $(WARN) -Isrc/lib -MMD -MP $(CXXFLAGS) $(SAN)
MUPDF_LIBS  := -lmupdf -lmupdf-third -lmujs -lgumbo -lopenjp2 -ljbig2dec -ljpeg -lharfbuzz -lfreetype -lpng16 -lz
EXTRA_LIBS  := $(shell cat $(wildcard src/lib/*/LIBS) 2>/dev/null)
LDLIBS  := $(MUPDF_LIBS) -lsqlite3 $(EXTRA_LIBS) -lstdc++ -lpthread -lm

LIB_C   := $(sort $(wildcard src/lib/*/*.c))
LIB_CXX := $(sort $(wildcard src/lib/*/*.cc))
CLI_C   := $(sort $(wildcard src/cli/*.c))
TEST_C  := $(sort $(wildcard tests/unit/test_*.c))
# The web UI (web/*) is embedded into the library by a generated source file (scripts/embed-web.sh).
WEB_FILES := $(sort $(shell find web -type f 2>/dev/null))
GEN_O   := $(BUILD)/gen/web_assets.o
LIB_O   := $(LIB_C:%.c=$(BUILD)/%.o) $(LIB_CXX:%.cc=$(BUILD)/%.o) $(GEN_O)
CLI_O   := $(CLI_C:%.c=$(BUILD)/%.o)
TESTS   := $(TEST_C:tests/unit/%.c=$(BUILD)/tests/%)
DEPS_OK := $(BUILD)/.deps-ok

.PHONY: all test unit asan bench run clean deps FORCE
all: $(BUILD)/fagpt

# Installs missing Debian packages once per build folder (scripts/install-deps is a no-op when all are present).
$(DEPS_OK): scripts/deps.txt scripts/install-deps
	@scripts/install-deps --check 2>/dev/null || scripts/install-deps
	@mkdir -p $(BUILD) && touch $@
deps: $(DEPS_OK)

$(BUILD)/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(ALLCFLAGS) -c $< -o $@
$(BUILD)/%.o: %.cc | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CXX) $(ALLCXXFLAGS) -c $< -o $@

$(BUILD)/libfagpt.a: $(LIB_O)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/fagpt: $(CLI_O) $(BUILD)/libfagpt.a
	$(CC) $(SAN) -o $@ $(CLI_O) $(BUILD)/libfagpt.a $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/check.h $(BUILD)/libfagpt.a | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(ALLCFLAGS) -Itests/unit -o $@ $< $(BUILD)/libfagpt.a $(LDLIBS)

unit: $(TESTS)

# Benchmark programs (bench/*.c), linked like the tests; bench/*.sh build the ones they run with `make -s`.
$(BUILD)/bench/%: bench/%.c $(BUILD)/libfagpt.a | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(ALLCFLAGS) -o $@ $< $(BUILD)/libfagpt.a $(LDLIBS) $(BENCH_LIBS_$*)
# The fires benchmark compares its integrator with GSL's.
BENCH_LIBS_fires_bench = $(shell pkg-config --libs gsl 2>/dev/null)

# src/lib/orders/embed.c builds data/templates and data/examples into the binary (.incbin): rebuild it when they change.
$(BUILD)/src/lib/orders/embed.o: $(wildcard data/templates/* data/examples/*)

# The list of web/ files is written only when it changes, so adding or removing a file regenerates the table.
$(BUILD)/gen/web_files.txt: FORCE
	@mkdir -p $(dir $@)
	@echo '$(WEB_FILES)' | cmp -s - $@ || echo '$(WEB_FILES)' > $@
$(BUILD)/gen/web_assets.c: scripts/embed-web.sh $(BUILD)/gen/web_files.txt $(WEB_FILES)
	@scripts/embed-web.sh $@ $(WEB_FILES)
$(GEN_O): $(BUILD)/gen/web_assets.c | $(DEPS_OK)
	$(CC) $(ALLCFLAGS) -c $< -o $@
# The OpenAPI description is built into the server the same way.
$(BUILD)/src/lib/server/assets.o: src/lib/server/openapi.json

asan:
	$(MAKE) BUILD=build/asan OPT=-O1 SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" all unit

# Every test: unit tests (plain and under ASan/UBSan), then the integration scripts over the real corpus.
test: all unit asan
	@tests/run-all.sh

bench: all
	@bench/run.sh

run: all
	@scripts/run-sample.sh

clean:
	rm -rf $(BUILD)

-include $(LIB_O:.o=.d) $(CLI_O:.o=.d)
