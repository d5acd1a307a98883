#pragma once
// A QR code as an SVG document, made with libqrencode (Debian's
// libqrencode): the 2FA enrolment's otpauth:// URI for authenticator apps.
#include <string>

#include "base/result.h"

namespace wsp {

// Error correction level M, 4-module quiet zone, one <path> of dark
// modules; scales to any size (viewBox in modules).
Result<std::string> qr_svg(const std::string& text);

}  // namespace wsp
