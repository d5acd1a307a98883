#include "http/json_io.h"

#include <spdlog/spdlog.h>

#include <string_view>

namespace wsp {
namespace {

namespace json = boost::json;

// Seconds a client waits before asking again after a 503: a killed server is
// restarted after 1 s and MariaDB takes a few more to accept connections.
constexpr const char* kUnavailableRetryAfter = "5";

Error wrong_type(const char* key, const char* what) {
    return validation(std::string("Field '") + key + "' must be " + what);
}

const json::value* find(const json::object& obj, const char* key) {
    auto it = obj.find(key);
    if (it == obj.end() || it->value().is_null()) return nullptr;
    return &it->value();
}

const char* code_name(Code code) {
    switch (code) {
        case Code::validation:
            return "VALIDATION_ERROR";
        case Code::unauthorized:
            return "UNAUTHORIZED";
        case Code::forbidden:
            return "FORBIDDEN";
        case Code::not_found:
            return "NOT_FOUND";
        case Code::method_not_allowed:
            return "METHOD_NOT_ALLOWED";
        case Code::conflict:
            return "CONFLICT";
        case Code::gone:
            return "GONE";
        case Code::too_large:
            return "PAYLOAD_TOO_LARGE";
        case Code::insufficient_storage:
            return "INSUFFICIENT_STORAGE";
        case Code::rate_limited:
            return "RATE_LIMITED";
        case Code::internal:
            return "INTERNAL_ERROR";
        case Code::unavailable:
            return "SERVICE_UNAVAILABLE";
        case Code::reauth_required:
            return "REAUTH_REQUIRED";
    }
    return "INTERNAL_ERROR";
}

}  // namespace

Result<json::object> parse_object(const Request& req) {
    if (req.body.empty()) return json::object{};
    json::error_code ec;
    json::parse_options opts;
    opts.max_depth = 32;
    json::value v = json::parse(req.body, ec, {}, opts);
    if (ec) return validation("Invalid JSON body: " + ec.message());
    if (!v.is_object()) return validation("Request body must be a JSON object");
    return std::move(v.as_object());
}

Result<std::optional<std::string>> Fields::string(const char* key) const {
    const json::value* v = find(obj_, key);
    if (!v) return std::optional<std::string>();
    if (!v->is_string()) return wrong_type(key, "a string");
    return std::optional<std::string>(std::string(v->as_string()));
}

Result<std::optional<int64_t>> Fields::integer(const char* key) const {
    const json::value* v = find(obj_, key);
    if (!v) return std::optional<int64_t>();
    if (v->is_int64()) return std::optional<int64_t>(v->as_int64());
    if (v->is_uint64() && v->as_uint64() <= INT64_MAX)
        return std::optional<int64_t>(static_cast<int64_t>(v->as_uint64()));
    return wrong_type(key, "an integer");
}

Result<std::optional<bool>> Fields::boolean(const char* key) const {
    const json::value* v = find(obj_, key);
    if (!v) return std::optional<bool>();
    if (!v->is_bool()) return wrong_type(key, "true or false");
    return std::optional<bool>(v->as_bool());
}

Result<std::optional<std::vector<std::string>>> Fields::strings(const char* key) const {
    const json::value* v = find(obj_, key);
    if (!v) return std::optional<std::vector<std::string>>();
    if (!v->is_array()) return wrong_type(key, "an array of strings");
    std::vector<std::string> out;
    for (const auto& e : v->as_array()) {
        if (!e.is_string()) return wrong_type(key, "an array of strings");
        out.emplace_back(e.as_string());
    }
    return std::optional<std::vector<std::string>>(std::move(out));
}

Result<std::string> Fields::required_string(const char* key, const char* label) const {
    TRY(auto v, string(key));
    if (!v || v->empty()) return validation(std::string(label) + " is required");
    return *v;
}

Result<bool> Fields::required_boolean(const char* key, const char* label) const {
    TRY(auto v, boolean(key));
    if (!v) return validation(std::string(label) + " is required");
    return *v;
}

Response json_response(const json::value& body, unsigned status) {
    Response r;
    r.status = status;
    r.body = json::serialize(body);
    return r;
}

Response message_response(const std::string& message, unsigned status) {
    return json_response(json::object{{"message", message}}, status);
}

unsigned status_of(Code code) {
    switch (code) {
        case Code::validation:
            return 400;
        case Code::unauthorized:
            return 401;
        case Code::forbidden:
            return 403;
        case Code::not_found:
            return 404;
        case Code::method_not_allowed:
            return 405;
        case Code::conflict:
            return 409;
        case Code::gone:
            return 410;
        case Code::too_large:
            return 413;
        case Code::insufficient_storage:
            return 507;
        case Code::rate_limited:
            return 429;
        case Code::internal:
            return 500;
        case Code::unavailable:
            return 503;
        case Code::reauth_required:
            return 403;
    }
    return 500;
}

Response error_response(const Error& error) {
    return error_response(error, status_of(error.code));
}

json::object error_json(const Error& error, unsigned status) {
    // Internal details (SQL, errno text, paths) stay in the log.
    std::string message = error.code == Code::internal ? "Internal server error" : error.message;
    return json::object{{"success", false},
                        {"code", code_name(error.code)},
                        {"error", message},
                        {"message", message},
                        {"status", status}};
}

json::object error_json(const Error& error) {
    return error_json(error, status_of(error.code));
}

Response error_response(const Error& error, unsigned status) {
    if (error.code == Code::internal) spdlog::error("internal error: {}", error.message);
    Response r = json_response(error_json(error, status), status);
    // A managed component (MariaDB, ProFTPD, phpMyAdmin) is down: its
    // supervisor restarts it within seconds (back-off 1 s doubling to 30 s),
    // so tell the client when to try again (docs/reliability.md "Faults").
    if (error.code == Code::unavailable && status == 503)
        r.headers.emplace_back("Retry-After", kUnavailableRetryAfter);
    return r;
}

}  // namespace wsp
