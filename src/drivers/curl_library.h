#pragma once
// libcurl, loaded on first use. Linking it would map libcurl and what it
// pulls in (gnutls, Kerberos, LDAP, ...: about 3.5 MB resident) into every
// panel, though only cron mail uses it. Loading it when the first mail goes
// out keeps an idle panel small (docs/benchmarks.md).
#include <curl/curl.h>

namespace wsp {

struct CurlLibrary {
    CURLcode (*global_init)(long flags);
    CURL* (*easy_init)();
    CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
    CURLcode (*easy_perform)(CURL*);
    CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
    void (*easy_cleanup)(CURL*);
    const char* (*easy_strerror)(CURLcode);
    curl_slist* (*slist_append)(curl_slist*, const char*);
    void (*slist_free_all)(curl_slist*);
};

// The loaded and initialised library, or null when libcurl.so.4 cannot be
// loaded. Thread-safe; loads once.
const CurlLibrary* curl_library();

}  // namespace wsp
