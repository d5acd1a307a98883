#pragma once
// A path from a request, checked before it goes near the file system. Every
// path in the file API is absolute inside the account's home ("/" is the
// home); this turns it into a relative path of plain names. The confinement
// itself is openat2's job (confined_fs.h); these checks only give clear
// messages for what is malformed.
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace wsp::fs {

inline constexpr size_t kMaxPathBytes = 4096;
inline constexpr size_t kMaxNameBytes = 255;

// "/a/b/" -> "a/b"; "/" -> "". 400 for a NUL byte, an empty segment ("//"),
// a ".." segment, a name over 255 bytes or a path over 4096 bytes (as given,
// and as "/" + the result, the form the API shows), and for a first segment
// in `reserved` (the panel's own directories in the home).
// `field` names the field in messages ("Path", "Destination").
Result<std::string> parse_user_path(std::string_view raw, std::string_view field,
                                    const std::vector<std::string>& reserved);

// "a/b" -> "/a/b"; "" -> "/".
std::string to_user_path(std::string_view relative);

// One plain file name (no "/", no NUL, not "." or "..", 1..255 bytes).
Result<void> check_name(std::string_view name, std::string_view field);

// "a/b" -> {"a", "b"}; "" -> {"", ""}; "x" -> {"", "x"}.
std::pair<std::string, std::string> split_parent(const std::string& relative);

}  // namespace wsp::fs
