#pragma once
// Enums that are written as words (config values, API fields, store
// columns): each has one table of its names, read once at the edge
// (config load, row mapping, request decoding) and compared as enums after.
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace wsp {

template <class E>
struct EnumName {
    E value;
    std::string_view name;
};

template <class E>
std::optional<E> enum_from(std::span<const EnumName<E>> names, std::string_view word) {
    for (const auto& n : names)
        if (n.name == word) return n.value;
    return std::nullopt;
}

template <class E>
std::string_view enum_name(std::span<const EnumName<E>> names, E value) {
    for (const auto& n : names)
        if (n.value == value) return n.name;
    return "?";
}

// "sandbox, system or off": the words a message lists as allowed.
template <class E>
std::string enum_choices(std::span<const EnumName<E>> names) {
    std::string out;
    for (size_t i = 0; i < names.size(); ++i) {
        if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
        out += names[i].name;
    }
    return out;
}

}  // namespace wsp
