#pragma once
// The route table: every path, method and handler of the API is data in
// api/routes.cpp, matched here. Trailing slashes are optional; an unknown
// path is 404, a known path with another method 405 with Allow.
#include <cstddef>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"

namespace wsp {

struct Services;
using Handler = Response (*)(Services&, const Request&);

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
};

struct RouteMatch {
    const Route* route = nullptr;  // null: no route for this method
    std::map<std::string, std::string> params;
    std::vector<Verb> allowed;  // methods the path does have (for 405)
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
    };
    std::span<const Route> routes_;
    std::vector<Compiled> compiled_;
};

// "%41b" -> "Ab"; nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view s);

}  // namespace wsp
