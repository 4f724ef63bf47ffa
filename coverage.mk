# Coverage and fault injection (issue 21); included by the Makefile.
#
#   make coverage      builds the test build (below) with gcc --coverage,
#                      runs the C unit tests, replays the fuzz corpora, runs
#                      every integration test (the fault-injection loops in
#                      their short form; COV_FAULTS_FULL=1 for the full
#                      ones in shards, two hours on a loaded 2-core
#                      machine, COV_FAULTS_FULL=wide for every route and
#                      call with one error each) against it,
#                      then prints line and branch coverage per file of
#                      src/ and
#                      ngx_news_module.c with the total; the HTML report is
#                      build/coverage/index.html
#   make test-faults   the fault-injection loops in full (t/7x-*.t with
#                      NEWS_FAULTS_FULL=1) against the test build, t/72's
#                      routes in FAULT_SHARDS (4) nginx side by side; the
#                      shards' logs are in build/cov/faults/
#   make faults-lib    build/faults/liblmdbfault.so, the fault shim
#                      (t/faults/lmdbfault.c), which t/72-fault-injection.t
#                      preloads into the production build's nginx and newsctl
#
# The test build ($(COV_DIR)) is the production source compiled with
# --coverage and -O0, linked against the shim and with -Wl,--wrap for
# nginx's pool allocators and thread-pool post, which live in the nginx
# binary and so cannot be interposed by a preload.  The production build
# ($(BUILD)/ngx_http_news_module.so) is untouched by any of it.
#
# nginx's workers run as nobody and newsctl as root, and both write .gcda
# files when they exit: every .gcda is written under GCOV_PREFIX, a tree in
# /tmp made beforehand with every file world-writable (the harness passes
# GCOV_PREFIX to workers with nginx's `env`), and copied back next to its
# .gcno afterwards, so it works wherever the clone lives.

COV_DIR        := $(BUILD)/cov
COV_REPORT     := $(BUILD)/coverage
# outside the clone: the workers (nobody) may not be able to enter it
COV_GCDA       := $(or $(TMPDIR),/tmp)/news-gcov-$(shell echo '$(CURDIR)' \
                    | md5sum | cut -c1-8)
FAULT_DIR      := $(BUILD)/faults
FAULT_LIB      := $(FAULT_DIR)/liblmdbfault.so
COV_FLAGS      := --coverage -fprofile-update=atomic -O0
COV_WRAP       := -Wl,--wrap=ngx_palloc,--wrap=ngx_pnalloc,--wrap=ngx_pcalloc,--wrap=ngx_thread_task_post
# the task guard's period short enough for a held task to outlive it
COV_NGX_CC_OPT := $(filter-out -O2 -D_FORTIFY_SOURCE=2,$(NGX_CC_OPT)) \
                  $(COV_FLAGS) -DNGX_HTTP_NEWS_GUARD_MS=500
COV_NGX_LD_OPT := $(NGX_LD_OPT) --coverage $(COV_WRAP) $(abspath $(FAULT_LIB))
COV_CFLAGS     := -g $(COV_FLAGS) $(ENGINE_CFLAGS)
COV_UNIT_BINS  := $(patsubst t/unit/%.c,$(COV_DIR)/unit/%,$(UNIT_SRCS))
COV_FUZZ_BINS  := $(patsubst t/fuzz/%.c,$(COV_DIR)/replay/%,\
                    $(wildcard t/fuzz/fuzz_*.c))
# what the integration run leaves out: the unit tests run directly, the
# clang fuzzers are replayed by gcc builds, the benchmark runs its own
# nginx with the production build
COV_TESTS      := $(filter-out t/00-% t/01-% t/90-% t/95-%, $(wildcard t/*.t))
FAULT_TESTS    := t/70-faults.t $(wildcard t/7[2-9]-*.t)

.PHONY: coverage coverage-build coverage-deps faults-lib test-faults

faults-lib: $(FAULT_LIB)

$(FAULT_LIB): t/faults/lmdbfault.c
	@mkdir -p $(FAULT_DIR)
	$(CC) -O1 -g -std=c11 -Wall -Wextra -Werror -fPIC -shared -o $@ $< \
	    -llmdb -ldl -lpthread

coverage-deps:
	@$(MAKE) -s deps PACKAGES=gcovr

$(COV_DIR)/nginx/objs/Makefile: config $(FAULT_LIB)
	rm -rf $(COV_DIR)/nginx
	mkdir -p $(COV_DIR)
	cp -r $(NGINX_SRC) $(COV_DIR)/nginx
	cd $(COV_DIR)/nginx && bash -c '. ./conf_flags && ./configure \
	    "$${NGX_CONF_FLAGS[@]}" --with-cc-opt="$(COV_NGX_CC_OPT)" \
	    --with-ld-opt="$(COV_NGX_LD_OPT)" --add-dynamic-module=$(CURDIR)' \
	    > ../configure.log 2>&1 || { tail -20 ../configure.log; exit 1; }

$(COV_DIR)/ngx_http_news_module.so: $(COV_DIR)/nginx/objs/Makefile $(FAULT_LIB) \
        $(HTTP_SRCS) $(HTTP_HDRS) $(ENGINE_SRCS) $(ENGINE_HDRS)
	$(MAKE) -s -C $(COV_DIR)/nginx -f objs/Makefile modules
	cp $(COV_DIR)/nginx/objs/ngx_http_news_module.so $@.tmp && mv -f $@.tmp $@

$(COV_DIR)/newsctl: $(CTL_SRCS) $(CTL_HDRS) $(ENGINE_SRCS) $(ENGINE_HDRS) \
        $(FAULT_LIB)
	@mkdir -p $(COV_DIR)
	cd $(COV_DIR) && $(CC) $(COV_CFLAGS) -I$(CURDIR)/src/engine -o newsctl \
	    $(addprefix $(CURDIR)/,$(CTL_SRCS) $(ENGINE_SRCS)) \
	    $(abspath $(FAULT_LIB)) $(LIBS)

$(COV_DIR)/unit/%: t/unit/%.c t/unit/tap.h $(ENGINE_SRCS) $(ENGINE_HDRS)
	@mkdir -p $(COV_DIR)/unit
	cd $(COV_DIR)/unit && $(CC) $(COV_CFLAGS) -I$(CURDIR)/src/engine \
	    -Wno-unused-function -o $* $(CURDIR)/$< \
	    $(addprefix $(CURDIR)/,$(ENGINE_SRCS)) $(LIBS)

$(COV_DIR)/replay/%: t/fuzz/%.c t/fuzz/fuzz.h t/faults/fuzz_replay.c \
        $(ENGINE_SRCS) $(ENGINE_HDRS)
	@mkdir -p $(COV_DIR)/replay
	cd $(COV_DIR)/replay && $(CC) $(COV_CFLAGS) -I$(CURDIR)/src/engine \
	    -I$(CURDIR)/t/fuzz -Wno-unused-function -o $* $(CURDIR)/$< \
	    $(CURDIR)/t/faults/fuzz_replay.c \
	    $(addprefix $(CURDIR)/,$(ENGINE_SRCS)) $(LIBS)

coverage-build: $(COV_DIR)/ngx_http_news_module.so $(COV_DIR)/newsctl \
        $(COV_UNIT_BINS) $(COV_FUZZ_BINS)

# the environment of every run that writes coverage data
COV_ENV := GCOV_PREFIX=$(abspath $(COV_GCDA)) GCOV_PREFIX_STRIP=0
COV_FAULTS_FULL ?=

coverage: deps coverage-deps all html-tools
	$(MAKE) -s coverage-build
	@# the fuzzers' own short run adds what it finds to the replayed corpora
	-@$(MAKE) -s fuzz-smoke >/dev/null 2>&1
	@find $(COV_DIR) -name '*.gcda' -delete
	@rm -rf $(COV_GCDA) && mkdir -p $(COV_GCDA) && chmod 755 $(COV_GCDA)
	@find $(abspath $(COV_DIR)) -name '*.gcno' | sed 's/\.gcno$$/.gcda/' \
	    | while read f; do mkdir -p "$(abspath $(COV_GCDA))$$(dirname $$f)" \
	    && : > "$(abspath $(COV_GCDA))$$f"; done
	@find $(COV_GCDA) -type d -exec chmod 755 {} + && \
	    find $(COV_GCDA) -type f -exec chmod 666 {} +
	@echo "coverage: unit tests"
	@for t in $(COV_UNIT_BINS); do $(COV_ENV) $$t > $$t.log 2>&1 \
	    || { cat $$t.log; exit 1; }; done
	@echo "coverage: fuzz corpora"
	@for t in $(COV_FUZZ_BINS); do n=$$(basename $$t); \
	    $(COV_ENV) $$t t/fuzz/corpus/$$n $(FUZZ_DIR)/corpus/$$n \
	    > $$t.log 2>&1 || { cat $$t.log; exit 1; }; done
	@echo "coverage: integration tests and fault injection"
	@# the table is printed even when a test fails; make fails after it
	@# the full loops (COV_FAULTS_FULL=1 or wide) run in shards beside the rest
	$(if $(COV_FAULTS_FULL),$(COV_ENV) $(FAULT_ENV) \
	    NEWS_FAULTS_FULL=$(COV_FAULTS_FULL) \
	    t/faults/shards.sh $(FAULT_SHARDS) $(COV_DIR)/faults \
	    > $(COV_DIR)/faults.log 2>&1 & pid=$$!;) \
	$(COV_ENV) $(FAULT_ENV) prove -j2 \
	    $(if $(COV_FAULTS_FULL),$(filter-out t/72-%,$(COV_TESTS)),$(COV_TESTS)); \
	    rc=$$?; $(if $(COV_FAULTS_FULL),wait $$pid || rc=1; \
	    cat $(COV_DIR)/faults.log;) echo $$rc > $(COV_DIR)/prove.status
	@find $(abspath $(COV_GCDA)) -name "*.gcda" -size +0 | while read f; do \
	    cp "$$f" "$${f#$(abspath $(COV_GCDA))}"; done
	@rm -rf $(COV_REPORT) && mkdir -p $(COV_REPORT)
	@gcovr -r $(CURDIR) -f '$(CURDIR)/src/' -f '$(CURDIR)/ngx_news_module.c' \
	    --exclude-unreachable-branches --gcov-ignore-parse-errors \
	    --json-summary $(COV_REPORT)/summary.json \
	    --html-details $(COV_REPORT)/index.html $(COV_DIR) \
	    > $(COV_REPORT)/gcovr.log 2>&1 || { cat $(COV_REPORT)/gcovr.log; exit 1; }
	@perl t/faults/covtable.pl $(COV_REPORT)/summary.json
	@echo "HTML report: $(COV_REPORT)/index.html"
	@test "$$(cat $(COV_DIR)/prove.status)" = 0 \
	    || { echo "coverage: some tests failed (see above)" >&2; exit 1; }

# t/72's routes in FAULT_SHARDS shards side by side, each its own nginx
# (t/faults/shards.sh), the other fault tests beside them
FAULT_SHARDS ?= 4
FAULT_ENV = TEST_NEWS_BUILD=$(abspath $(COV_DIR)) \
    TEST_NGINX_PRELOAD=$(abspath $(FAULT_LIB)) \
    TEST_NEWS_FAULT_LIB=$(abspath $(FAULT_LIB))

test-faults: deps all $(FAULT_LIB)
	$(MAKE) -s $(COV_DIR)/ngx_http_news_module.so $(COV_DIR)/newsctl
	@start=$$(date +%s); \
	$(FAULT_ENV) NEWS_FAULTS_FULL=1 t/faults/shards.sh $(FAULT_SHARDS) \
	    $(COV_DIR)/faults > $(COV_DIR)/faults.log 2>&1 & pid=$$!; \
	$(FAULT_ENV) NEWS_FAULTS_FULL=1 prove $(filter-out t/72-%,$(FAULT_TESTS)); \
	rc=$$?; wait $$pid || rc=1; cat $(COV_DIR)/faults.log; \
	echo "test-faults: $$(( $$(date +%s) - start )) s"; exit $$rc
