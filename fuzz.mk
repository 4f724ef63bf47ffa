# Fuzzing and sanitizer builds; included by the Makefile.
#
#   make fuzz              build the libFuzzer targets (t/fuzz/fuzz_*.c) with
#                          clang -fsanitize=fuzzer,address,undefined and run
#                          each for FUZZ_SECONDS (default 60) from its seed
#                          corpus t/fuzz/corpus/<target>/; new inputs go to
#                          build/fuzz/corpus/<target>/, crashes to
#                          build/fuzz/crash-<target>-*
#   make fuzz-smoke        the same for FUZZ_SMOKE_SECONDS (3) per target
#   make fuzz-deps         installs clang (Debian 12: clang-14 and
#                          libclang-rt-14-dev, which has the fuzzer runtime)
#   make sanitize          newsctl and the C unit tests built with
#                          -fsanitize=address,undefined into build/asan/,
#                          run: the unit tests, and a newsctl import/export
#                          round trip of demo/seed-article.json; any report
#                          fails the target
#   make sanitize-module   build/asan/ngx_http_news_module.so, built with
#                          ASan+UBSan, for the distro nginx run with
#                          LD_PRELOAD of libasan (see t/fuzz/README)
#   make fuzz-http         the HTTP fuzzer (t/96-fuzz-http.t) against that
#                          module for FUZZ_SECONDS (600 unless given), with
#                          FUZZ_HTTP_SEED (default: the time) and
#                          FUZZ_HTTP_CLIENTS (2); prints the requests sent
#                          and the findings, keeps reports of a failed run
#                          in build/fuzz-http/

FUZZ_CC            ?= clang
FUZZ_SECONDS       ?= 60
FUZZ_SMOKE_SECONDS ?= 3
FUZZ_DIR           := $(BUILD)/fuzz
FUZZ_TARGETS       := $(patsubst t/fuzz/%.c,%,$(wildcard t/fuzz/fuzz_*.c))
FUZZ_BINS          := $(addprefix $(FUZZ_DIR)/,$(FUZZ_TARGETS))
FUZZ_ENGINE        := $(ENGINE_SRCS)
FUZZ_LIBS          := $(LIBS)
FUZZ_CFLAGS        := -g -O1 -std=c11 -D_GNU_SOURCE -Wall -Wextra \
                      -Wno-unused-function -Isrc/engine -It/fuzz \
                      -I/usr/include/libxml2 \
                      -fsanitize=fuzzer,address,undefined \
                      -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_ENV           := ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
                      UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
# -rss_limit_mb stays under the machine's memory with two jobs at once;
# -timeout catches inputs that hang (cmark included)
FUZZ_RUN_FLAGS     := -rss_limit_mb=4096 -timeout=10 -max_len=65536 \
                      -print_final_stats=1

SAN_DIR            := $(BUILD)/asan
SAN_FLAGS          := -fsanitize=address,undefined -fno-sanitize-recover=all \
                      -fno-omit-frame-pointer
SAN_ENV            := ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1 \
                      UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
SAN_UNIT_BINS      := $(patsubst t/unit/%.c,$(SAN_DIR)/unit/%,$(UNIT_SRCS))

.PHONY: fuzz fuzz-smoke fuzz-build fuzz-deps sanitize sanitize-module \
        fuzz-http

fuzz-deps:
	@command -v $(FUZZ_CC) >/dev/null 2>&1 \
	    && dpkg -s libclang-rt-14-dev >/dev/null 2>&1 || { \
	    if [ "$$(id -u)" != 0 ]; then \
	        echo "run as root, or install: clang libclang-rt-14-dev" >&2; \
	        exit 1; fi; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	        apt-get install -y -qq --no-install-recommends clang \
	        libclang-rt-14-dev >/dev/null || exit 1; }

fuzz-build: $(FUZZ_BINS)

$(FUZZ_DIR)/fuzz_%: t/fuzz/fuzz_%.c t/fuzz/fuzz.h $(FUZZ_ENGINE) \
        $(ENGINE_HDRS)
	@mkdir -p $(FUZZ_DIR)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_ENGINE) $(FUZZ_LIBS)

# $(1): seconds per target.  Each target starts from its committed seeds
# plus what earlier runs found; a crash stops the loop with its input kept.
define fuzz_run
	@for t in $(FUZZ_TARGETS); do \
	    mkdir -p $(FUZZ_DIR)/corpus/$$t t/fuzz/corpus/$$t; \
	    echo "fuzz: $$t for $(1) s"; \
	    $(FUZZ_ENV) $(FUZZ_DIR)/$$t $(FUZZ_RUN_FLAGS) \
	        -max_total_time=$(1) \
	        -artifact_prefix=$(FUZZ_DIR)/crash-$$t- \
	        $(FUZZ_DIR)/corpus/$$t t/fuzz/corpus/$$t \
	        > $(FUZZ_DIR)/$$t.log 2>&1 || { \
	        tail -60 $(FUZZ_DIR)/$$t.log; \
	        echo "fuzz: $$t FAILED (log: $(FUZZ_DIR)/$$t.log)" >&2; \
	        exit 1; }; \
	    grep -E '^stat::number_of_executed_units|^Done' \
	        $(FUZZ_DIR)/$$t.log | tr '\n' ' '; echo; \
	done
endef

fuzz: fuzz-deps fuzz-build
	$(call fuzz_run,$(FUZZ_SECONDS))

fuzz-smoke: fuzz-deps fuzz-build
	$(call fuzz_run,$(FUZZ_SMOKE_SECONDS))

# sanitizer builds: the ordinary compiler (gcc's libasan and libubsan
# come with it on Debian)

$(SAN_DIR)/newsctl: $(CTL_SRCS) $(CTL_HDRS) $(ENGINE_SRCS) $(ENGINE_HDRS)
	@mkdir -p $(SAN_DIR)
	$(CC) -O1 -g $(SAN_FLAGS) $(ENGINE_CFLAGS) -o $@ $(CTL_SRCS) \
	    $(ENGINE_SRCS) $(LIBS)

$(SAN_DIR)/unit/%: t/unit/%.c t/unit/tap.h $(ENGINE_SRCS) $(ENGINE_HDRS)
	@mkdir -p $(SAN_DIR)/unit
	$(CC) -O1 -g $(SAN_FLAGS) $(ENGINE_CFLAGS) -Wno-unused-function \
	    -o $@ $< $(ENGINE_SRCS) $(LIBS)

sanitize: $(SAN_DIR)/newsctl $(SAN_UNIT_BINS)
	@fail=0; for t in $(SAN_UNIT_BINS); do \
	    $(SAN_ENV) $$t > $$t.log 2>&1; rc=$$?; \
	    if [ $$rc != 0 ] || grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' $$t.log; then \
	        cat $$t.log; echo "sanitize: $$t FAILED" >&2; fail=1; \
	    else echo "sanitize: $$t ok ($$(grep -c '^ok' $$t.log) tests)"; fi; \
	done; [ $$fail = 0 ]
	@rm -rf $(SAN_DIR)/db && mkdir -p $(SAN_DIR)/db
	@$(SAN_ENV) $(SAN_DIR)/newsctl --db $(SAN_DIR)/db \
	    import demo/seed-article.json > $(SAN_DIR)/import.log 2>&1 \
	    || { cat $(SAN_DIR)/import.log; echo "sanitize: import FAILED" >&2; exit 1; }
	@$(SAN_ENV) $(SAN_DIR)/newsctl --db $(SAN_DIR)/db export \
	    > $(SAN_DIR)/export.json 2> $(SAN_DIR)/export.log \
	    || { cat $(SAN_DIR)/export.log; echo "sanitize: export FAILED" >&2; exit 1; }
	@rm -rf $(SAN_DIR)/db2 && mkdir -p $(SAN_DIR)/db2
	@$(SAN_ENV) $(SAN_DIR)/newsctl --db $(SAN_DIR)/db2 \
	    import $(SAN_DIR)/export.json > $(SAN_DIR)/import2.log 2>&1 \
	    || { cat $(SAN_DIR)/import2.log; echo "sanitize: re-import FAILED" >&2; exit 1; }
	@$(SAN_ENV) $(SAN_DIR)/newsctl --db $(SAN_DIR)/db2 export \
	    > $(SAN_DIR)/export2.json 2> $(SAN_DIR)/export2.log \
	    || { cat $(SAN_DIR)/export2.log; echo "sanitize: export 2 FAILED" >&2; exit 1; }
	@$(SAN_ENV) $(SAN_DIR)/newsctl --db $(SAN_DIR)/db stats \
	    > $(SAN_DIR)/stats.log 2>&1 \
	    || { cat $(SAN_DIR)/stats.log; echo "sanitize: stats FAILED" >&2; exit 1; }
	@grep -q '"us-senator-marco-rubio-confirmed-for-key-security-talks-in-mexico"' \
	    $(SAN_DIR)/export.json || { echo "sanitize: export lacks the seed article" >&2; exit 1; }
	@cmp -s $(SAN_DIR)/export.json $(SAN_DIR)/export2.json \
	    || { diff $(SAN_DIR)/export.json $(SAN_DIR)/export2.json | head; \
	         echo "sanitize: export, import, export differs" >&2; exit 1; }
	@if cat $(SAN_DIR)/*.log | grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:'; then \
	    cat $(SAN_DIR)/*.log; echo "sanitize: reports in newsctl" >&2; exit 1; fi
	@echo "sanitize: newsctl import/export round trip ok"

# The module with ASan+UBSan, for the distro nginx.  The nginx binary
# itself is not instrumented, so libasan must be loaded first:
#   LD_PRELOAD=$(gcc -print-file-name=libasan.so):$(gcc -print-file-name=libubsan.so) \
#   ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 /usr/sbin/nginx ...
# with "load_module build/asan/ngx_http_news_module.so;".
SAN_NGX_CC_OPT := $(NGX_CC_OPT) -O1 $(SAN_FLAGS)
SAN_NGX_LD_OPT := $(NGX_LD_OPT) $(SAN_FLAGS)

$(BUILD)/nginx-asan/objs/Makefile: config
	rm -rf $(BUILD)/nginx-asan
	mkdir -p $(BUILD)
	cp -r $(NGINX_SRC) $(BUILD)/nginx-asan
	cd $(BUILD)/nginx-asan && bash -c '. ./conf_flags && ./configure \
	    "$${NGX_CONF_FLAGS[@]}" --with-cc-opt="$(SAN_NGX_CC_OPT)" \
	    --with-ld-opt="$(SAN_NGX_LD_OPT)" --add-dynamic-module=$(CURDIR)' \
	    > ../configure-asan.log 2>&1 || { tail -20 ../configure-asan.log; exit 1; }

$(SAN_DIR)/ngx_http_news_module.so: $(BUILD)/nginx-asan/objs/Makefile \
        $(HTTP_SRCS) $(HTTP_HDRS) $(ENGINE_SRCS) $(ENGINE_HDRS)
	@mkdir -p $(SAN_DIR)
	$(MAKE) -s -C $(BUILD)/nginx-asan -f objs/Makefile modules
	@# a new inode, as for the plain build: a running nginx keeps the old
	cp $(BUILD)/nginx-asan/objs/ngx_http_news_module.so $@.tmp && mv -f $@.tmp $@

sanitize-module: $(SAN_DIR)/ngx_http_news_module.so

# the sanitizers' runtime, preloaded into the uninstrumented distro nginx
SAN_PRELOAD = $(shell $(CC) -print-file-name=libasan.so):$(shell $(CC) \
              -print-file-name=libubsan.so)

FUZZ_HTTP_SECONDS ?= $(if $(filter command line environment,\
                       $(origin FUZZ_SECONDS)),$(FUZZ_SECONDS),600)
FUZZ_HTTP_SEED    ?= $(shell date +%s)

fuzz-http: deps sanitize-module $(SAN_DIR)/newsctl
	FUZZ_HTTP_SECONDS=$(FUZZ_HTTP_SECONDS) FUZZ_HTTP_SEED=$(FUZZ_HTTP_SEED) \
	TEST_NEWS_BUILD=$(abspath $(SAN_DIR)) ASAN_OPTIONS=detect_leaks=0 \
	TEST_NGINX_PRELOAD="$(SAN_PRELOAD)" prove -v t/96-fuzz-http.t
