#include "store/json_columns.h"

#include <boost/json.hpp>

namespace wsp {

std::string to_json_array(const std::vector<std::string>& items) {
    boost::json::array a;
    for (const auto& s : items) a.emplace_back(s);
    return boost::json::serialize(a);
}

std::vector<std::string> from_json_array(const std::string& text) {
    std::vector<std::string> out;
    boost::system::error_code ec;
    auto v = boost::json::parse(text, ec);
    if (ec || !v.is_array()) return out;
    for (const auto& e : v.as_array())
        if (e.is_string()) out.emplace_back(e.as_string());
    return out;
}

}  // namespace wsp
