#include "herd/links/link_stream.hpp"

#include "herd/common/use_tuple.hpp"

namespace herd {

namespace asio = boost::asio;
using asio::ip::tcp;

LinkStream::LinkStream(tcp::socket socket) : stream_(std::move(socket)) {}

LinkStream::LinkStream(tcp::socket socket, std::shared_ptr<asio::ssl::context> context)
    : stream_(std::in_place_type<Tls>, std::move(socket), *context), context_(std::move(context)) {}

SSL* LinkStream::native_tls() {
  Tls* tls = std::get_if<Tls>(&stream_);
  return tls != nullptr ? tls->native_handle() : nullptr;
}

tcp::socket& LinkStream::socket() {
  if (Tls* tls = std::get_if<Tls>(&stream_)) return tls->next_layer();
  return std::get<tcp::socket>(stream_);
}

asio::awaitable<boost::system::error_code> LinkStream::handshake(
    asio::ssl::stream_base::handshake_type type, asio::const_buffer received) {
  Tls& tls = std::get<Tls>(stream_);
  if (received.size() == 0) {
    auto [error] = co_await tls.async_handshake(type, use_tuple);
    co_return error;
  }
  auto [error, used] = co_await tls.async_handshake(type, received, use_tuple);
  co_return error;
}

void LinkStream::shutdown_receive() {
  // Under TLS, the end of the TCP stream in the middle of a read is an
  // "unexpected EOF" to OpenSSL: a fatal error that sends the neighbour an
  // alert and fails every later write, including the queued lines a draining
  // link still owes. So a TLS link's pending read is left to end when the
  // link closes, and the reader applies nothing it brings meanwhile.
  if (is_tls()) return;
  boost::system::error_code ignored;
  socket().shutdown(tcp::socket::shutdown_receive, ignored);
}

void LinkStream::close() {
  boost::system::error_code ignored;
  socket().close(ignored);
}

}  // namespace herd
