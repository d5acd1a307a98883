#include "drivers/archive_library.h"

#include <dlfcn.h>
#include <spdlog/spdlog.h>

#include <stdexcept>
#include <string>

namespace wsp::libarchive {
namespace {

Functions load() {
    void* handle = ::dlopen("libarchive.so.13", RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        std::string why = std::string("cannot load libarchive (archives, backups): ") + ::dlerror();
        spdlog::error("{}", why);
        throw std::runtime_error(why);
    }
    Functions f;
    const char* missing = nullptr;
#define WSP_LIBARCHIVE_BIND(name)                                        \
    f.name = reinterpret_cast<decltype(f.name)>(::dlsym(handle, #name)); \
    if (!f.name && !missing) missing = #name;
    WSP_LIBARCHIVE_FUNCTIONS(WSP_LIBARCHIVE_BIND)
#undef WSP_LIBARCHIVE_BIND
    if (missing) {
        std::string why = std::string("libarchive lacks ") + missing;
        spdlog::error("{}", why);
        throw std::runtime_error(why);
    }
    return f;
}

}  // namespace

const Functions& functions() {
    // A failed load throws out of the initializer and is tried again on the
    // next call.
    static const Functions loaded = load();
    return loaded;
}

}  // namespace wsp::libarchive
