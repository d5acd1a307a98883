#include "base/names.h"

#include <idn2.h>

#include <algorithm>
#include <cctype>

#include "base/strings.h"

namespace wsp {
namespace {

bool is_lower_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool valid_label(std::string_view label) {
    if (label.empty() || label.size() > 63) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    return std::all_of(label.begin(), label.end(),
                       [](char c) { return is_lower_alnum(c) || c == '-'; });
}

}  // namespace

Result<std::string> validate_username(std::string_view s) {
    bool ok = s.size() >= 2 && s.size() <= 32 && s[0] >= 'a' && s[0] <= 'z' &&
              std::all_of(s.begin(), s.end(), is_lower_alnum);
    if (!ok)
        return validation(
            "Invalid username (2-32 characters: a lowercase letter, then lowercase letters or "
            "digits)");
    return std::string(s);
}

Result<std::string> validate_email(std::string_view s) {
    auto at = s.find('@');
    bool ok =
        !s.empty() && s.size() <= 254 && at != std::string_view::npos && at > 0 &&
        s.find('@', at + 1) == std::string_view::npos &&
        s.find('.', at) != std::string_view::npos && s.back() != '.' && s[at + 1] != '.' &&
        std::none_of(s.begin(), s.end(), [](unsigned char c) { return c <= ' ' || c == 0x7f; });
    if (!ok) return validation("Invalid email address");
    return std::string(s);
}

Result<std::string> validate_password(std::string_view s, std::string_view field) {
    std::string label(field);
    if (!label.empty()) label[0] = static_cast<char>(std::toupper(label[0]));
    if (s.size() < 8) return validation(label + " must be at least 8 characters");
    if (s.size() > 1024) return validation(label + " must be at most 1024 characters");
    if (s.find('\0') != std::string_view::npos) return validation(label + " must not contain NUL");
    return std::string(s);
}

Result<std::string> validate_domain(std::string_view s) {
    const Error invalid = validation("Invalid domain name");
    if (s.empty() || s.size() > 253 || s.find('\0') != std::string_view::npos) return invalid;
    std::string input(s);
    char* ascii = nullptr;
    int rc = idn2_to_ascii_8z(input.c_str(), &ascii, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
    if (rc != IDN2_OK) return invalid;
    std::string name = to_lower(ascii);
    idn2_free(ascii);
    if (name.size() > 253) return invalid;
    size_t labels = 0;
    size_t start = 0;
    std::string_view last;
    while (true) {
        size_t dot = name.find('.', start);
        std::string_view label =
            std::string_view(name).substr(start, dot == std::string::npos ? dot : dot - start);
        if (!valid_label(label)) return invalid;
        ++labels;
        last = label;
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    bool numeric_tld =
        std::all_of(last.begin(), last.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (labels < 2 || numeric_tld) return invalid;
    return name;
}

Result<std::string> validate_package_name(std::string_view s) {
    bool ok = !s.empty() && s.size() <= 32 && is_lower_alnum(s[0]) &&
              std::all_of(s.begin(), s.end(),
                          [](char c) { return is_lower_alnum(c) || c == '_' || c == '-'; });
    if (!ok)
        return validation(
            "Invalid package name (1-32 characters: lowercase letters, digits, '_' or '-')");
    return std::string(s);
}

}  // namespace wsp
