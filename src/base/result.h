#pragma once
// Errors are values: every fallible function returns Result<T>, which holds
// either a T or an Error. Exceptions never cross a layer boundary.
#include <string>
#include <utility>
#include <variant>

namespace wsp {

// The error codes of the API contract; http/error_response.cpp maps each to
// its status. Services pick the code, handlers never do.
enum class Code {
    validation,    // 400
    unauthorized,  // 401
    forbidden,     // 403
    not_found,     // 404
    method_not_allowed,
    conflict,              // 409
    gone,                  // 410: existed, no longer available (an expired share link)
    too_large,             // 413
    insufficient_storage,  // 507: the package's disk quota (services/disk_usage.h)
    rate_limited,          // 429
    internal,              // 500
    unavailable,           // 503
    reauth_required,       // 403 REAUTH_REQUIRED: a sensitive operation on a stale session
};

struct Error {
    Code code = Code::internal;
    std::string message;
};

inline Error validation(std::string m) {
    return {Code::validation, std::move(m)};
}
inline Error forbidden(std::string m) {
    return {Code::forbidden, std::move(m)};
}
inline Error not_found(std::string m) {
    return {Code::not_found, std::move(m)};
}
inline Error insufficient_storage(std::string m) {
    return {Code::insufficient_storage, std::move(m)};
}
inline Error conflict(std::string m) {
    return {Code::conflict, std::move(m)};
}
inline Error gone(std::string m) {
    return {Code::gone, std::move(m)};
}
inline Error unauthorized(std::string m) {
    return {Code::unauthorized, std::move(m)};
}
inline Error internal(std::string m) {
    return {Code::internal, std::move(m)};
}
inline Error unavailable(std::string m) {
    return {Code::unavailable, std::move(m)};
}
inline Error reauth_required(std::string m) {
    return {Code::reauth_required, std::move(m)};
}

template <class T>
class [[nodiscard]] Result {
  public:
    Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const { return std::get<1>(v_); }

  private:
    std::variant<T, Error> v_;
};

struct Ok {};

template <>
class [[nodiscard]] Result<void> {
  public:
    Result() = default;
    Result(Ok) {}
    Result(Error error) : error_(std::move(error)), ok_(false) {}
    bool ok() const { return ok_; }
    explicit operator bool() const { return ok_; }
    const Error& error() const { return error_; }

  private:
    Error error_;
    bool ok_ = true;
};

}  // namespace wsp

// Propagates an error to the caller: `TRY(auto x, parse(s));`
#define WSP_CONCAT_(a, b) a##b
#define WSP_CONCAT(a, b) WSP_CONCAT_(a, b)
#define TRY_IMPL(tmp, decl, expr)      \
    auto tmp = (expr);                 \
    if (!tmp.ok()) return tmp.error(); \
    decl = std::move(tmp).value()
#define TRY(decl, expr) TRY_IMPL(WSP_CONCAT(try_tmp_, __LINE__), decl, expr)
// For Result<void>: `CHECK_OK(step());`
#define CHECK_OK(expr)                                         \
    do {                                                       \
        auto wsp_check_tmp = (expr);                           \
        if (!wsp_check_tmp.ok()) return wsp_check_tmp.error(); \
    } while (0)
