#include "drivers/curl_library.h"

#include <dlfcn.h>
#include <spdlog/spdlog.h>

namespace wsp {
namespace {

template <class F>
bool bind(void* handle, const char* name, F& target) {
    target = reinterpret_cast<F>(::dlsym(handle, name));
    return target != nullptr;
}

const CurlLibrary* load() {
    void* handle = ::dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        spdlog::error("cannot load libcurl (mail, webhooks): {}", ::dlerror());
        return nullptr;
    }
    static CurlLibrary lib{};
    bool ok = bind(handle, "curl_global_init", lib.global_init) &&
              bind(handle, "curl_easy_init", lib.easy_init) &&
              bind(handle, "curl_easy_setopt", lib.easy_setopt) &&
              bind(handle, "curl_easy_perform", lib.easy_perform) &&
              bind(handle, "curl_easy_getinfo", lib.easy_getinfo) &&
              bind(handle, "curl_easy_cleanup", lib.easy_cleanup) &&
              bind(handle, "curl_easy_strerror", lib.easy_strerror) &&
              bind(handle, "curl_slist_append", lib.slist_append) &&
              bind(handle, "curl_slist_free_all", lib.slist_free_all);
    if (!ok) {
        spdlog::error("libcurl lacks a function the mailer or webhooks need");
        return nullptr;
    }
    lib.global_init(CURL_GLOBAL_DEFAULT);
    return &lib;
}

}  // namespace

const CurlLibrary* curl_library() {
    static const CurlLibrary* lib = load();
    return lib;
}

}  // namespace wsp
