/*
 * The site's paths, below the location's prefix and without a leading
 * slash: the router's table (src/http/ngx_http_news_router.c) matches
 * them and the renderers write them into links and form actions, so each
 * path is spelled once, here.  String literals, so that both sides can
 * paste them into other literals and take their size at compile time.
 *
 * A path ending in '/' is followed by a slug (or, for NEWS_ROUTE_USERS, a
 * username); a NEWS_ROUTE_*_SUFFIX follows that slug.
 */

#ifndef NEWS_ROUTES_H
#define NEWS_ROUTES_H


/* HTML pages and forms */
#define NEWS_ROUTE_FRONT             ""
#define NEWS_ROUTE_ARTICLE           "articles/"
#define NEWS_ROUTE_COMMENTS_SUFFIX   "/comments"
#define NEWS_ROUTE_COMMENTS_FEED_SUFFIX "/comments.xml"
#define NEWS_ROUTE_ACTION_SUFFIX     "/comments/action"
#define NEWS_ROUTE_SECTION           "sections/"
#define NEWS_ROUTE_TAG               "tags/"
#define NEWS_ROUTE_LOGIN             "login"
#define NEWS_ROUTE_REGISTER          "register"
#define NEWS_ROUTE_ACCOUNT           "account"
#define NEWS_ROUTE_LOGOUT            "logout"
#define NEWS_ROUTE_MODERATION        "moderation"
#define NEWS_ROUTE_END_SESSIONS      "moderation/sessions"
#define NEWS_ROUTE_MODERATION_WORDS  "moderation/words"
#define NEWS_ROUTE_MODERATION_USER   "moderation/users/"
#define NEWS_ROUTE_MODLOG            "moderation/log"
#define NEWS_ROUTE_MODERATION_REPORTED "moderation/reported"
#define NEWS_ROUTE_COMMENT           "comments/"
#define NEWS_ROUTE_REPORT_SUFFIX     "/report"
#define NEWS_ROUTE_SEARCH            "search"
#define NEWS_ROUTE_DESK              "desk"
#define NEWS_ROUTE_DESK_NEW          "desk/new"
#define NEWS_ROUTE_DESK_ARTICLE      "desk/articles/"
#define NEWS_ROUTE_DESK_DELETE_SUFFIX "/delete"

/* feeds and files for robots */
#define NEWS_ROUTE_FEED              "feed.xml"
#define NEWS_ROUTE_TOPIC_FEED_SUFFIX "/feed.xml"
#define NEWS_ROUTE_SITEMAP           "sitemap.xml"
#define NEWS_ROUTE_ROBOTS            "robots.txt"

/* the JSON API */
#define NEWS_ROUTE_API               "api/"
#define NEWS_ROUTE_API_ARTICLES      "api/articles"
#define NEWS_ROUTE_API_ARTICLE       "api/articles/"
#define NEWS_ROUTE_REVISIONS_SUFFIX  "/revisions"
#define NEWS_ROUTE_CLOSE_SUFFIX      "/comments/close"
#define NEWS_ROUTE_OPEN_SUFFIX       "/comments/open"
#define NEWS_ROUTE_API_COMMENT       "api/comments/"
#define NEWS_ROUTE_API_USERS         "api/users"
#define NEWS_ROUTE_API_USER          "api/users/"
#define NEWS_ROUTE_SESSIONS_SUFFIX   "/sessions"
#define NEWS_ROUTE_SUSPENSION_SUFFIX "/suspension"
#define NEWS_ROUTE_REPORTS_SUFFIX    "/reports"
#define NEWS_ROUTE_FEATURED_SUFFIX   "/featured"
#define NEWS_ROUTE_USER_COMMENTS_SUFFIX "/comments"
#define NEWS_ROUTE_API_MODLOG        "api/moderation/log"
#define NEWS_ROUTE_API_SESSION       "api/session"
#define NEWS_ROUTE_API_SESSIONS      "api/sessions"
#define NEWS_ROUTE_API_SESSION_ONE   "api/sessions/"
#define NEWS_ROUTE_API_ME            "api/me"
#define NEWS_ROUTE_API_ME_DELETE     "api/me/delete"
#define NEWS_ROUTE_API_PASSWORD      "api/password"
#define NEWS_ROUTE_API_SEARCH        "api/search"
#define NEWS_ROUTE_API_WORDS         "api/words"


#endif /* NEWS_ROUTES_H */
