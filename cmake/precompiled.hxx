// Headers nearly every translation unit parses, compiled once per target
// (CMake target_precompile_headers; docs/architecture.md "Build"). Parsing
// Boost.JSON and spdlog was most of a handler's compile time: a precompiled
// copy takes a quarter to a third off each file. Only widely used, stable
// third-party and standard headers belong here, never the panel's own.
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>
