#pragma once
// The server's two hot TLS operations, reading a request's header and
// writing an in-memory answer, tried synchronously first (issue 24). Through
// Beast's async_read_header and asio's async_write each request went
// through four layers of composed operations (read_op, read_some_op,
// TlsStream's own, a posted completion for a write the socket took at
// once), a third of the panel's own instructions per /auth/me. Here the
// only asynchronous step is the wait for the socket, when there is one.
//
// Same results as the Beast and asio calls they replace: the parser's own
// errors (header_limit, ...), http::error::end_of_stream for a connection
// closed between requests, http::error::partial_message inside one, the
// socket's or TLS's errors otherwise.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>

#include "http/tls_stream.h"

namespace wsp {

// Reads until `parser` has a whole header (what async_read_header does).
boost::asio::awaitable<boost::system::error_code> tls_read_header(
    TlsStream& stream, boost::beast::flat_buffer& buffer,
    boost::beast::http::basic_parser<true>& parser);

// Writes all of `data` (what asio::async_write does).
boost::asio::awaitable<boost::system::error_code> tls_write_all(TlsStream& stream,
                                                                boost::asio::const_buffer data);

}  // namespace wsp
