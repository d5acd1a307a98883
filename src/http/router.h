#pragma once
// The route table: every path, method and handler of the API is data in
// api/routes.cpp, matched here. Trailing slashes are optional; an unknown
// path is 404, a known path with another method 405 with Allow. A HEAD
// request with no HEAD route of its own is answered by the path's GET route
// (the server then sends the header only).
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "http/message.h"

namespace wsp {

struct Services;
struct Config;
using Handler = Response (*)(Services&, const Request&);
// A route whose body is streamed: called on a worker after admission and
// before the body is read (validate, create the temp file); the server then
// feeds the body to the sink in chunks (http/server.cpp).
using SinkOpener = SinkOpening (*)(Services&, const Request&);
// A route's own body limit, read from the configuration at run time
// (e.g. files.max_edit_kb for /files/write). Null: server.max_body_bytes.
using BodyLimit = uint64_t (*)(const Config&);

enum class Access { open, bearer };
// Where the handler runs: on the event loop (only for work that never
// blocks: no store writes, no I/O), or on the worker pool.
enum class Exec { event_loop, worker };

struct Route {
    Verb method;
    std::string_view pattern;  // "/api/v1/users/{username}"
    Handler handler;
    std::string_view area;  // scope a key needs; "" = the caller's own session
    Access access = Access::bearer;
    Exec exec = Exec::worker;
    BodyLimit body_limit = nullptr;
    // Set: the body is streamed into the sink it opens and `handler` is not
    // used (may be null).
    SinkOpener open_sink = nullptr;
};

struct RouteMatch {
    const Route* route = nullptr;  // null: no route for this method
    std::map<std::string, std::string> params;
    std::vector<Verb> allowed;  // route null: the methods the path does have (405)
};

class Router {
  public:
    explicit Router(std::span<const Route> routes);
    // `path` is the raw target path (percent-encoded, no query).
    RouteMatch match(Verb method, std::string_view path) const;
    std::span<const Route> routes() const { return routes_; }

  private:
    struct Compiled {
        const Route* route;
        std::vector<std::string> segments;  // "{x}" for a parameter
        std::vector<bool> parameter;        // per segment: a {name}
    };
    struct Hash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    // The routes a path of N segments can match, by its segment kKeyed
    // ("/api/v1/<auth>/..."): the routes with that literal there, and the
    // routes with a parameter there or fewer segments (`any`). Indexes into
    // compiled_, ascending (table order decides ties and the Allow order).
    static constexpr size_t kKeyed = 2;
    struct Bucket {
        std::unordered_map<std::string, std::vector<uint32_t>, Hash, std::equal_to<>> by_key;
        std::vector<uint32_t> any;
    };
    std::span<const Route> routes_;
    std::vector<Compiled> compiled_;
    // Routes without a parameter by their path (trailing '/' dropped, as
    // split_path does), each method's first in table order: such a route
    // has every segment literal, so no other can beat it (/auth/me and the
    // other hottest routes are answered by one hash lookup).
    std::unordered_map<std::string, std::vector<std::pair<Verb, const Route*>>, Hash,
                       std::equal_to<>>
        exact_;
    std::vector<Bucket> by_size_;  // by segment count
};

// "%41b" -> "Ab"; nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view s);

}  // namespace wsp
