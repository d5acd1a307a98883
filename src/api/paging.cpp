#include "api/paging.h"

#include <algorithm>
#include <boost/url.hpp>
#include <string>

namespace wsp::api {

Result<PageSpec> page_spec(const Request& r) {
    const auto page = r.query("page");
    const auto per_page = r.query("per_page");
    if (!page && !per_page) return PageSpec{};
    PageSpec spec;
    TRY(spec.page, r.query_int("page", 1));
    if (spec.page < 1) return validation("page must be a positive integer");
    TRY(spec.per_page, r.query_int("per_page", kDefaultPerPage));
    if (spec.per_page < 1 || spec.per_page > kMaxPerPage)
        return validation("per_page must be between 1 and " + std::to_string(kMaxPerPage));
    return spec;
}

namespace {

// The request's path and query with page and per_page set to these.
std::string page_url(const Request& r, int64_t page, int64_t per_page) {
    boost::urls::url url;
    url.set_path(r.path);
    auto params = url.params();
    for (const auto& [name, value] : r.query_params)
        if (name != "page" && name != "per_page") params.append({name, value});
    params.append({"page", std::to_string(page)});
    params.append({"per_page", std::to_string(per_page)});
    return std::string(url.buffer());
}

}  // namespace

void add_page_headers(Response& response, const Request& r, const PageSpec& page, int64_t total) {
    response.headers.emplace_back("X-Total-Count", std::to_string(total));
    if (page.whole()) return;
    const int64_t last = std::max<int64_t>(1, (total + page.per_page - 1) / page.per_page);
    std::string link;
    auto add = [&](int64_t n, const char* rel) {
        if (!link.empty()) link.append(", ");
        link.append(1, '<').append(page_url(r, n, page.per_page)).append(">; rel=\"");
        link.append(rel).append(1, '"');
    };
    add(1, "first");
    if (page.page > 1) add(std::min(page.page - 1, last), "prev");
    if (page.page < last) add(page.page + 1, "next");
    add(last, "last");
    response.headers.emplace_back("Link", link);
}

}  // namespace wsp::api
