#pragma once
// Share links: the account's side under /api/v1/files/share(s) and the
// public side at /s/{token} (routes in api/files_routes.cpp).
#include "http/message.h"
#include "services/services.h"

namespace wsp::api {

Response files_share_create(Services& s, const Request& r);
Response files_shares_list(Services& s, const Request& r);
Response files_share_revoke(Services& s, const Request& r);

// GET (and HEAD) /s/{token}: no password, or none needed.
Response share_download(Services& s, const Request& r);
// POST /s/{token} with `password` as a form field or JSON: a browser's
// password form, or a script.
Response share_download_with_password(Services& s, const Request& r);

}  // namespace wsp::api
