// One live link to a neighbour (plain TCP or TLS, LinkStream): HELLO exchange,
// catch-up dump, flooding.
// A reader loop applies incoming ECHOs; a writer loop drains a bounded queue
// of outgoing lines (origins taking turns, LinkQueue) in writes of a few KiB,
// then the catch-up dump in larger batches.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "herd/common/wake_signal.hpp"
#include "herd/links/link_context.hpp"
#include "herd/links/link_queue.hpp"
#include "herd/links/link_socket.hpp"
#include "herd/links/link_stream.hpp"
#include "herd/log/log_throttle.hpp"
#include "herd/protocol/line_buffer.hpp"
#include "herd/protocol/protocol.hpp"

namespace herd {

class ClientPrefetch;

class Peers;

class PeerConnection : public std::enable_shared_from_this<PeerConnection> {
 public:
  enum class Role {
    dialed,    // we connected and sent HELLO; the neighbour's HELLO is still due
    accepted,  // the neighbour's HELLO arrived on our port; we answer with ours
  };

  // `stream`: connected, and past its TLS handshake if it has one.
  // `context` and `peers` outlive it.
  PeerConnection(const LinkContext& context, Peers& peers, std::size_t neighbour, Role role,
                 LinkStream stream, LineBuffer buffered);

  // Runs the link until it drops; returns why, for the log.
  boost::asio::awaitable<std::string> run();

  // Queues one flood line (without "\n") of a record from member `origin`
  // once the link is up; lines sent before the HELLO exchange are left to the
  // catch-up dump. `ticket` numbers the flood (Peers::flood), so that flow
  // control can tell what is written.
  void send(std::string_view line, std::uint64_t ticket, std::size_t origin);
  void close(std::string reason);
  // Shutdown: read no more, send what is queued, then close.
  void finish();
  // HELLO went both ways (it stays true once the link has closed), and since when.
  bool is_up() const { return up_; }
  std::chrono::steady_clock::time_point up_since() const { return up_since_; }
  // Why the link closed, once it has.
  const std::string& close_reason() const { return close_reason_; }
  // Open on our side, and not closed, reset or given up by the neighbour's
  // side either, whether or not we have read that far (link_still_open).
  bool is_alive();

  // Flood lines queued or being written, and when a write last completed: a
  // link with a backlog that still moves slows down the clients whose updates
  // it holds (flow_control.hpp).
  std::size_t backlog_bytes() const { return queued_.bytes() + in_flight_bytes_; }
  std::chrono::steady_clock::time_point last_progress() const { return last_progress_; }
  // Whether flood `ticket` of this member's own went into this link and is
  // not written yet.
  bool holds_unwritten(std::uint64_t ticket) const;

 private:
  boost::asio::awaitable<void> read_loop();
  boost::asio::awaitable<void> write_loop();
  boost::asio::awaitable<void> watch_hello();
  // The complete lines of a read; a plain function, so that its ClientPrefetch
  // lives on the stack.
  void handle_complete_lines();
  // `clients` holds the hashes of the lines' client ids, computed ahead.
  void handle_line(std::string_view line, ClientPrefetch& clients);
  void handle_echo(const Echo& echo, std::uint32_t client_hash);
  // A line longer than the link's limit (a buggy or hostile neighbour) is
  // skipped up to its newline, so one bad line costs no catch-up.
  void skip_overlong_line();
  // Counts and logs (rate-limited) a line that is not applied; the link stays up.
  void skip(std::string_view reason);
  void become_up();
  void append_dump(std::string& out);
  void wake_writer() { writer_wake_.notify_all(); }
  std::string_view neighbour_name() const;

  const LinkContext& context_;
  Peers& peers_;
  std::size_t neighbour_;
  LinkStream stream_;
  LineBuffer lines_;
  LinkBuffers buffers_;
  std::chrono::system_clock::time_point read_time_;  // when the current read completed
  WakeSignal writer_wake_;                           // the writer waits on it for something to send
  LinkQueue queued_;                                 // flood lines waiting for the writer
  std::size_t in_flight_bytes_ = 0;
  std::uint64_t written_through_ = 0;  // ticket of our own last flood written
  std::chrono::steady_clock::time_point last_progress_ = std::chrono::steady_clock::now();
  bool up_ = false;
  std::chrono::steady_clock::time_point up_since_;
  bool closed_ = false;
  bool draining_ = false;
  std::string close_reason_;
  std::size_t dump_next_ = 0;  // table positions [dump_next_, dump_end_) still to send
  std::size_t dump_end_ = 0;
  LogThrottle skipped_;  // lines not applied (protocol.md §5)
};

}  // namespace herd
