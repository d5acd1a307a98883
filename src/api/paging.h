#pragma once
// `?page=&per_page=` on the lists of per-account items (issue 24): decoding
// the two parameters and the headers that say where the page is.
#include <boost/json.hpp>
#include <cstdint>

#include "base/page.h"
#include "http/json_io.h"
#include "http/message.h"

namespace wsp::api {

// page: 1-based, default 1. per_page: 1..kMaxPerPage; absent with `page`
// given: kDefaultPerPage; both absent: the whole list (as before paging).
// A bad value is a 400 naming the field.
Result<PageSpec> page_spec(const Request& r);

// X-Total-Count: `total`; Link (RFC 8288): first, prev, next and last
// pages, each the request's own path and query with `page` and `per_page`
// set (only when paging was asked for).
void add_page_headers(Response& response, const Request& r, const PageSpec& page, int64_t total);

// A bare JSON array of one page, with the headers above.
template <class T, class Encode>
Response respond_page(const Result<Paged<T>>& result, const Request& r, const PageSpec& page,
                      Encode&& encode) {
    if (!result.ok()) return error_response(result.error());
    boost::json::array out;
    out.reserve(result.value().items.size());
    for (const auto& item : result.value().items) out.emplace_back(encode(item));
    Response response = json_response(out);
    add_page_headers(response, r, page, result.value().total);
    return response;
}

}  // namespace wsp::api
