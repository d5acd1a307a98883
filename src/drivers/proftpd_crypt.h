#pragma once
// FTP account passwords as crypt(3) strings, the form ProFTPD's
// `SQLAuthTypes Crypt` checks: yescrypt ("$y$..."), from libxcrypt.
#include <string>
#include <string_view>

#include "base/result.h"

namespace wsp {

// A fresh yescrypt hash of `password` with a random salt.
Result<std::string> crypt_hash(std::string_view password);

// True when `password` matches `hash` (any format libcrypt knows).
bool crypt_verify(std::string_view password, const std::string& hash);

}  // namespace wsp
