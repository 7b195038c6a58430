# kskit - DNSSEC key ceremony toolkit.  Plain GNU make.
#
#   make            build tools/kskit into $(BUILD)
#   make check      every test, through prove (TAP); SANITIZE=1 for ASan+UBSan
#   make demo       a SoftHSM token in a temporary directory: init, keygen, test, rng
#   make install    PREFIX, DESTDIR
#
# Missing Debian packages are installed by scripts/install-deps (as root).

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
SHAREDIR ?= $(PREFIX)/share/kskit
DESTDIR ?=
CC ?= cc
SANITIZE ?=
VERSION ?= 0.1.0
PKGS = openssl ldns p11-kit-1 libxml-2.0
TEST_PKGS = cmocka libcacard

ifeq ($(SANITIZE),)
BUILD ?= build
SAN_FLAGS =
SAN_PRELOAD =
else
BUILD ?= build-san
SAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
SAN_PRELOAD = $(BUILD)/nodlclose.so
endif

CFLAGS ?= -O2 -g
WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
       -Werror=implicit -Werror=incompatible-pointer-types -Werror=int-conversion
# Expanded when a recipe runs, after the deps target has installed the libraries.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS))
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -DKSKIT_VERSION='"$(VERSION)"' -Itools \
             $(WARN) $(CFLAGS) $(SAN_FLAGS) $(PKG_CFLAGS)
ALL_LDFLAGS = $(LDFLAGS) $(SAN_FLAGS)

LIB_SRC = $(wildcard tools/lib/*.c)
TOOL_SRC = $(filter-out tools/kskit.c,$(wildcard tools/*.c))
UNIT_SRC = $(wildcard tests/unit/test-*.c)
FUZZ_SRC = $(wildcard tests/fuzz/fuzz-*.c)

LIB_OBJ = $(LIB_SRC:%.c=$(BUILD)/%.o)
TOOL_OBJ = $(TOOL_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/unit/%)
FUZZ_BIN = $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
KSKIT = $(BUILD)/kskit

.PHONY: all deps check demo install clean bench format fuzz

all: $(KSKIT)

deps:
	@scripts/install-deps
	@pkg-config --exists $(PKGS) $(TEST_PKGS) || \
		{ echo "missing libraries: pkg-config cannot find $(PKGS) $(TEST_PKGS)" >&2; exit 1; }

$(BUILD)/.deps-ok: scripts/install-deps | deps
	@mkdir -p $(@D) && touch $@

$(BUILD)/%.o: %.c $(wildcard tools/*.h tools/lib/*.h) $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libkskit.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(KSKIT): $(BUILD)/tools/kskit.o $(TOOL_OBJ) $(BUILD)/libkskit.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

$(BUILD)/unit/%: tests/unit/%.c $(BUILD)/libkskit.a tests/unit/unit.h tests/unit/soft.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(shell pkg-config --cflags cmocka) -o $@ $< $(BUILD)/libkskit.a \
		$(ALL_LDFLAGS) $(PKG_LIBS) $(shell pkg-config --libs cmocka) -lm

$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/replay.c $(BUILD)/libkskit.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< tests/fuzz/replay.c $(BUILD)/libkskit.a $(ALL_LDFLAGS) \
		$(PKG_LIBS) -lm

# The virtual CAC card behind OpenSC's tests (scripts/start-cac).
$(BUILD)/cards/cac-bridge: tests/cards/cac-bridge.c $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(shell pkg-config --cflags libcacard) \
		-o $@ $< $(LDFLAGS) $(shell pkg-config --libs libcacard)

# The software SmartCard-HSM behind OpenSC's card tests (scripts/start-schsm).
SCHSM_SRC = $(wildcard tests/cards/sc-hsm-*.c)
$(BUILD)/cards/sc-hsm-emu: $(SCHSM_SRC) tests/cards/sc-hsm-emu.h $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(SAN_FLAGS) $(shell pkg-config --cflags openssl) \
		-o $@ $(SCHSM_SRC) $(LDFLAGS) $(SAN_FLAGS) $(shell pkg-config --libs openssl)

$(BUILD)/nodlclose.so: tests/nodlclose.c
	@mkdir -p $(@D)
	$(CC) -shared -fPIC -O2 -o $@ $<

# Each test is a TAP producer: cmocka binaries, fuzz corpus replays, sh scripts.
check: $(KSKIT) $(UNIT_BIN) $(FUZZ_BIN) $(SAN_PRELOAD) $(BUILD)/cards/cac-bridge \
	$(BUILD)/cards/sc-hsm-emu
	KSKIT="$(abspath $(KSKIT))" FUZZ_BIN="$(abspath $(BUILD)/fuzz)" \
	CMOCKA_MESSAGE_OUTPUT=TAP $(if $(SAN_PRELOAD),LD_PRELOAD=$(abspath $(SAN_PRELOAD))) \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0:verify_asan_link_order=0 \
	LSAN_OPTIONS=suppressions=$(abspath tests/lsan.supp):print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	prove --exec '' $(PROVE_FLAGS) $(UNIT_BIN) tests/fuzz/replay.t tests/cli/*.t

demo: $(KSKIT)
	KSKIT="$(abspath $(KSKIT))" sh scripts/demo

$(BUILD)/bench/bare-sign: bench/bare-sign.c $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(ALL_LDFLAGS) -ldl

bench: $(KSKIT) $(BUILD)/bench/bare-sign $(BUILD)/cards/cac-bridge
	KSKIT="$(abspath $(KSKIT))" BARE_SIGN="$(abspath $(BUILD)/bench/bare-sign)" sh bench/token-sign
	KSKIT="$(abspath $(KSKIT))" sh bench/ksr-sign
	KSKIT="$(abspath $(KSKIT))" sh bench/zone-sign

install: $(KSKIT)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(SHAREDIR)/ceremony
	install -m 0755 $(KSKIT) $(DESTDIR)$(BINDIR)/kskit
	ln -sf kskit $(DESTDIR)$(BINDIR)/pkcs11-backup
	install -m 0644 man/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0755 ceremony/* $(DESTDIR)$(SHAREDIR)/ceremony/

format:
	clang-format -i $$(find tools tests bench -name "*.[ch]")

clean:
	rm -rf build build-san build-fuzz

include image/image.mk

# Coverage-guided fuzzing with libFuzzer (clang): make fuzz FUZZ_SECONDS=60.
# New crashers go into tests/fuzz/corpus/NAME so make check replays them.
FUZZ_SECONDS ?= 60
fuzz: $(BUILD)/.deps-ok
	@mkdir -p build-fuzz
	for src in $(FUZZ_SRC); do \
		name=$$(basename $$src .c | sed 's/^fuzz-//'); \
		clang -g -O1 -std=c11 -D_GNU_SOURCE -Itools -fsanitize=fuzzer,address,undefined \
			$(PKG_CFLAGS) -o build-fuzz/fuzz-$$name $$src $(LIB_SRC) $(PKG_LIBS) -lm || exit 1; \
		mkdir -p build-fuzz/corpus-$$name; \
		build-fuzz/fuzz-$$name -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=build-fuzz/ \
			build-fuzz/corpus-$$name tests/fuzz/corpus/$$name || exit 1; \
	done
