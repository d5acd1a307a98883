#include "http/tls_io.h"

#include <algorithm>

#include <boost/beast/http/error.hpp>

namespace wsp {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

asio::awaitable<boost::system::error_code> tls_read_header(TlsStream& stream,
                                                           beast::flat_buffer& buffer,
                                                           http::basic_parser<true>& parser) {
    boost::system::error_code ec;
    for (;;) {
        // What is buffered first: a pipelined request may be whole already.
        if (buffer.size() > 0) {
            buffer.consume(parser.put(buffer.data(), ec));
            if (!ec && parser.is_header_done()) co_return ec;
            if (ec && ec != http::error::need_more) co_return ec;
            ec = {};
            if (buffer.size() >= buffer.max_size()) co_return http::error::buffer_overflow;
        }
        // Beast's read size: the buffer's free room, 512 bytes at least,
        // 64 KB at most.
        const size_t room =
            std::min<size_t>(std::max<size_t>(512, buffer.capacity() - buffer.size()),
                             std::min<size_t>(64 * 1024, buffer.max_size() - buffer.size()));
        const auto into = buffer.prepare(room);
        const TlsStep step = stream.try_read(into.data(), into.size());
        if (step.want != TlsStep::Want::nothing) {
            ec = co_await stream.wait_for(step.want);
        } else {
            ec = step.ec;
            buffer.commit(step.bytes);
        }
        if (ec == asio::error::eof) {
            if (!parser.got_some()) co_return http::error::end_of_stream;
            parser.put_eof(ec);  // partial_message: the header never ended
            co_return ec ? ec : http::error::partial_message;
        }
        if (ec) co_return ec;
    }
}

asio::awaitable<boost::system::error_code> tls_write_all(TlsStream& stream,
                                                         asio::const_buffer data) {
    while (data.size() > 0) {
        const TlsStep step = stream.try_write(data.data(), data.size());
        if (step.want != TlsStep::Want::nothing) {
            if (auto ec = co_await stream.wait_for(step.want)) co_return ec;
            continue;
        }
        if (step.ec) co_return step.ec;
        data += step.bytes;
    }
    co_return boost::system::error_code{};
}

}  // namespace wsp
