#pragma once
// The request a handler sees and the response it returns; the server turns
// these into Beast messages.
#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "services/caller.h"

namespace wsp {

using Verb = boost::beast::http::verb;

struct Request {
    Verb method = Verb::get;
    std::string path;                           // decoded, without the query
    std::map<std::string, std::string> params;  // from {name} in the route
    std::map<std::string, std::string> query;
    std::string body;
    std::string content_type;
    std::string client_ip;
    std::string host;    // the Host header (share links build their URL from it)
    std::string accept;  // the Accept header (a browser gets HTML where it helps)
    std::string bearer_token;
    const Caller* caller = nullptr;  // set on authenticated routes

    const std::string& param(const std::string& name) const { return params.at(name); }
};

struct Response {
    unsigned status = 200;
    std::string body;
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;
    // Held before sending without blocking a thread (login slow-down).
    std::chrono::milliseconds delay{0};
};

}  // namespace wsp
