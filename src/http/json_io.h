#pragma once
// JSON in and out for handlers: the body parsed into an object, typed field
// readers whose errors name the field, and the success/error responses.
#include <boost/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "http/message.h"

namespace wsp {

// The body as a JSON object; an empty body is an empty object. Malformed
// JSON or a non-object is a 400.
Result<boost::json::object> parse_object(const Request& req);

// Reads fields of a request object. Each reader returns nullopt when the
// field is absent or null, and a 400 naming the field when it has the wrong
// type. `required_*` turn absence into "<Label> is required".
class Fields {
  public:
    explicit Fields(const boost::json::object& obj) : obj_(obj) {}

    Result<std::optional<std::string>> string(const char* key) const;
    Result<std::optional<int64_t>> integer(const char* key) const;
    Result<std::optional<bool>> boolean(const char* key) const;
    Result<std::optional<std::vector<std::string>>> strings(const char* key) const;

    Result<std::string> required_string(const char* key, const char* label) const;
    Result<bool> required_boolean(const char* key, const char* label) const;

  private:
    const boost::json::object& obj_;
};

Response json_response(const boost::json::value& body, unsigned status = 200);
Response message_response(const std::string& message, unsigned status = 200);

// The one error envelope: {"success":false,"code":...,"error":...,
// "message":...,"status":...}. Nothing else writes error JSON. An internal
// error's details are replaced by "Internal server error".
boost::json::object error_json(const Error& error, unsigned status);
boost::json::object error_json(const Error& error);
// The envelope as an answer; an internal error's details are logged here.
Response error_response(const Error& error);
// The same envelope with a status of its own, for the few answers that no
// Code names (412, 415, 416 of downloads and tus uploads).
Response error_response(const Error& error, unsigned status);
unsigned status_of(Code code);

}  // namespace wsp
