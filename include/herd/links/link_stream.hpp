// The byte stream under one link between members: a plain TCP socket, or TLS
// over one (protocol.md §10). PeerConnection runs the link protocol (HELLO, catch-up,
// ECHO, flow control) on either through these few operations, so there is one
// code path for both; link_socket.hpp's kernel settings apply to socket().
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <memory>
#include <variant>

namespace herd {

class LinkStream {
 public:
  using Tls = boost::asio::ssl::stream<boost::asio::ip::tcp::socket>;

  // Plaintext.
  explicit LinkStream(boost::asio::ip::tcp::socket socket);
  // TLS over `socket`, with `context`'s certificate and trust; the handshake
  // is still to be made (handshake()).
  LinkStream(boost::asio::ip::tcp::socket socket,
             std::shared_ptr<boost::asio::ssl::context> context);

  bool is_tls() const { return std::holds_alternative<Tls>(stream_); }
  // The TLS connection, for certificate checks; nullptr when plaintext.
  SSL* native_tls();
  // The TCP socket underneath, either way.
  boost::asio::ip::tcp::socket& socket();
  boost::asio::any_io_executor get_executor() { return socket().get_executor(); }

  // TLS only. `received`: bytes of the peer's first flight already read from
  // the socket (the accepting side looks at the first byte to tell TLS from a
  // text line). Returns the handshake's error, if any.
  boost::asio::awaitable<boost::system::error_code> handshake(
      boost::asio::ssl::stream_base::handshake_type type, boost::asio::const_buffer received);

  template <typename Token>
  auto async_read_some(const boost::asio::mutable_buffer& buffer, Token&& token) {
    if (Tls* tls = std::get_if<Tls>(&stream_)) {
      return tls->async_read_some(buffer, std::forward<Token>(token));
    }
    return std::get<boost::asio::ip::tcp::socket>(stream_).async_read_some(
        buffer, std::forward<Token>(token));
  }

  // Writes all of `buffer`.
  template <typename Token>
  auto async_write(const boost::asio::const_buffer& buffer, Token&& token) {
    if (Tls* tls = std::get_if<Tls>(&stream_)) {
      return boost::asio::async_write(*tls, buffer, std::forward<Token>(token));
    }
    return boost::asio::async_write(std::get<boost::asio::ip::tcp::socket>(stream_), buffer,
                                    std::forward<Token>(token));
  }

  // Ends a pending read with end-of-stream, where that can be done without
  // harm to the writes still to come (see link_stream.cpp).
  void shutdown_receive();
  // Closes the socket at once (no TLS close_notify: a link ends with its TCP
  // connection, and a partial line is never applied).
  void close();

 private:
  std::variant<boost::asio::ip::tcp::socket, Tls> stream_;
  // Kept while the stream lives; a reload (SIGHUP) replaces the member's contexts.
  std::shared_ptr<boost::asio::ssl::context> context_;
};

}  // namespace herd
