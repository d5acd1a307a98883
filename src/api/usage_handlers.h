#pragma once
// Package usage: what an account uses of its limits (GET /users/{u}/usage)
// and every account's at a glance (GET /usage); the admin dashboard's
// figures (GET /system/stats).
#include "http/message.h"
#include "services/services.h"

namespace wsp::api {

Response user_usage(Services& s, const Request& r);
Response all_usage(Services& s, const Request& r);
Response system_stats(Services& s, const Request& r);

}  // namespace wsp::api
