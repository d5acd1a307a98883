#pragma once
// The request a handler sees and the response it returns; the server turns
// these into Beast messages.
#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "services/caller.h"

namespace wsp {

using Verb = boost::beast::http::verb;

struct Request {
    Verb method = Verb::get;
    std::string path;                                 // decoded, without the query
    std::map<std::string, std::string> params;        // from {name} in the route
    std::map<std::string, std::string> query_params;  // decoded; read with query()
    std::string body;
    std::string content_type;
    std::string client_ip;
    std::string bearer_token;
    const Caller* caller = nullptr;  // set on authenticated routes
    std::string request_id;          // as sent back in X-Request-Id
    // Every request header, names lowercased, in arrival order (Range,
    // If-None-Match, Upload-Offset, ... for the handlers that need them).
    // Filled for Exec::worker routes only (event-loop handlers answer from
    // memory and the copy would cost the hottest routes).
    std::vector<std::pair<std::string, std::string>> headers;

    const std::string& param(const std::string& name) const { return params.at(name); }

    // The query parameter `name`; nullopt when absent (present but empty is "").
    std::optional<std::string> query(const std::string& name) const;
    // The same, absent or empty being a 400 "<label> is required".
    Result<std::string> required_query(const std::string& name, const std::string& label) const;
    // `name` as an integer: nullopt when absent, else the whole value must be
    // one (a 400 "<name> must be an integer").
    Result<std::optional<int64_t>> query_int(const std::string& name) const;
    // A count with a default: `fallback` when absent or empty, else at most 9
    // decimal digits (a 400 "<name> must be a positive integer").
    Result<int64_t> query_int(const std::string& name, int64_t fallback) const;

    // The first header named `lower_name` (lowercase); nullopt when absent.
    std::optional<std::string_view> header(std::string_view lower_name) const {
        for (const auto& [n, v] : headers)
            if (n == lower_name) return std::string_view(v);
        return std::nullopt;
    }
};

// A response body produced piece by piece (a download, a zip stream): the
// server pulls it on the worker pool, one chunk at a time, and writes each
// chunk from the connection's coroutine, so memory stays constant and no
// thread waits for a slow client.
class BodySource {
  public:
    virtual ~BodySource() = default;
    // Fills `buf` with the next bytes (worker thread); 0 at the end. An error
    // ends the connection (the header is already out).
    virtual Result<size_t> read(std::span<char> buf) = 0;
    // When the rest of the body is exactly bytes [offset, offset+length) of
    // an open file, the server may sendfile(2) them on plain HTTP instead of
    // calling read (still on a worker, from this same fd).
    struct FileSpan {
        int fd = -1;
        uint64_t offset = 0;
        uint64_t length = 0;
    };
    virtual std::optional<FileSpan> file_span() { return std::nullopt; }
};

// The rate-limit headers of an authenticated answer (X-RateLimit-Limit,
// -Remaining, -Reset), kept as numbers and written by the server after the
// answer's own headers: three allocated name/value pairs per request
// otherwise.
struct RateLimitHeaders {
    bool present = false;
    bool unlimited = false;  // "unlimited", "unlimited", "0"
    int64_t limit = 0;
    int64_t remaining = 0;
    int64_t reset_at = 0;
    // The three as name/value pairs, in that order.
    std::vector<std::pair<std::string, std::string>> pairs() const;
};

struct Response {
    unsigned status = 200;
    std::string body;
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;
    // Written after `headers`.
    RateLimitHeaders rate_limit;
    // Held before sending without blocking a thread (login slow-down).
    std::chrono::milliseconds delay{0};
    // Streamed body (replaces `body`): sent with Content-Length when
    // `source_length` is set, chunked otherwise. A HEAD request gets the
    // header only and the source is never read.
    std::shared_ptr<BodySource> source;
    std::optional<uint64_t> source_length;
};

// A request body consumed as it arrives (uploads). Every call runs on the
// worker pool, never on the event loop, one at a time and in order.
class BodySink {
  public:
    virtual ~BodySink() = default;
    // The next bytes of the body. An error ends the request: abort() is
    // called, the error is the answer, the connection is closed.
    virtual Result<void> write(std::string_view chunk) = 0;
    // The whole body has arrived: the answer.
    virtual Response finish() = 0;
    // The body will not complete (client gone, timeout, over the limit,
    // error): undo whatever must not stay behind.
    virtual void abort() = 0;
};

// What a streamed route's opener returns: a sink to stream the body into,
// or (sink null) an answer given before the body is read (409, 413, ...).
struct SinkOpening {
    std::unique_ptr<BodySink> sink;
    Response response;
};

}  // namespace wsp
