// null_server [--host 127.0.0.1] [--port N]: the ceiling for herd's client
// scenarios on this machine. The same I/O shape as herd_server's sessions
// (one thread, a reading coroutine per connection that starts without a
// buffer, replies of one read batched into one non-blocking send, half-close
// honoured) with none of the work: no
// parsing, no table, no log, no flooding. Every input line gets one fixed
// AT line as long as a real reply. Prints "port N" once it listens.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <csignal>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

constexpr std::string_view fixed_reply =
    "AT Goloman +0.000012345 client:123456789012 +34.068930-118.445127 1700000000.123456789\n";

// The first size of herd's LineBuffer, so both read in chunks of the same size;
// a line that fills the buffer counts as one command.
constexpr std::size_t read_buffer_bytes = 2048;

class Session : public std::enable_shared_from_this<Session> {
 public:
  explicit Session(tcp::socket socket) : socket_(std::move(socket)) {}

  asio::awaitable<void> run() {
    auto self = shared_from_this();
    boost::system::error_code ignored;
    socket_.non_blocking(true, ignored);
    co_await read_loop();
    if (writing_) {
      asio::steady_timer wake(socket_.get_executor(), asio::steady_timer::time_point::max());
      finisher_wake_ = &wake;
      while (writing_) co_await wake.async_wait(use_tuple);
      finisher_wake_ = nullptr;
    }
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    socket_.close(ignored);
  }

 private:
  asio::awaitable<void> read_loop() {
    // Like herd: wait for the first bytes without a buffer, then keep one and a
    // read pending while the connection is in use.
    auto [wait_error] = co_await socket_.async_wait(asio::socket_base::wait_read, use_tuple);
    if (wait_error) co_return;
    std::unique_ptr<char[]> buffer(new char[read_buffer_bytes]);
    std::size_t held = 0;
    boost::system::error_code error;
    std::size_t bytes = socket_.read_some(asio::buffer(buffer.get(), read_buffer_bytes), error);
    if (error == asio::error::would_block) error = {};
    for (;;) {
      if (error) {
        // End of stream also ends the last command (protocol.md §2).
        if (error == asio::error::eof && held > 0) ready_.append(fixed_reply);
        flush();
        co_return;
      }
      held += bytes;
      const char* begin = buffer.get();
      const char* end = begin + held;
      while (const void* newline =
                 std::memchr(begin, '\n', static_cast<std::size_t>(end - begin))) {
        ready_.append(fixed_reply);
        begin = static_cast<const char*>(newline) + 1;
      }
      held = static_cast<std::size_t>(end - begin);
      if (held == read_buffer_bytes) {
        ready_.append(fixed_reply);
        held = 0;
      }
      std::memmove(buffer.get(), begin, held);
      flush();
      std::tie(error, bytes) = co_await socket_.async_read_some(
          asio::buffer(buffer.get() + held, read_buffer_bytes - held), use_tuple);
    }
  }

  // herd's ClientSession::flush: a non-blocking send, an async write for the rest.
  void flush() {
    if (writing_ || ready_.empty()) return;
    boost::system::error_code error;
    const std::size_t sent = socket_.write_some(asio::buffer(ready_), error);
    if (error && error != asio::error::would_block) {
      socket_.close(error);  // wakes the reader too
      return;
    }
    sending_.assign(ready_, sent);
    ready_.clear();
    if (sending_.empty()) return;
    writing_ = true;
    asio::async_write(
        socket_, asio::buffer(sending_),
        [self = shared_from_this()](const boost::system::error_code& error, std::size_t) {
          self->writing_ = false;
          if (error) {
            boost::system::error_code ignored;
            self->socket_.close(ignored);
          } else {
            self->flush();
          }
          if (self->finisher_wake_) self->finisher_wake_->cancel();
        });
  }

  tcp::socket socket_;
  std::string ready_;
  std::string sending_;
  bool writing_ = false;
  asio::steady_timer* finisher_wake_ = nullptr;
};

asio::awaitable<void> run_acceptor(tcp::acceptor& acceptor) {
  for (;;) {
    auto [error, socket] = co_await acceptor.async_accept(use_tuple);
    if (!acceptor.is_open()) co_return;
    if (error) continue;  // e.g. EMFILE; the peer retries
    socket.set_option(tcp::no_delay(true), error);
    auto session = std::make_shared<Session>(std::move(socket));
    asio::co_spawn(acceptor.get_executor(), session->run(), asio::detached);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  unsigned long port = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (flag == "--host") {
      host = argv[i + 1];
    } else if (flag == "--port") {
      port = std::stoul(argv[i + 1]);
    } else {
      std::cerr << "usage: null_server [--host 127.0.0.1] [--port N]\n";
      return 2;
    }
  }
  try {
    asio::io_context io(1);
    tcp::acceptor acceptor(io, {asio::ip::make_address(host), static_cast<unsigned short>(port)});
    acceptor.listen(asio::socket_base::max_listen_connections);
    std::cout << "port " << acceptor.local_endpoint().port() << std::endl;
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int) { io.stop(); });
    std::signal(SIGPIPE, SIG_IGN);
    asio::co_spawn(io, run_acceptor(acceptor), asio::detached);
    io.run();
  } catch (const std::exception& failure) {
    std::cerr << "null_server: " << failure.what() << "\n";
    return 1;
  }
  return 0;
}
