# ngx_news_module: `make` builds, `make run` serves the demo, `make test`
# runs every test.  `make run` and `make test` first install what is
# missing from Debian (as root), so a fresh Debian 12 needs nothing else.

NGINX_SRC   ?= /usr/share/nginx/src
NGINX       ?= /usr/sbin/nginx
BUILD       := build
PORT        ?= 8080
DEMO        := $(BUILD)/demo

PACKAGES    := nginx-core nginx-dev liblmdb-dev lmdb-utils libcjson-dev \
               libcmark-dev libargon2-dev libutf8proc-dev libstemmer-dev \
               libpcre2-dev libssl-dev zlib1g-dev gcc make \
               perl libwww-perl wrk libxml2-utils openssl curl \
               libio-socket-ssl-perl libnet-ssleay-perl libsqlite3-dev \
               libxml2-dev libnginx-mod-http-cache-purge \
               libnginx-mod-nchan redis-server

ENGINE_SRCS := $(wildcard src/engine/*.c)
ENGINE_HDRS := $(wildcard src/engine/*.h)
HTTP_SRCS   := ngx_news_module.c $(wildcard src/http/*.c)
HTTP_HDRS   := $(wildcard src/http/*.h)
CTL_SRCS    := $(wildcard src/ctl/*.c)
CTL_HDRS    := $(wildcard src/ctl/*.h)
UNIT_SRCS   := $(wildcard t/unit/test_*.c)
UNIT_BINS   := $(patsubst t/unit/%.c,$(BUILD)/unit/%,$(UNIT_SRCS))

CC          ?= cc
CFLAGS      ?= -O2 -g
# libxml2 (the importers' XML and HTML parsers) links into newsctl and the
# tests, never into the module: config lists none of wxr.c, disqus.c,
# import_xml.c or sanitize.c
ENGINE_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Isrc/engine \
               -I/usr/include/libxml2
LIBS        := -llmdb -lcjson -lcmark -largon2 -lutf8proc -lstemmer \
               -lxml2 -lpthread -lm

# the distro binary's own flags, so that the module loads into it
NGX_CC_OPT  := -g -O2 -fstack-protector-strong -Wformat \
               -Werror=format-security -fPIC -Wdate-time -D_FORTIFY_SOURCE=2
NGX_LD_OPT  := -Wl,-z,relro -Wl,-z,now -fPIC

.PHONY: all deps run test test-asan unit clean bench html-tools audit-tools \
        audit browser

all: $(BUILD)/ngx_http_news_module.so $(BUILD)/newsctl

deps:
	@missing=""; for p in $(PACKAGES); do \
	    dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    if [ "$$(id -u)" != 0 ]; then \
	        echo "run as root, or install:$$missing" >&2; exit 1; fi; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	        apt-get install -y -qq --no-install-recommends $$missing \
	        >/dev/null || exit 1; \
	fi

$(BUILD)/nginx/objs/Makefile: config
	rm -rf $(BUILD)/nginx
	mkdir -p $(BUILD)
	cp -r $(NGINX_SRC) $(BUILD)/nginx
	cd $(BUILD)/nginx && bash -c '. ./conf_flags && ./configure \
	    "$${NGX_CONF_FLAGS[@]}" --with-cc-opt="$(NGX_CC_OPT)" \
	    --with-ld-opt="$(NGX_LD_OPT)" --add-dynamic-module=$(CURDIR)' \
	    > ../configure.log || { tail -20 ../configure.log; exit 1; }

$(BUILD)/ngx_http_news_module.so: $(BUILD)/nginx/objs/Makefile $(HTTP_SRCS) \
        $(HTTP_HDRS) $(ENGINE_SRCS) $(ENGINE_HDRS)
	$(MAKE) -s -C $(BUILD)/nginx -f objs/Makefile modules
	@# a new inode, never an overwrite: a running nginx has the old one
	@# mapped, and changing its pages under it crashes every worker
	cp $(BUILD)/nginx/objs/ngx_http_news_module.so $@.tmp && mv -f $@.tmp $@

$(BUILD)/newsctl: $(CTL_SRCS) $(CTL_HDRS) $(ENGINE_SRCS) $(ENGINE_HDRS)
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) $(ENGINE_CFLAGS) -o $@ $(CTL_SRCS) \
	    $(ENGINE_SRCS) $(LIBS)

$(BUILD)/unit/%: t/unit/%.c $(wildcard t/unit/*.h) $(ENGINE_SRCS) $(ENGINE_HDRS)
	@mkdir -p $(BUILD)/unit
	$(CC) $(CFLAGS) $(ENGINE_CFLAGS) -Wno-unused-function -o $@ $< \
	    $(ENGINE_SRCS) $(LIBS)

unit: $(UNIT_BINS)

# what a comment post writes, database by database (bench/README.md)
$(BUILD)/comment-pages: bench/comment-pages.c $(ENGINE_SRCS) $(ENGINE_HDRS)
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) $(ENGINE_CFLAGS) -o $@ $< $(ENGINE_SRCS) $(LIBS)

# what reading an article page costs the engine (bench/README.md)
$(BUILD)/page-read: bench/page-read.c $(ENGINE_SRCS) $(ENGINE_HDRS)
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) $(ENGINE_CFLAGS) -o $@ $< $(ENGINE_SRCS) $(LIBS)

# (the open-file limit raised to the hard one: t/69 holds 5,000 streams)
test: deps all unit html-tools browser faults-lib
	ulimit -n $$(ulimit -Hn) 2>/dev/null; \
	TEST_NEWS_BUILD=$(abspath $(BUILD)) prove -j2 t/

# The suite that drives the module, again with the module and newsctl built
# with AddressSanitizer and UBSan and their runtime preloaded into the
# distro nginx (fuzz.mk's sanitize and sanitize-module); any report fails.
ASAN_TESTS  := $(filter-out t/00-% t/01-% t/80-% t/90-% t/95-%, \
                 $(wildcard t/*.t))

test-asan: deps sanitize sanitize-module
	TEST_NEWS_BUILD=$(abspath $(BUILD))/asan ASAN_OPTIONS=detect_leaks=0 \
	TEST_NGINX_PRELOAD="$(SAN_PRELOAD)" prove -j2 $(ASAN_TESTS)

# The checkers of issue 8, kept in $(BUILD)/tools (never in the repo): the
# W3C Nu HTML validator (npm's vnu-jar on Debian's Java) for t/80-html.t,
# and Lighthouse on Debian's Chromium for `make audit`.
TOOLS       := $(BUILD)/tools
VNU_JAR     := $(TOOLS)/vnu/node_modules/vnu-jar/build/dist/vnu.jar
LIGHTHOUSE  := $(TOOLS)/lighthouse/node_modules/.bin/lighthouse
NPM_INSTALL := npm install --no-save --no-audit --no-fund --ignore-scripts \
               --loglevel=error --prefix

html-tools:
	@command -v java >/dev/null || $(MAKE) -s deps PACKAGES=default-jre-headless
	@command -v npm >/dev/null || $(MAKE) -s deps PACKAGES="nodejs npm"
	@test -f $(VNU_JAR) || { mkdir -p $(TOOLS)/vnu && \
	    $(NPM_INSTALL) $(TOOLS)/vnu vnu-jar@26.9.27; }

# Debian's Chromium: t/65-browser.t drives it, Lighthouse audits with it
browser:
	@$(MAKE) -s deps PACKAGES="chromium fonts-dejavu-core"

audit-tools: html-tools browser
	@test -x $(LIGHTHOUSE) || { mkdir -p $(TOOLS)/lighthouse && \
	    $(NPM_INSTALL) $(TOOLS)/lighthouse lighthouse@12.8.2; }

# Lighthouse scores of the front page and the seed article (logged out
# and in), screenshots in $(BUILD)/screenshots/; fails under AUDIT_MIN=95
audit: deps all audit-tools
	TEST_NEWS_BUILD=$(abspath $(BUILD)) \
	    LIGHTHOUSE=$(abspath $(LIGHTHOUSE)) perl t/audit.pl

run: deps all
	@rm -rf $(DEMO) && mkdir -p $(DEMO)/logs $(DEMO)/tmp && mkdir -m 700 $(DEMO)/db
	@if [ "$$(id -u)" = 0 ]; then chown nobody:nogroup $(DEMO)/db; \
	    chmod 755 $(DEMO) $(CURDIR)/$(BUILD); fi
	@$(BUILD)/newsctl --db $(DEMO)/db import demo/seed-article.json
	@sed -e 's|%%ROOT%%|$(CURDIR)|g' -e 's|%%DEMO%%|$(CURDIR)/$(DEMO)|g' \
	    -e 's|%%PORT%%|$(PORT)|g' demo/nginx.conf > $(DEMO)/nginx.conf
	@echo "serving http://127.0.0.1:$(PORT)/ (Ctrl-C stops)"
	@echo "the seed article: http://127.0.0.1:$(PORT)/articles/us-senator-marco-rubio-confirmed-for-key-security-talks-in-mexico"
	@echo "log in: register a reader at http://127.0.0.1:$(PORT)/register, or make staff with"
	@echo "  $(BUILD)/newsctl --db $(DEMO)/db user add NAME --role editor   (the password on stdin)"
	$(NGINX) -p $(CURDIR)/$(DEMO)/ -c $(CURDIR)/$(DEMO)/nginx.conf \
	    -e $(CURDIR)/$(DEMO)/logs/error.log -g 'daemon off;'

# the benchmark of issue 6: a table on stdout and bench/results/*.json
# (settings: BENCH_SECONDS and the others at the top of bench/run)
bench: deps all
	bench/run

clean:
	rm -rf $(BUILD)

include fuzz.mk
include coverage.mk
