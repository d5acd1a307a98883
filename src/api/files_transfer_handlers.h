#pragma once
// Uploads (multipart and tus) and downloads (routes in api/files_routes.cpp).
#include "config/config.h"
#include "http/message.h"
#include "services/services.h"

namespace wsp::api {

// Body limits (Route::body_limit).
uint64_t upload_body_limit(const Config& c);  // files.max_upload_mb (+ form overhead)
uint64_t edit_body_limit(const Config& c);    // files.max_edit_kb, JSON-encoded

SinkOpening files_upload(Services& s, const Request& r);
Response files_download(Services& s, const Request& r);

Response files_tus_options(Services& s, const Request& r);
Response files_tus_create(Services& s, const Request& r);
Response files_tus_head(Services& s, const Request& r);
SinkOpening files_tus_patch(Services& s, const Request& r);
Response files_tus_delete(Services& s, const Request& r);

}  // namespace wsp::api
