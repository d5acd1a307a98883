#pragma once
// Turns a service's Result into a response: the encoded value, or the error
// envelope.
#include <boost/json.hpp>

#include "http/json_io.h"

namespace wsp::api {

template <class T, class Encode>
Response respond(const Result<T>& result, Encode&& encode, unsigned status = 200) {
    if (!result.ok()) return error_response(result.error());
    return json_response(encode(result.value()), status);
}

template <class T, class Encode>
Response respond_list(const Result<std::vector<T>>& result, Encode&& encode) {
    if (!result.ok()) return error_response(result.error());
    boost::json::array out;
    for (const auto& item : result.value()) out.emplace_back(encode(item));
    return json_response(out);
}

inline Response respond_message(const Result<void>& result, const std::string& message) {
    if (!result.ok()) return error_response(result.error());
    return message_response(message);
}

}  // namespace wsp::api

// Unwraps a Result inside a handler, answering with its error envelope.
#define TRY_OR_RESPOND(decl, expr)                                      \
    auto WSP_CONCAT(r_, __LINE__) = (expr);                             \
    if (!WSP_CONCAT(r_, __LINE__).ok())                                 \
        return ::wsp::error_response(WSP_CONCAT(r_, __LINE__).error()); \
    decl = std::move(WSP_CONCAT(r_, __LINE__)).value()
