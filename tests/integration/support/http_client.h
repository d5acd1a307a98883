#pragma once
// A small blocking HTTP(S) client for integration tests: one connection per
// request, exactly as a customer's script would talk to the panel.
#include <boost/json.hpp>
#include <map>
#include <string>
#include <vector>

namespace wsp::test {

struct HttpResult {
    int status = 0;
    std::map<std::string, std::string> headers;  // names lowercased
    std::string body;

    boost::json::value json() const;
    // For the error envelope: its "error" text ("" when absent).
    std::string error() const;
    std::string header(const std::string& name) const;
};

struct HttpClient {
    int port = 0;
    bool tls = false;

    // `headers` are extra request headers; "Authorization" among them is
    // sent as is.
    HttpResult request(const std::string& method, const std::string& target,
                       const std::string& body = "",
                       const std::vector<std::pair<std::string, std::string>>& headers = {}) const;

    // With "Authorization: Bearer <token>" when token is not empty.
    HttpResult get(const std::string& target, const std::string& token = "") const;
    HttpResult del(const std::string& target, const std::string& token = "") const;
    HttpResult post(const std::string& target, const boost::json::value& body,
                    const std::string& token = "") const;
    HttpResult put(const std::string& target, const boost::json::value& body,
                   const std::string& token = "") const;
    // Sends `raw` bytes as the body (malformed JSON tests).
    HttpResult send_raw(const std::string& method, const std::string& target,
                        const std::string& raw, const std::string& token = "") const;
};

}  // namespace wsp::test
