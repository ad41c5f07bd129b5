#include "herd/links/peer_connection.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>

#include "herd/common/use_tuple.hpp"
#include "herd/links/peer_tls.hpp"
#include "herd/links/peers.hpp"
#include "herd/log/logging.hpp"
#include "herd/protocol/protocol.hpp"
#include "herd/table/client_prefetch.hpp"

namespace herd {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;

namespace {

// The writer sends the catch-up dump in batches of about this size, so flood
// lines queued meanwhile are not held behind the whole table.
constexpr std::size_t dump_batch_bytes = 64 * 1024;

// Flood lines go out in writes of about this size, so that a line queued
// meanwhile from another origin waits behind little (LinkQueue).
constexpr std::size_t flood_write_bytes = 8 * 1024;

// Every line a link takes fits a record, so Table::apply never refuses an
// ECHO (nor the IAMAT it carries) for its size.
static_assert(echo_line_limit(max_line_bytes_limit, max_member_name_bytes) <=
              Table::max_text_bytes);

// How much of a skipped over-long line the log shows.
constexpr std::size_t skipped_prefix_bytes = 64;

// Runs `task`, keeping what it fails with in `failure` rather than throwing
// it. For the left side of an operator||, which waits for a side that
// succeeds: a failure there would leave it waiting on the other side.
asio::awaitable<void> keeping_failure(asio::awaitable<void> task, std::exception_ptr& failure) {
  try {
    co_await std::move(task);
  } catch (...) {
    failure = std::current_exception();
  }
}

}  // namespace

PeerConnection::PeerConnection(const LinkContext& context, Peers& peers, std::size_t neighbour,
                               Role role, LinkStream stream, LineBuffer buffered)
    : context_(context),
      peers_(peers),
      neighbour_(neighbour),
      stream_(std::move(stream)),
      lines_(std::move(buffered)),
      queued_(context_.config().members.size()),
      skipped_(stream_.get_executor(), context_.log(),
               "link " + std::string(neighbour_name()) + ": skipped lines") {
  // An accepted link's buffer comes from the client session that read its
  // HELLO, with the client limit; ECHO lines are longer.
  lines_.set_max_line_bytes(context_.config().peer_max_line_bytes());
  buffers_ = size_link_buffers(stream_.socket());
  enable_link_keepalive(stream_.socket());
  if (role == Role::accepted) become_up();
}

std::string_view PeerConnection::neighbour_name() const { return context_.member_name(neighbour_); }

asio::awaitable<std::string> PeerConnection::run() {
  auto self = shared_from_this();
  std::exception_ptr failure;
  co_await (keeping_failure(read_loop() && write_loop(), failure) || watch_hello());
  close(failure ? "failed" : close_reason_.empty() ? "closed" : close_reason_);
  if (failure) std::rethrow_exception(failure);
  co_return close_reason_;
}

void PeerConnection::become_up() {
  up_ = true;
  up_since_ = std::chrono::steady_clock::now();
  peers_.link_up(neighbour_);
  // Records inserted from now on are flooded to this link as they arrive; the
  // dump covers every record already held, in its current version.
  dump_next_ = 0;
  dump_end_ = context_.table().size();
  const std::string buffers =
      buffers_.buffer_bytes == 0 ? std::string("kernel-sized buffers")
                                 : "buffers of " + std::to_string(buffers_.buffer_bytes) + " bytes";
  context_.log().info(
      "link {}: up ({}; {}; round trip {} us, segments of {} bytes); sending "
      "table of {} records",
      neighbour_name(), link_security(stream_, neighbour_name()), buffers,
      buffers_.round_trip.count(), buffers_.segment_bytes, dump_end_);
  wake_writer();
}

void PeerConnection::send(std::string_view line, std::uint64_t ticket, std::size_t origin) {
  if (!up_ || closed_) return;
  queued_.push(origin, line, ticket);
  if (queued_.bytes() > context_.config().peer_queue_limit_bytes) {
    close("send queue over " + std::to_string(context_.config().peer_queue_limit_bytes) +
          " bytes; the neighbour catches up when the link is back");
    return;
  }
  wake_writer();
}

void PeerConnection::finish() {
  if (closed_ || draining_) return;
  draining_ = true;
  dump_end_ = dump_next_;  // the neighbour has its own copy of what is left
  stream_.shutdown_receive();
  wake_writer();
}

bool PeerConnection::is_alive() {
  return !closed_ && !draining_ && link_still_open(stream_.socket());
}

void PeerConnection::close(std::string reason) {
  if (closed_) return;
  closed_ = true;
  close_reason_ = std::move(reason);
  skipped_.flush();
  stream_.close();
  wake_writer();
  peers_.backlog_changed();  // a closed link holds nobody back
}

asio::awaitable<void> PeerConnection::watch_hello() {
  asio::steady_timer timer(stream_.get_executor());
  timer.expires_after(context_.config().peer_hello_timeout);
  co_await timer.async_wait(use_tuple);
  if (!up_ && !closed_) {
    close("no HELLO within " + std::to_string(context_.config().peer_hello_timeout.count()) +
          " ms");
    co_return;
  }
  // Up in time: stay out of the way until the link ends (the operator|| cancels us).
  timer.expires_at(asio::steady_timer::time_point::max());
  co_await timer.async_wait(use_tuple);
}

asio::awaitable<void> PeerConnection::read_loop() {
  while (!closed_) {
    // The lines of one read are logged as of when it completed.
    read_time_ = std::chrono::system_clock::now();
    handle_complete_lines();
    if (closed_) co_return;
    auto [error, bytes] = co_await stream_.async_read_some(read_buffer(lines_), use_tuple);
    // While draining, the writer closes once the queue is out, and what
    // still arrives is not applied (LinkStream::shutdown_receive).
    if (draining_) co_return;
    if (error) {
      close(error == asio::error::eof || error == asio::ssl::error::stream_truncated
                ? "closed by the neighbour"
                : error.message());
      co_return;
    }
    lines_.commit(bytes);
  }
}

asio::awaitable<void> PeerConnection::write_loop() {
  // Both roles introduce themselves first; the dialer then waits for the reply.
  std::string sending = "HELLO " + context_.name() + "\n";
  while (!closed_) {
    queued_.take(sending, flood_write_bytes);
    // Our own last flood in `sending`.
    const std::uint64_t sending_through = queued_.taken_through(context_.self());
    if (up_ && dump_next_ < dump_end_) append_dump(sending);
    if (sending.empty() && draining_) {
      close("member shutting down");
      co_return;
    }
    if (sending.empty()) {
      co_await writer_wake_.wait();
      continue;
    }
    in_flight_bytes_ = sending.size();
    auto [error, bytes] = co_await stream_.async_write(asio::buffer(sending), use_tuple);
    in_flight_bytes_ = 0;
    last_progress_ = std::chrono::steady_clock::now();
    if (error) {
      close(error.message());
      co_return;
    }
    written_through_ = sending_through;
    peers_.backlog_changed();
    sending.clear();
  }
}

bool PeerConnection::holds_unwritten(std::uint64_t ticket) const {
  return queued_.pushed_through(context_.self()) >= ticket && written_through_ < ticket;
}

void PeerConnection::append_dump(std::string& out) {
  const Table& table = context_.table();
  const std::size_t start = dump_next_;
  while (dump_next_ < dump_end_ && out.size() < dump_batch_bytes) {
    const RecordView record = table.at(dump_next_++);
    append_echo_line(out, record.client, record.location, record.time, record.receive_time,
                     context_.member_name(record.origin));
    out.push_back('\n');
  }
  if (dump_next_ == dump_end_ && start < dump_end_) {
    context_.log().info("link {}: table of {} records sent", neighbour_name(), dump_end_);
  }
}

void PeerConnection::handle_complete_lines() {
  ClientPrefetch clients(context_.table(), lines_.unread());
  for (;;) {
    while (auto line = lines_.next_line()) {
      handle_line(*line, clients);
      if (closed_) return;
    }
    if (!lines_.overflowed()) return;
    skip_overlong_line();
    if (closed_) return;
  }
}

void PeerConnection::handle_line(std::string_view line, ClientPrefetch& clients) {
  log_traffic(context_.log(), context_.config().log_traffic_level, read_time_, "link",
              neighbour_name(), "<", line);
  const Command command = parse_command(line);
  if (!up_) {
    const auto* hello = std::get_if<Hello>(&command);
    if (hello == nullptr || hello->member != neighbour_name()) {
      close("expected \"HELLO " + std::string(neighbour_name()) + "\" as the first line");
      return;
    }
    become_up();
    return;
  }
  if (const auto* echo = std::get_if<Echo>(&command)) {
    handle_echo(*echo, clients.hash_of(echo->client));
    return;
  }
  if (std::holds_alternative<Blank>(command)) return;
  // A neighbour speaking nonsense is logged, not obeyed; the link stays up so one
  // bad line does not cost a full catch-up.
  const auto* invalid = std::get_if<Invalid>(&command);
  skip(invalid != nullptr ? invalid->reason : "not an ECHO");
}

void PeerConnection::handle_echo(const Echo& echo, std::uint32_t client_hash) {
  const auto origin = context_.config().member_index(echo.origin);
  if (!origin) {
    skip(fmt::format("ECHO from unknown origin \"{}\"", Escaped{echo.origin}));
    return;
  }
  const nanoseconds_t now =
      std::chrono::duration_cast<std::chrono::nanoseconds>(read_time_.time_since_epoch()).count();
  const nanoseconds_t max_skew = std::chrono::nanoseconds(context_.config().max_clock_skew).count();
  if (const auto problem = future_time_problem(echo, now, max_skew); !problem.empty()) {
    skip(problem);
    return;
  }
  const RecordView update{echo.client,      echo.location,     echo.time,
                          echo.client_time, echo.receive_time, static_cast<std::uint8_t>(*origin)};
  const Applied applied = context_.table().apply(update, client_hash);
  if (applied == Applied::stored) {
    peers_.flood(update, neighbour_, read_time_);
  } else if (applied == Applied::no_room) {
    // Not forwarded either: a flood stops where it is not applied, or it would circle.
    context_.dropped_echoes().note(std::chrono::steady_clock::now(), [&] {
      return fmt::format("link {}: ECHO for \"{}\" dropped: table full ({})", neighbour_name(),
                         Escaped{echo.client}, describe_fill(context_.table()));
    });
  }
}

void PeerConnection::skip_overlong_line() {
  const std::size_t limit = context_.config().peer_max_line_bytes();
  if (!up_) {
    close("line longer than " + std::to_string(limit) + " bytes instead of HELLO");
    return;
  }
  const std::string_view start = lines_.overflow_prefix().substr(0, skipped_prefix_bytes);
  skip(fmt::format("line longer than {} bytes, starting \"{}\"", limit, Escaped{start}));
  lines_.skip_line();
}

void PeerConnection::skip(std::string_view reason) {
  skipped_.note(std::chrono::steady_clock::now(), [&] {
    return fmt::format("link {}: skipped a line ({}); {} skipped on this link", neighbour_name(),
                       reason, skipped_.total());
  });
}

}  // namespace herd
