#include "support/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/version.hpp>
#include <cctype>

namespace wsp::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

boost::json::value HttpResult::json() const {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    return ec ? boost::json::value() : v;
}

std::string HttpResult::error() const {
    auto v = json();
    if (!v.is_object() || !v.as_object().contains("error")) return "";
    auto& e = v.as_object().at("error");
    return e.is_string() ? std::string(e.as_string()) : "";
}

std::string HttpResult::header(const std::string& name) const {
    std::string lower;
    for (char c : name) lower.push_back(static_cast<char>(std::tolower(c)));
    auto it = headers.find(lower);
    return it == headers.end() ? "" : it->second;
}

namespace {

template <class Stream>
HttpResult exchange(Stream& stream, http::request<http::string_body>& req) {
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    // A HEAD answer has no body, whatever its Content-Length says.
    if (req.method() == http::verb::head) parser.skip(true);
    http::read(stream, buffer, parser);
    HttpResult r;
    auto& res = parser.get();
    r.status = static_cast<int>(res.result_int());
    for (auto& f : res) {
        std::string name(f.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(c));
        r.headers[name] = std::string(f.value());
    }
    r.body = res.body();
    return r;
}

}  // namespace

HttpResult HttpClient::request(
    const std::string& method, const std::string& target, const std::string& body,
    const std::vector<std::pair<std::string, std::string>>& headers) const {
    asio::io_context io;
    tcp::resolver resolver(io);
    auto endpoints = resolver.resolve("127.0.0.1", std::to_string(port));
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
    req.set(http::field::user_agent, "wispanel-integration-test");
    req.keep_alive(false);
    for (auto& [k, v] : headers) req.set(k, v);
    if (!body.empty()) {
        if (req[http::field::content_type].empty())
            req.set(http::field::content_type, "application/json");
        req.body() = body;
    }
    if (!body.empty() || method == "POST" || method == "PUT") req.prepare_payload();
    if (!tls) {
        beast::tcp_stream stream(io);
        stream.expires_after(std::chrono::seconds(60));
        stream.connect(endpoints);
        auto r = exchange(stream, req);
        beast::error_code ec;
        stream.socket().shutdown(tcp::socket::shutdown_both, ec);
        return r;
    }
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    ctx.set_verify_mode(asio::ssl::verify_none);  // the panel's self-signed certificate
    beast::ssl_stream<beast::tcp_stream> stream(io, ctx);
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(60));
    beast::get_lowest_layer(stream).connect(endpoints);
    stream.handshake(asio::ssl::stream_base::client);
    auto r = exchange(stream, req);
    beast::error_code ec;
    stream.shutdown(ec);
    return r;
}

namespace {
std::vector<std::pair<std::string, std::string>> auth(const std::string& token) {
    if (token.empty()) return {};
    return {{"Authorization", "Bearer " + token}};
}
}  // namespace

HttpResult HttpClient::get(const std::string& target, const std::string& token) const {
    return request("GET", target, "", auth(token));
}

HttpResult HttpClient::del(const std::string& target, const std::string& token) const {
    return request("DELETE", target, "", auth(token));
}

HttpResult HttpClient::post(const std::string& target, const boost::json::value& body,
                            const std::string& token) const {
    return request("POST", target, boost::json::serialize(body), auth(token));
}

HttpResult HttpClient::put(const std::string& target, const boost::json::value& body,
                           const std::string& token) const {
    return request("PUT", target, boost::json::serialize(body), auth(token));
}

HttpResult HttpClient::send_raw(const std::string& method, const std::string& target,
                                const std::string& raw, const std::string& token) const {
    return request(method, target, raw, auth(token));
}

}  // namespace wsp::test
