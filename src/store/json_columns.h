#pragma once
// Lists of strings kept in one TEXT column as a JSON array (scopes, IP
// allow-lists). Unreadable text reads as an empty list.
#include <string>
#include <vector>

namespace wsp {

std::string to_json_array(const std::vector<std::string>& items);
std::vector<std::string> from_json_array(const std::string& text);

}  // namespace wsp
