/*
 * The failed-login and registration throttle on the event loop: the
 * address an attempt counts under, the quick look before anything is
 * queued, and the 429 (the engine counts and decides, service.h,
 * news_account_run).
 */

#include "ngx_http_news_auth.h"


/*
 * The address an attempt is counted under: the client's (after nginx's
 * realip module, when set_real_ip_from trusts a proxy), the IPv4 address
 * of an IPv4 client on a dual-stack listener (::ffff:a.b.c.d), and the
 * /64 of an IPv6 client, since one host owns that much.
 */
size_t
ngx_http_news_client_addr(ngx_http_request_t *r, u_char *addr)
{
    struct sockaddr_in   *sin;
#if (NGX_HAVE_INET6)
    struct sockaddr_in6  *sin6;
#endif

    switch (r->connection->sockaddr->sa_family) {

#if (NGX_HAVE_INET6)
    case AF_INET6:
        sin6 = (struct sockaddr_in6 *) r->connection->sockaddr;

        if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
            ngx_memcpy(addr, &sin6->sin6_addr.s6_addr[12], 4);
            return 4;
        }

        ngx_memcpy(addr, sin6->sin6_addr.s6_addr, 8);
        return 8;
#endif

    case AF_INET:
        sin = (struct sockaddr_in *) r->connection->sockaddr;
        ngx_memcpy(addr, &sin->sin_addr.s_addr, 4);
        return 4;

    default:
        ngx_memcpy(addr, "local", 5);
        return 5;
    }
}


/*
 * A quick look before anything is queued: NGX_DECLINED when the attempt
 * may go on to the pool (which checks again, and counts, in its write
 * transaction), or the result of the answer given: 429 or a store error.
 */
ngx_int_t
ngx_http_news_throttled(ngx_http_request_t *r, ngx_http_news_auth_t *a)
{
    int            rc;
    news_err_t     err;
    news_reader_t  rd;

    rc = ngx_http_news_reader(r, &rd, &err);

    if (rc == NEWS_OK) {
        rc = news_read_throttle(&rd, &a->ac, &err);
    }

    news_reader_end(&rd);

    if (rc != NEWS_OK) {
        return ngx_http_news_store_error(r, &err, a->json);
    }

    if (a->ac.wait == 0) {
        return NGX_DECLINED;
    }

    ngx_explicit_memzero(a->ac.pw, sizeof(a->ac.pw));

    return ngx_http_news_auth_limited(r, a);
}


/* 429 with Retry-After, and why */
ngx_int_t
ngx_http_news_auth_limited(ngx_http_request_t *r, ngx_http_news_auth_t *a)
{
    u_char      *p;
    ngx_uint_t   form;
    const char  *code, *text, *msg;

    p = ngx_pnalloc(r->pool, NGX_INT64_LEN + 1);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    *ngx_sprintf(p, "%L", a->ac.wait) = '\0';

    /* never taken in a test: see ngx_http_news_header_out */
    if (ngx_http_news_add_header(r, "Retry-After", (char *) p) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    form = (a->ac.kind == NEWS_ACCOUNT_REGISTER) ? NEWS_ACCOUNT_REGISTER
                                                 : NEWS_ACCOUNT_LOGIN;

    if (a->ac.in_flight) {
        /*
         * another attempt of the account or address is still being
         * checked (a second click, or a client that gave up on the first
         * while its password hashed): nothing failed, so it must not say so
         */
        code = "attempt_in_progress";
        text = "another attempt is in progress; wait for Retry-After seconds";
        msg = "Another attempt is still in progress. Please try again in a "
              "moment.";

    } else if (form == NEWS_ACCOUNT_REGISTER) {
        code = "too_many_registrations";
        text = "too many registrations; wait for Retry-After seconds";
        msg = "Too many registrations from your address. Please wait a "
              "while and try again.";

    } else {
        code = "too_many_attempts";
        text = "too many failed logins; wait for Retry-After seconds";
        msg = "Too many failed logins. Please wait a moment and try again.";
    }

    if (a->json) {
        return ngx_http_news_json_error(r, NGX_HTTP_TOO_MANY_REQUESTS, code,
                                        text);
    }

    return ngx_http_news_form_page(r, form, NGX_HTTP_TOO_MANY_REQUESTS,
                                   &(ngx_str_t) { a->ac.name_len,
                                                  (u_char *) a->ac.name },
                                   &a->next, NULL, msg);
}
